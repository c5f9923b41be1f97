"""Every table, for schema creation and for code that touches them all. Code on a hot start
path imports from ``mediation.tables.<module>`` instead, and builds only what it needs."""

from mediation.tables.attachments import Attachment  # noqa: F401
from mediation.tables.base import EventFields, Numbered, TownNumbered, UTCDateTime  # noqa: F401
from mediation.tables.disputes import Case, CaseEvent, Party  # noqa: F401
from mediation.tables.imports import AccessLog, ChainLink, ImportKey  # noqa: F401
from mediation.tables.petitions import Petition, PetitionEvent  # noqa: F401
from mediation.tables.places import CalendarYear, Town, User, UserEvent, Village  # noqa: F401
from mediation.tables.registers import (Employment, Matter, MatterEvent, ScreeningRound, Subject,  # noqa: F401
                                        SubjectEvent, ZeroReport)

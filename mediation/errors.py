"""One exception root. The CLI turns every ``MediationError`` into ``Error: …`` and exit 1."""


class MediationError(Exception):
    """Something a user asked for was refused; the message says why in one line."""


class NotFound(MediationError):
    """No such town, village, user, case, …"""


class NotAllowed(MediationError):
    """The workflow refuses the trigger in this state, or a rule of law forbids it."""


class PermissionDenied(MediationError):
    """The acting user's role or village does not allow this."""


class InvalidValue(MediationError):
    """A value the user typed is malformed (ID checksum, date, phone, category, …)."""


class ConcurrentChange(MediationError):
    """Another terminal changed the record first (optimistic concurrency)."""


class DatabaseError(MediationError):
    """The database cannot be opened or is not initialised."""


class InvalidRecords(MediationError):
    """An import file has problems; ``problems`` lists every one with its location."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) found; nothing was loaded")

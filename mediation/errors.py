"""One exception root. The CLI turns every ``MediationError`` into ``Error: …`` and exit 1.

A message names what the user can give (a note, a value, a field) as data — a
``workflows.Wording`` whose fields are ``given``, ``option``, ``NOTE`` — never as command-line
flags: ``str()`` reads them as bare names, and each edge phrases them for its audience with
``phrased`` — the terminal as its options, the loader as the keys of an import file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module at start: the workflows load when a message is worded
    from workflows.base import Words


class MediationError(Exception):
    """Something a user asked for was refused; the message says why in one line."""

    def __init__(self, message: str = "", *, reasons: tuple = ()):
        super().__init__(message)
        self.message = message
        self.reasons = tuple(reasons)  # a workflow's refusal: its Reason objects (code, text, law)

    def __str__(self) -> str:
        return self.phrased(None)

    def phrased(self, words: Words | None) -> str:
        if words is None or not hasattr(self.message, "wants"):  # plain words
            return str(self.message)
        return self.message.phrase(words)

    @property
    def wants(self) -> tuple:
        """What the message asks for (``workflows.Want``), in order."""
        return getattr(self.message, "wants", ())


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


class PasswordNeeded(DatabaseError):
    """The server asks for the login's password and none was given (no ``~/.pgpass`` line, no
    ``PGPASSWORD``): at a terminal the command line asks for it."""


class InvalidRecords(MediationError):
    """An import file has problems; ``problems`` lists every one with its location."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        from workflows.i18n import _

        super().__init__(_("{count} problem(s) found; nothing was loaded").format(count=len(problems)))

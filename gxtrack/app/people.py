"""How a person is shown: by display name, wherever a bureau user reads.

The login name identifies a user (filters submit it, the event log records it);
people read the display name. `People` is the one mapping between them, loaded
once from the users read model and asked by pages, exports and the digest. A
name it does not know (the system, a removed account) is shown as recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.reference import ReferenceData
from gxtrack.app.reports.readable import Readable
from gxtrack.infra.db import Database
from gxtrack.readmodels.users.queries import display_names

SYSTEM = {"system": "系统", "": "—"}


class People:
    """Login name → the name people know."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)

    @classmethod
    def load(cls, db: Database) -> People:
        """Every user's display name (inactive users too: history names them)."""
        return cls(display_names(db))

    def __call__(self, login: str | None) -> str:
        """The display name of `login` (its login name when it has none)."""
        if login is None or login in SYSTEM:
            return SYSTEM.get(login or "", "—")
        return self._names.get(login) or login

    def options(self, logins: list[str]) -> list[tuple[str, str]]:
        """(login, display name) pairs for a drop-down, by display name."""
        return sorted(((n, self(n)) for n in logins), key=lambda o: (o[1], o[0]))


def readable(reference: ReferenceData, db: Database) -> Readable:
    """Codes and login names as a bureau user reads them (exports, history)."""
    return Readable(reference, People.load(db))

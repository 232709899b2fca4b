"""Credentials kept outside the event log: password hashes and API token hashes.

The event log is immutable and exported for audit, so no secret may enter it.
Passwords are hashed with scrypt (werkzeug); API tokens are random 256-bit
strings stored as SHA-256 digests, shown to the user once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from werkzeug.security import check_password_hash, generate_password_hash

from gxtrack.infra.db import Database

MIN_PASSWORD = 8


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Password and token storage for users named in the event log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def setup(self) -> None:
        """Create the credential tables (gxtrack.infra.migrations, idempotent)."""
        from gxtrack.infra.migrations import migrate

        migrate(self.db)

    def set_password(self, name: str, password: str) -> None:
        """Store a new password hash for `name`."""
        if len(password) < MIN_PASSWORD:
            from gxtrack.errors import RuleViolationError

            raise RuleViolationError(
                f"密码至少 {MIN_PASSWORD} 位",
                "password",
            )
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO acc_passwords (name, hash, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET hash = excluded.hash,"
                " updated_at = excluded.updated_at",
                (name, generate_password_hash(password), _now()),
            )

    def check_password(self, name: str, password: str) -> bool:
        """Whether `password` is the user's password."""
        row = self.db.fetchone("SELECT hash FROM acc_passwords WHERE name = ?", (name,))
        return bool(row) and check_password_hash(row["hash"], password)

    def issue_token(self, name: str) -> str:
        """A new API token for `name`; only its digest is kept."""
        token = "gxt_" + secrets.token_urlsafe(32)
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO acc_tokens (digest, name, created_at) VALUES (?, ?, ?)",
                (_digest(token), name, _now()),
            )
        return token

    def token_owner(self, token: str) -> str | None:
        """The user name a live token belongs to, or None."""
        row = self.db.fetchone(
            "SELECT name FROM acc_tokens WHERE digest = ? AND revoked = 0",
            (_digest(token),),
        )
        return row["name"] if row else None

    def revoke_tokens(self, name: str) -> int:
        """Revoke every token of `name`; returns how many."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE acc_tokens SET revoked = 1 WHERE name = ? AND revoked = 0",
                (name,),
            )
            return cur.rowcount

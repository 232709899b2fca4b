"""The errors every interface maps the same way (HTTP status, CLI message)."""

from __future__ import annotations

from domain.errors import DomainError, PermissionDeniedError, RuleViolationError

__all__ = [
    "ConflictError",
    "DomainError",
    "GxtrackError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProjectionTimeoutError",
    "RuleViolationError",
    "StoreUnavailableError",
]


class GxtrackError(Exception):
    """Base class for application errors, with a user-facing message."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(GxtrackError):
    """No such project, enterprise or user."""

    status = 404


class ConflictError(GxtrackError):
    """A stale `expected_version`, a concurrent save, or a duplicate."""

    status = 409


class ProjectionTimeoutError(GxtrackError):
    """The read models did not catch up with a command in time."""

    status = 503


class StoreUnavailableError(GxtrackError):
    """The database cannot be reached."""

    status = 503


def http_status(error: Exception) -> int:
    """The HTTP status for any error the application raises."""
    status = getattr(error, "status", None)
    if status is not None:
        return status  # a record not found is a rule violation answered 404
    if isinstance(error, RuleViolationError):
        return 422
    return 500

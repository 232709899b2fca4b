"""Errors the domain raises when a command breaks one of its rules."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for every error a domain rule raises."""


class RuleViolationError(DomainError):
    """A command breaks a business rule; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "_schema") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDeniedError(DomainError):
    """The actor's role or zone does not allow the action."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordNotFoundError(RuleViolationError):
    """A record inside an aggregate (an award, a candidacy) that does not exist:
    named in a path, it is not found (404), like an unknown aggregate."""

    status = 404

"""Errors the domain raises when a command breaks one of its rules."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class for every error a domain rule raises."""


class RuleViolationError(DomainError):
    """A command breaks a business rule; `field` names the input at fault."""

    def __init__(
        self,
        message: str,
        field: str = "_schema",
        code: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # The catalogue's code and the values its text was filled with
        # (domain/messages.py), when the refusal is a catalogued one.
        self.code = code
        self.values = values or {}


class RuleViolationsError(RuleViolationError):
    """Several inputs refused at once; `errors` maps each field to its message.

    It reads as its first violation where one message is enough (the CLI), and
    a form shows every field's message next to its input.
    """

    def __init__(self, violations: list[RuleViolationError]) -> None:
        first = violations[0]
        super().__init__(first.message, first.field, first.code, first.values)
        self.violations = violations
        self.errors: dict[str, str] = {}
        for violation in violations:  # the first message of each field
            self.errors.setdefault(violation.field, violation.message)


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

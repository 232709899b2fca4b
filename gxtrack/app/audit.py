"""Audit reads: decision histories and aggregates as they were recorded at an instant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.clock import BUREAU_TZ
from domain.enterprise import Enterprise
from domain.project import InvestmentProject
from gxtrack.app.base import ServiceBase
from gxtrack.app.history import history
from gxtrack.errors import NotFoundError


def as_instant(value: datetime) -> datetime:
    """An aware instant; a naive datetime is read on the bureau's clock."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=BUREAU_TZ)
    return value.astimezone(UTC)


class AuditService(ServiceBase):
    """Histories and point-in-time versions, for auditors and everyone who reads."""

    def version_at(
        self, kind: type, aggregate_id: str | UUID, instant: datetime
    ) -> int:
        """The aggregate's version as recorded at `instant` (inclusive)."""
        aggregate = self.load(kind, aggregate_id)
        limit = as_instant(instant)
        version = None
        for event in self.events.get(aggregate.id):
            if event.timestamp > limit:
                break
            version = event.originator_version
        if version is None:
            label = getattr(kind, "LABEL", kind.__name__)
            raise NotFoundError(f"{label}在 {limit.isoformat()} 时尚未登记")
        return version

    def project_history(self, project_id: str | UUID) -> list[dict[str, Any]]:
        """Every decision on a project, oldest first (withdrawn ones included)."""
        project = self.load(InvestmentProject, project_id)
        return history(self, project.id)

    def enterprise_history(self, enterprise_id: str | UUID) -> list[dict[str, Any]]:
        """Every event of an enterprise, revoked and expired designations included."""
        enterprise = self.load(Enterprise, enterprise_id)
        return history(self, enterprise.id)

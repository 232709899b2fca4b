"""Enterprise use cases: register by credit code, award and manage designations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.clock import today
from domain.enterprise import Enterprise
from domain.permissions import Actor, require_leader, require_role
from domain.users import Role
from gxtrack.app.base import ServiceBase
from gxtrack.app.presenters import enterprise_view
from gxtrack.errors import ConflictError


class EnterpriseService(ServiceBase):
    """Commands and point reads on enterprises."""

    def register_enterprise(
        self,
        actor: Actor,
        uscc: str,
        name: str,
        industry: str | None = None,
        zone: str | None = None,
    ) -> dict[str, Any]:
        """Register an enterprise; a code already registered is a conflict."""
        require_role(actor, {Role.ADMIN, Role.LEADER, Role.OFFICER}, "登记企业")
        reference = self.reference()
        enterprise = Enterprise.register(
            uscc=uscc,
            name=name,
            actor=actor.name,
            industry=reference.resolve("industry", industry) if industry else None,
            zone=reference.resolve("zone", zone) if zone else None,
        )
        if self.exists(enterprise.id):
            raise ConflictError(f"统一社会信用代码已登记: {enterprise.uscc}")
        self.store(enterprise)
        return enterprise_view(enterprise, today())

    def get_enterprise(
        self,
        enterprise_id: str | UUID,
        as_of: date | None = None,
        version: int | None = None,
        recorded_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The enterprise with its tier on `as_of` (default today), now, at a
        version, or as recorded at the instant `recorded_at`."""
        if recorded_at is not None:
            version = self.version_at(Enterprise, enterprise_id, recorded_at)  # type: ignore[attr-defined]
        enterprise = self.load(Enterprise, enterprise_id, version)
        return enterprise_view(enterprise, as_of or today())

    def award_designation(
        self,
        actor: Actor,
        enterprise_id: str | UUID,
        designation: str,
        certified_on: date,
        expires_on: date | None = None,
        document_no: str = "",
        batch: str = "",
        stars: int | None = None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Award a designation (leaders and admins)."""
        require_leader(actor, "认定企业称号")
        enterprise = self.load(Enterprise, enterprise_id)
        self.check_version(enterprise, expected_version)
        enterprise.award(
            designation,
            certified_on,
            actor.name,
            expires_on=expires_on,
            document_no=document_no,
            batch=batch,
            stars=stars,
        )
        self.store(enterprise)
        return enterprise_view(enterprise, today())

    def review_designation(
        self,
        actor: Actor,
        enterprise_id: str | UUID,
        award_id: str,
        reviewed_on: date,
        passed: bool,
        expires_on: date | None = None,
        document_no: str = "",
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Record a re-review (复核) of an award."""
        require_leader(actor, "复核企业称号")
        enterprise = self.load(Enterprise, enterprise_id)
        self.check_version(enterprise, expected_version)
        enterprise.review(
            award_id,
            reviewed_on,
            passed,
            actor.name,
            expires_on=expires_on,
            document_no=document_no,
            reason=reason,
        )
        self.store(enterprise)
        return enterprise_view(enterprise, today())

    def revoke_designation(
        self,
        actor: Actor,
        enterprise_id: str | UUID,
        award_id: str,
        on: date,
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Revoke an award with a reason."""
        require_leader(actor, "撤销企业称号")
        enterprise = self.load(Enterprise, enterprise_id)
        self.check_version(enterprise, expected_version)
        enterprise.revoke(award_id, on, reason, actor.name)
        self.store(enterprise)
        return enterprise_view(enterprise, today())

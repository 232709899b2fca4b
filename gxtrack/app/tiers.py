"""Cultivation use cases: the candidate pool, expiry of designations, yearly targets.

Each is get → command → save on the Enterprise or YearlyTargets aggregate; the
rules live in the domain. The expiry job passes the enterprises the read model
says have lapsed; each aggregate decides for itself, so a second run on the same
day records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.clock import today
from domain.enterprise import Enterprise, enterprise_id
from domain.errors import RuleViolationError
from domain.permissions import (
    CHANGERS,
    Actor,
    require_admin,
    require_leader,
    require_role,
)
from domain.rules import business_date
from domain.targets import YearlyTargets, targets_id
from domain.uscc import normalize_uscc
from gxtrack.app.base import ServiceBase
from gxtrack.app.presenters import enterprise_view
from gxtrack.errors import ConflictError, PermissionDeniedError


def targets_view(plan: YearlyTargets | None, year: int) -> dict[str, Any]:
    """A year's targets as plain data."""
    targets = sorted(
        (plan.targets.values() if plan else []),
        key=lambda t: (t["designation"], t["zone"] or ""),
    )
    return {
        "year": year,
        "targets": [dict(t) for t in targets],
        "version": plan.version if plan else 0,
    }


class TierService(ServiceBase):
    """The cultivation pool, expiry and targets."""

    def enterprise_ref(self, value: str | UUID) -> UUID:
        """An enterprise id from its id or its credit code; NotFoundError if absent."""
        text = str(value).strip()
        if len(text) == 18:
            try:
                key = enterprise_id(normalize_uscc(text))
            except RuleViolationError:
                key = None
            if key is not None and self.exists(key):
                return key
        return self.load(Enterprise, text).id

    # -- the cultivation pool ------------------------------------------------

    def list_candidate(
        self,
        actor: Actor,
        enterprise: str | UUID,
        designation: str,
        year: object,
        officer: str | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Put an enterprise in the pool for a designation and year (培育库入库)."""
        require_role(actor, CHANGERS, "纳入培育库")
        ent = self.load(Enterprise, self.enterprise_ref(enterprise))
        self.check_version(ent, expected_version)
        ent.list_candidate(designation, year, officer or actor.name, actor.name, note)
        self.store(ent)
        return enterprise_view(ent, today())

    def withdraw_candidacy(
        self,
        actor: Actor,
        enterprise: str | UUID,
        candidacy_id: str,
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Take a candidacy out of the pool (leaders, or its responsible officer)."""
        require_role(actor, CHANGERS, "移出培育库")
        ent = self.load(Enterprise, self.enterprise_ref(enterprise))
        self.check_version(ent, expected_version)
        candidacy = ent.candidacy_of(candidacy_id)
        if not actor.is_leader and candidacy["officer"] != actor.name:
            raise PermissionDeniedError("只能移出本人负责的培育对象")
        ent.withdraw_candidacy(candidacy_id, reason, actor.name)
        self.store(ent)
        return enterprise_view(ent, today())

    # -- expiry ----------------------------------------------------------------

    def record_expiries(
        self,
        actor: Actor,
        enterprise_ids: Iterable[str | UUID],
        as_of: date | None = None,
    ) -> dict[str, Any]:
        """Record DesignationExpired for every lapse before `as_of` (default today)."""
        require_leader(actor, "记录称号到期")
        day = business_date(as_of or today(), today(), "as_of")
        expired: list[dict[str, Any]] = []
        for key in enterprise_ids:
            expired += self._expire_one(actor, key, day)
        return {"as_of": day.isoformat(), "expired": expired}

    def _expire_one(
        self, actor: Actor, key: str | UUID, day: date
    ) -> list[dict[str, Any]]:
        for attempt in range(2):
            ent = self.load(Enterprise, key)
            lapsed = ent.record_expiries(day, actor.name)
            if not lapsed:
                return []
            try:
                self.store(ent)
            except ConflictError:
                if attempt:  # a concurrent job recorded it, or an edit raced us
                    raise
                continue
            return [
                {
                    "enterprise_id": str(ent.id),
                    "name": ent.name,
                    "award_id": award_id,
                    "designation": ent.designations[award_id]["designation"],
                    "expires_on": ent.designations[award_id]["expires_on"].isoformat(),
                }
                for award_id in lapsed
            ]
        return []

    # -- yearly targets ------------------------------------------------------

    def _plan(self, year: int) -> YearlyTargets | None:
        try:
            return self.repository.get(targets_id(year))
        except AggregateNotFoundError:
            return None

    def get_targets(self, year: int) -> dict[str, Any]:
        """The targets set for `year` (empty when none)."""
        return targets_view(self._plan(int(year)), int(year))

    def set_target(
        self,
        actor: Actor,
        year: object,
        designation: str,
        count: object,
        zone: str | None = None,
        reason: str = "",
    ) -> dict[str, Any]:
        """Set one yearly target (admin); 0 removes it; the same count is a no-op."""
        require_admin(actor, "设置年度培育目标")
        plan = YearlyTargets.start(year, actor.name)
        existing = self._plan(plan.year)
        if existing is not None:
            plan = existing
        code = self.reference().resolve("zone", zone) if zone else None
        if plan.set_target(designation, count, actor.name, zone=code, reason=reason):
            self.store(plan)
        return targets_view(plan, plan.year)

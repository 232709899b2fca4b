"""The enterprise aggregate: identity by credit code, and its designations.

An enterprise's id is derived from its unified social credit code, so a second
registration of the same code collides in the event store and is reported as a
conflict. Designations are valid from their certificate date through their expiry
date (three years by default) unless revoked; a passed re-review (复核) extends
them, a failed one ends them. The tier on a date is the highest ladder
designation valid that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.clock import add_years
from domain.clock import today as bureau_today
from domain.designations import VALIDITY_YEARS, Designation
from domain.errors import RuleViolationError
from domain.rules import business_date, optional_text, required_text
from domain.uscc import normalize_uscc


def enterprise_id(uscc: str) -> UUID:
    """The aggregate id for a (normalized) credit code."""
    return uuid5(NAMESPACE_URL, f"gxtrack:enterprise:{uscc}")


def default_expiry(certified_on: date) -> date:
    """The last valid day of a designation certified on `certified_on`."""
    return add_years(certified_on, VALIDITY_YEARS) - timedelta(days=1)


def _designation(value: str) -> Designation:
    try:
        return Designation(value)
    except ValueError:
        raise RuleViolationError(f"未知称号: {value}", "designation") from None


class Enterprise(Aggregate):
    """A district enterprise under cultivation."""

    @staticmethod
    def create_id(uscc: str, **_: Any) -> UUID:
        """One aggregate per credit code."""
        return enterprise_id(uscc)

    @classmethod
    def register(
        cls,
        *,
        uscc: str,
        name: str,
        actor: str,
        industry: str | None = None,
        zone: str | None = None,
    ) -> Enterprise:
        """Register an enterprise; the credit code's check character is verified."""
        return cls(
            uscc=normalize_uscc(uscc),
            name=required_text(name, "name"),
            industry=industry or None,
            zone=zone or None,
            actor=actor,
        )

    @event("Registered")
    def __init__(
        self,
        uscc: str,
        name: str,
        industry: str | None,
        zone: str | None,
        actor: str,
    ) -> None:
        self.uscc = uscc
        self.name = name
        self.industry = industry
        self.zone = zone
        self.designations: dict[str, dict[str, Any]] = {}

    # -- queries -----------------------------------------------------------

    def valid_on(self, award: dict[str, Any], day: date) -> bool:
        """Whether one award is in force on `day`."""
        revoked = award.get("revoked_on")
        return award["certified_on"] <= day <= award["expires_on"] and (
            revoked is None or day < revoked
        )

    def tier_on(self, day: date) -> Designation | None:
        """The highest ladder designation valid on `day`, if any."""
        held = [
            Designation(a["designation"])
            for a in self.designations.values()
            if self.valid_on(a, day) and Designation(a["designation"]).rank
        ]
        return max(held, key=lambda d: d.rank) if held else None

    def award_of(self, award_id: str) -> dict[str, Any]:
        """One award by its id."""
        if award_id not in self.designations:
            raise RuleViolationError(f"未找到称号记录: {award_id}", "award_id")
        return self.designations[award_id]

    # -- commands ----------------------------------------------------------

    def award(
        self,
        designation: str,
        certified_on: date,
        actor: str,
        expires_on: date | None = None,
        document_no: str = "",
        batch: str = "",
        stars: int | None = None,
        today: date | None = None,
    ) -> str:
        """Award a designation; returns the award's id."""
        kind = _designation(designation)
        day = business_date(certified_on, today or bureau_today(), "certified_on")
        expiry = expires_on or default_expiry(day)
        if expiry <= day:
            raise RuleViolationError("有效期截止日必须晚于认定日期", "expires_on")
        for award in self.designations.values():
            if award["designation"] == kind.value and (
                self.valid_on(award, day) or self.valid_on(award, expiry)
            ):
                raise RuleViolationError(
                    f"{kind.label}仍在有效期内，请使用复核 (already held)",
                    "designation",
                )
        if stars is not None and not (
            kind is Designation.CLOUD_STAR and 1 <= stars <= 5
        ):
            raise RuleViolationError("只有星级上云企业有星级 (1–5)", "stars")
        award_id = str(len(self.designations) + 1)
        self._award(
            award_id=award_id,
            designation=kind.value,
            certified_on=day,
            expires_on=expiry,
            document_no=optional_text(document_no, "document_no", 100),
            batch=optional_text(batch, "batch", 100),
            stars=stars,
            actor=actor,
        )
        return award_id

    @event("DesignationAwarded")
    def _award(
        self,
        award_id: str,
        designation: str,
        certified_on: date,
        expires_on: date,
        document_no: str,
        batch: str,
        stars: int | None,
        actor: str,
    ) -> None:
        self.designations[award_id] = {
            "award_id": award_id,
            "designation": designation,
            "certified_on": certified_on,
            "expires_on": expires_on,
            "document_no": document_no,
            "batch": batch,
            "stars": stars,
            "revoked_on": None,
            "revoke_reason": "",
            "expired_recorded": False,
        }

    def review(
        self,
        award_id: str,
        reviewed_on: date,
        passed: bool,
        actor: str,
        expires_on: date | None = None,
        document_no: str = "",
        reason: str = "",
        today: date | None = None,
    ) -> None:
        """Record a re-review (复核): passing extends validity, failing ends it."""
        award = self.award_of(award_id)
        if award["revoked_on"] is not None:
            raise RuleViolationError("称号已撤销，不能复核", "award_id")
        day = business_date(
            reviewed_on, today or bureau_today(), "reviewed_on", award["certified_on"]
        )
        if passed:
            after = expires_on or default_expiry(day)
            if after <= award["expires_on"]:
                raise RuleViolationError("复核后的有效期必须延长", "expires_on")
        else:
            after = min(award["expires_on"], day - timedelta(days=1))
            if not reason.strip():
                raise RuleViolationError("复核未通过须填写原因", "reason")
        self._review(
            award_id=award_id,
            reviewed_on=day,
            passed=passed,
            before=award["expires_on"],
            after=after,
            document_no=optional_text(document_no, "document_no", 100),
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    @event("DesignationReviewed")
    def _review(
        self,
        award_id: str,
        reviewed_on: date,
        passed: bool,
        before: date,
        after: date,
        document_no: str,
        reason: str,
        actor: str,
    ) -> None:
        award = self.designations[award_id]
        award["expires_on"] = after
        award["expired_recorded"] = False
        if document_no:
            award["document_no"] = document_no

    def revoke(
        self,
        award_id: str,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Revoke an award from `on` (it is no longer valid that day)."""
        award = self.award_of(award_id)
        if award["revoked_on"] is not None:
            raise RuleViolationError("称号已撤销", "award_id")
        self._revoke(
            award_id=award_id,
            effective_date=business_date(
                on, today or bureau_today(), "date", award["certified_on"], "认定日期"
            ),
            reason=required_text(reason, "reason", 2000),
            actor=actor,
        )

    @event("DesignationRevoked")
    def _revoke(
        self, award_id: str, effective_date: date, reason: str, actor: str
    ) -> None:
        award = self.designations[award_id]
        award["revoked_on"] = effective_date
        award["revoke_reason"] = reason

    def record_expiry(self, award_id: str, actor: str) -> None:
        """Note that an award has lapsed (the daily job does this once)."""
        award = self.award_of(award_id)
        if award["expired_recorded"] or award["revoked_on"] is not None:
            raise RuleViolationError("已记录失效", "award_id")
        self._expire(
            award_id=award_id,
            effective_date=award["expires_on"] + timedelta(days=1),
            actor=actor,
        )

    @event("DesignationExpired")
    def _expire(self, award_id: str, effective_date: date, actor: str) -> None:
        self.designations[award_id]["expired_recorded"] = True

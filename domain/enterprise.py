"""The enterprise aggregate: identity by credit code, designations, candidacies.

An enterprise's id is derived from its unified social credit code, so a second
registration of the same code collides in the event store and is reported as a
conflict. Designations are valid from their certificate date through their expiry
date (three years by default) unless revoked; a passed re-review (复核) extends
them, a failed one ends them the day before the review. The tier on a date is the
highest ladder designation valid that day. A candidacy in the cultivation pool
(培育库) is closed by the award of its designation, in the same event batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.clock import today as bureau_today
from domain.cultivation import OPEN, PROMOTED, WITHDRAWN, open_candidacy, target_year
from domain.cultivation import designation as _designation
from domain.designations import Designation
from domain.errors import RecordNotFoundError, RuleViolationError
from domain.rules import business_date, optional_text, required_text
from domain.uscc import normalize_uscc
from domain.validity import (
    ONE_DAY,
    check_new_award,
    check_revocation,
    default_expiry,
    has_lapsed,
    review_outcome,
    valid_on,
)

__all__ = ["Enterprise", "default_expiry", "enterprise_id"]


def enterprise_id(uscc: str) -> UUID:
    """The aggregate id for a (normalized) credit code."""
    return uuid5(NAMESPACE_URL, f"gxtrack:enterprise:{uscc}")


class Enterprise(Aggregate):
    """A district enterprise under cultivation."""

    LABEL = "企业"  # names it in messages such as "企业不存在"

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
        self.candidacies: dict[str, dict[str, Any]] = {}

    # -- queries -----------------------------------------------------------

    @staticmethod
    def valid_on(award: dict[str, Any], day: date) -> bool:
        """Whether one award is in force on `day`."""
        return valid_on(award, day)

    def tier_on(self, day: date) -> Designation | None:
        """The highest ladder designation valid on `day`, if any."""
        held = [
            Designation(a["designation"])
            for a in self.designations.values()
            if valid_on(a, day) and Designation(a["designation"]).rank
        ]
        return max(held, key=lambda d: d.rank) if held else None

    def award_of(self, award_id: str) -> dict[str, Any]:
        """One award by its id."""
        if award_id not in self.designations:
            raise RecordNotFoundError(f"未找到称号记录: {award_id}", "award_id")
        return self.designations[award_id]

    def find_award(self, designation: str, certified_on: date) -> str | None:
        """The id of the award of `designation` certified on that day, if any."""
        for award_id, award in self.designations.items():
            if (award["designation"], award["certified_on"]) == (
                designation,
                certified_on,
            ):
                return award_id
        return None

    # -- designations ------------------------------------------------------

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
        """Award a designation; returns the award's id.

        An open candidacy for the same designation is closed as promoted.
        """
        kind = _designation(designation)
        day = business_date(certified_on, today or bureau_today(), "certified_on")
        expiry = expires_on or default_expiry(day)
        check_new_award(self.designations.values(), kind, day, expiry, stars)
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
        candidacy = open_candidacy(self.candidacies, kind)
        # An award that had already ended before the listing (an old one entered
        # late, e.g. by an import) does not answer it; one still in force does.
        if candidacy is not None and expiry >= candidacy["listed_on"]:
            self._promote(
                candidacy_id=candidacy["candidacy_id"],
                award_id=award_id,
                effective_date=day,
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
            "last_reviewed_on": None,
            "review_failed_on": None,
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
        day = business_date(
            reviewed_on,
            today or bureau_today(),
            "reviewed_on",
            award["last_reviewed_on"] or award["certified_on"],
            "认定或上次复核日期",
        )
        after = review_outcome(award, day, passed, expires_on, reason)
        self._review(
            award_id=award_id,
            reviewed_on=day,
            passed=bool(passed),
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
        award["last_reviewed_on"] = reviewed_on
        # A review entered late may follow a recorded lapse it supersedes.
        award["expired_recorded"] = False
        if not passed:
            award["review_failed_on"] = reviewed_on
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
        day = business_date(
            on, today or bureau_today(), "date", award["certified_on"], "认定日期"
        )
        check_revocation(award, day)
        self._revoke(
            award_id=award_id,
            effective_date=day,
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

    def record_expiries(
        self, as_of: date, actor: str, today: date | None = None
    ) -> list[str]:
        """Record each award that lapsed before `as_of` and is not yet recorded.

        Returns the ids recorded; a second call on the same day records nothing.
        """
        day = business_date(as_of, today or bureau_today(), "as_of")
        lapsed = [k for k, a in self.designations.items() if has_lapsed(a, day)]
        for award_id in lapsed:
            self._expire(
                award_id=award_id,
                effective_date=self.designations[award_id]["expires_on"] + ONE_DAY,
                actor=actor,
            )
        return lapsed

    @event("DesignationExpired")
    def _expire(self, award_id: str, effective_date: date, actor: str) -> None:
        self.designations[award_id]["expired_recorded"] = True

    # -- the cultivation pool ----------------------------------------------

    def list_candidate(
        self,
        designation: str,
        year: object,
        officer: str,
        actor: str,
        note: str = "",
        today: date | None = None,
    ) -> str:
        """List the enterprise in the pool for `designation` in `year`."""
        day = today or bureau_today()
        kind = _designation(designation)
        plan_year = target_year(year, day)
        if open_candidacy(self.candidacies, kind) is not None:
            raise RuleViolationError(f"已在{kind.label}培育库中", "designation")
        if any(
            a["designation"] == kind.value and valid_on(a, day)
            for a in self.designations.values()
        ):
            raise RuleViolationError(f"已持有有效的{kind.label}称号", "designation")
        candidacy_id = f"c{len(self.candidacies) + 1}"
        self._list(
            candidacy_id=candidacy_id,
            designation=kind.value,
            year=plan_year,
            officer=required_text(officer, "officer", 50),
            note=optional_text(note, "note"),
            effective_date=day,
            actor=actor,
        )
        return candidacy_id

    @event("CandidacyListed")
    def _list(
        self,
        candidacy_id: str,
        designation: str,
        year: int,
        officer: str,
        note: str,
        effective_date: date,
        actor: str,
    ) -> None:
        self.candidacies[candidacy_id] = {
            "candidacy_id": candidacy_id,
            "designation": designation,
            "year": year,
            "officer": officer,
            "note": note,
            "listed_on": effective_date,
            "status": OPEN,
            "closed_on": None,
            "reason": "",
            "award_id": None,
        }

    def candidacy_of(self, candidacy_id: str) -> dict[str, Any]:
        """One candidacy by its id."""
        if candidacy_id not in self.candidacies:
            raise RecordNotFoundError(f"未找到培育记录: {candidacy_id}", "candidacy_id")
        return self.candidacies[candidacy_id]

    def withdraw_candidacy(
        self, candidacy_id: str, reason: str, actor: str, today: date | None = None
    ) -> None:
        """Take an open candidacy out of the pool, with a reason."""
        candidacy = self.candidacy_of(candidacy_id)
        if candidacy["status"] != OPEN:
            raise RuleViolationError("该培育记录已关闭", "candidacy_id")
        self._withdraw(
            candidacy_id=candidacy_id,
            reason=required_text(reason, "reason", 2000),
            effective_date=today or bureau_today(),
            actor=actor,
        )

    @event("CandidacyWithdrawn")
    def _withdraw(
        self, candidacy_id: str, reason: str, effective_date: date, actor: str
    ) -> None:
        candidacy = self.candidacies[candidacy_id]
        candidacy.update(status=WITHDRAWN, closed_on=effective_date, reason=reason)

    @event("CandidacyPromoted")
    def _promote(
        self, candidacy_id: str, award_id: str, effective_date: date, actor: str
    ) -> None:
        candidacy = self.candidacies[candidacy_id]
        candidacy.update(status=PROMOTED, closed_on=effective_date, award_id=award_id)

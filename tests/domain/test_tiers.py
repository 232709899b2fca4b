"""Validity boundaries, re-review, expiry, the cultivation pool and yearly targets."""

from __future__ import annotations

from datetime import date

import pytest

from domain.designations import Designation
from domain.enterprise import Enterprise
from domain.errors import RuleViolationError
from domain.targets import YearlyTargets, targets_id
from domain.uscc import check_character
from domain.validity import default_expiry

TODAY = date(2026, 6, 30)
BODY = "91320506MA1TEA0XK"
CODE = BODY + check_character(BODY)
SRDI = Designation.SRDI


def enterprise() -> Enterprise:
    return Enterprise.register(uscc=CODE, name="示例梯度科技", actor="officer")


def event_names(ent: Enterprise) -> list[str]:
    return [type(e).__name__ for e in ent.collect_events()]


def test_default_expiry_is_the_day_before_the_third_anniversary():
    assert default_expiry(date(2022, 7, 1)) == date(2025, 6, 30)
    assert default_expiry(date(2023, 1, 1)) == date(2025, 12, 31)
    # 29 February: three years on there is no 29 February; valid through 28th.
    assert default_expiry(date(2024, 2, 29)) == date(2027, 2, 28)
    assert default_expiry(date(2023, 3, 1)) == date(2026, 2, 28)


def test_tier_across_award_renewal_lapse_and_revocation():
    ent = enterprise()
    sme = ent.award("innovative_sme", date(2021, 3, 1), "leader", today=TODAY)
    srdi = ent.award("srdi", date(2022, 7, 1), "leader", today=TODAY)
    # Award: the tier starts on the certificate date.
    assert ent.tier_on(date(2021, 2, 28)) is None
    assert ent.tier_on(date(2021, 3, 1)) is Designation.INNOVATIVE_SME
    assert ent.tier_on(date(2022, 6, 30)) is Designation.INNOVATIVE_SME
    assert ent.tier_on(date(2022, 7, 1)) is SRDI
    # Renewal on 2024-02-29 runs three years from the review.
    ent.review(srdi, date(2024, 2, 29), True, "leader", today=TODAY)
    assert ent.designations[srdi]["expires_on"] == date(2027, 2, 28)
    assert ent.tier_on(date(2025, 7, 1)) is SRDI
    # Lapse of the lower designation changes nothing while SRDI holds.
    assert ent.designations[sme]["expires_on"] == date(2024, 2, 29)
    assert ent.tier_on(date(2024, 3, 1)) is SRDI
    # Revocation on a day: valid the day before, not that day; a drop to none.
    ent.revoke(srdi, date(2026, 1, 10), "弄虚作假", "leader", today=TODAY)
    assert ent.tier_on(date(2026, 1, 9)) is SRDI
    assert ent.tier_on(date(2026, 1, 10)) is None
    assert event_names(ent)[-2:] == ["DesignationReviewed", "DesignationRevoked"]


def test_lapse_shows_as_a_drop_to_the_lower_tier():
    ent = enterprise()
    ent.award("innovative_sme", date(2023, 1, 1), "leader", today=TODAY)
    ent.award("srdi", date(2022, 7, 1), "leader", today=TODAY)
    assert ent.tier_on(date(2025, 6, 30)) is SRDI
    assert ent.tier_on(date(2025, 7, 1)) is Designation.INNOVATIVE_SME
    assert ent.tier_on(date(2026, 1, 1)) is None


def test_award_overlap_is_refused_in_both_directions():
    ent = enterprise()
    ent.award(
        "srdi", date(2020, 1, 1), "leader", expires_on=date(2020, 6, 30), today=TODAY
    )
    # An earlier award whose window swallows the existing one overlaps too.
    with pytest.raises(RuleViolationError, match="有效期内") as caught:
        ent.award("srdi", date(2019, 6, 1), "leader", today=TODAY)
    assert caught.value.field == "designation"
    # After the lapse the enterprise may be certified anew.
    ent.award("srdi", date(2020, 7, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError) as caught:
        ent.award("high_tech", date(2024, 1, 1), "leader", expires_on=date(2024, 1, 1))
    assert caught.value.field == "expires_on"


def test_stars_only_and_always_for_cloud_stars():
    ent = enterprise()
    for designation, stars in (("cloud_star", None), ("cloud_star", 6), ("srdi", 3)):
        with pytest.raises(RuleViolationError) as caught:
            ent.award(designation, date(2024, 1, 1), "leader", stars=stars, today=TODAY)
        assert caught.value.field == "stars"
    award = ent.award("cloud_star", date(2024, 1, 1), "leader", stars=4, today=TODAY)
    assert ent.designations[award]["stars"] == 4
    assert ent.tier_on(date(2024, 6, 1)) is None  # not on the ladder


def test_review_rules():
    ent = enterprise()
    award = ent.award("srdi", date(2022, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError) as caught:
        ent.review(award, date(2021, 12, 31), True, "leader", today=TODAY)
    assert caught.value.field == "reviewed_on"
    with pytest.raises(RuleViolationError) as caught:
        ent.review(award, date(2022, 1, 1), True, "leader", today=TODAY)
    assert caught.value.field == "expires_on"  # would not extend anything
    ent.review(award, date(2024, 12, 1), True, "leader", today=TODAY)
    # Not before the last review.
    with pytest.raises(RuleViolationError, match="上次复核"):
        ent.review(award, date(2024, 11, 1), False, "leader", reason="x", today=TODAY)
    # A failed review needs a reason and ends the award the day before.
    with pytest.raises(RuleViolationError) as caught:
        ent.review(award, date(2025, 3, 1), False, "leader", today=TODAY)
    assert caught.value.field == "reason"
    ent.review(
        award, date(2025, 3, 1), False, "leader", reason="指标不达标", today=TODAY
    )
    assert ent.tier_on(date(2025, 2, 28)) is SRDI
    assert ent.tier_on(date(2025, 3, 1)) is None
    with pytest.raises(RuleViolationError, match="复核未通过"):
        ent.review(award, date(2025, 4, 1), True, "leader", today=TODAY)
    with pytest.raises(RuleViolationError, match="失效"):
        ent.revoke(award, date(2025, 4, 1), "x", "leader", today=TODAY)
    assert ent.record_expiries(date(2026, 6, 1), "system", today=TODAY) == []


def test_no_review_after_the_award_has_lapsed():
    ent = enterprise()
    award = ent.award("srdi", date(2022, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError, match="重新认定") as caught:
        ent.review(award, date(2025, 1, 1), True, "leader", today=TODAY)
    assert caught.value.field == "reviewed_on"
    # The last valid day is still in time.
    ent.review(award, date(2024, 12, 31), True, "leader", today=TODAY)
    assert ent.designations[award]["expires_on"] == date(2027, 12, 30)


def test_revocation_rules():
    ent = enterprise()
    award = ent.award("little_giant", date(2023, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError) as caught:
        ent.revoke(award, date(2022, 12, 31), "违规", "leader", today=TODAY)
    assert caught.value.field == "date"
    with pytest.raises(RuleViolationError) as caught:
        ent.revoke(award, date(2024, 1, 1), "  ", "leader", today=TODAY)
    assert caught.value.field == "reason"
    ent.revoke(award, date(2023, 1, 1), "认定无效", "leader", today=TODAY)
    assert ent.tier_on(date(2023, 1, 1)) is None
    with pytest.raises(RuleViolationError, match="已撤销"):
        ent.revoke(award, date(2023, 2, 1), "again", "leader", today=TODAY)
    with pytest.raises(RuleViolationError):
        ent.award("srdi", date(2026, 7, 1), "leader", today=TODAY)  # future date


def test_expiry_is_recorded_once_on_the_day_after_the_last_valid_day():
    ent = enterprise()
    award = ent.award("srdi", date(2022, 7, 1), "leader", today=TODAY)
    ent.collect_events()
    assert ent.record_expiries(date(2025, 6, 30), "system", today=TODAY) == []
    assert ent.record_expiries(date(2025, 7, 1), "system", today=TODAY) == [award]
    expired = ent.collect_events()
    assert [type(e).__name__ for e in expired] == ["DesignationExpired"]
    assert expired[0].effective_date == date(2025, 7, 1)
    assert ent.record_expiries(date(2025, 7, 2), "system", today=TODAY) == []
    with pytest.raises(RuleViolationError) as caught:
        ent.record_expiries(date(2026, 7, 1), "system", today=TODAY)
    assert caught.value.field == "as_of"


def test_late_entered_review_supersedes_a_recorded_lapse():
    ent = enterprise()
    award = ent.award("srdi", date(2022, 7, 1), "leader", today=TODAY)
    ent.record_expiries(date(2025, 7, 2), "system", today=TODAY)
    ent.review(award, date(2025, 6, 20), True, "leader", today=TODAY)
    assert ent.designations[award]["expired_recorded"] is False
    assert ent.tier_on(date(2025, 7, 2)) is SRDI


def test_candidacy_is_closed_by_promotion():
    ent = enterprise()
    cid = ent.list_candidate("srdi", 2026, "officer_a", "leader", today=TODAY)
    with pytest.raises(RuleViolationError, match="培育库") as caught:
        ent.list_candidate("srdi", 2027, "officer_b", "leader", today=TODAY)
    assert caught.value.field == "designation"
    ent.award("high_tech", date(2026, 1, 1), "leader", today=TODAY)
    assert ent.candidacies[cid]["status"] == "open"
    # An old award entered late (before the listing) does not promote.
    ent.award(
        "srdi", date(2019, 1, 1), "leader", expires_on=date(2021, 12, 31), today=TODAY
    )
    assert ent.candidacies[cid]["status"] == "open"
    award = ent.award("srdi", date(2026, 5, 1), "leader", today=TODAY)
    assert ent.candidacies[cid]["status"] == "promoted"
    assert ent.candidacies[cid]["award_id"] == award
    assert event_names(ent)[-2:] == ["DesignationAwarded", "CandidacyPromoted"]
    with pytest.raises(RuleViolationError, match="已持有"):
        ent.list_candidate("srdi", 2027, "officer_a", "leader", today=TODAY)
    with pytest.raises(RuleViolationError, match="已关闭"):
        ent.withdraw_candidacy(cid, "不再培育", "leader", today=TODAY)


def test_candidacy_rules_and_withdrawal():
    ent = enterprise()
    for kwargs, field in (
        ({"designation": "gold", "year": 2026, "officer": "a"}, "designation"),
        ({"designation": "srdi", "year": 1999, "officer": "a"}, "year"),
        ({"designation": "srdi", "year": "明年", "officer": "a"}, "year"),
        ({"designation": "srdi", "year": 2032, "officer": "a"}, "year"),
        ({"designation": "srdi", "year": 2026, "officer": " "}, "officer"),
    ):
        with pytest.raises(RuleViolationError) as caught:
            ent.list_candidate(actor="leader", today=TODAY, **kwargs)
        assert caught.value.field == field
    cid = ent.list_candidate("little_giant", "2027", "officer_a", "leader", today=TODAY)
    with pytest.raises(RuleViolationError) as caught:
        ent.withdraw_candidacy(cid, "", "leader", today=TODAY)
    assert caught.value.field == "reason"
    ent.withdraw_candidacy(cid, "企业迁出", "leader", today=TODAY)
    assert ent.candidacies[cid]["status"] == "withdrawn"
    # Once withdrawn the enterprise may be listed again.
    again = ent.list_candidate("little_giant", 2027, "officer_b", "leader", today=TODAY)
    assert again != cid


def test_yearly_targets():
    plan = YearlyTargets.start(2026, "admin", today=TODAY)
    assert plan.id == targets_id(2026)
    assert plan.set_target("srdi", 8, "admin")
    assert not plan.set_target("srdi", "8", "admin")
    assert plan.set_target("srdi", 3, "admin", zone="mudu")
    assert plan.set_target("srdi", 0, "admin", zone="mudu")
    assert list(plan.targets) == ["srdi|"]
    for value in (-1, "八", 1.5, True):
        with pytest.raises(RuleViolationError) as caught:
            plan.set_target("srdi", value, "admin")
        assert caught.value.field == "count"
    with pytest.raises(RuleViolationError) as caught:
        YearlyTargets.start(1990, "admin", today=TODAY)
    assert caught.value.field == "year"
    names = [type(e).__name__ for e in plan.collect_events()]
    assert names == ["Created", "TargetSet", "TargetSet", "TargetSet"]

"""Credit codes, designations and the tier on a date."""

from __future__ import annotations

from datetime import date

import pytest

from domain.designations import Designation
from domain.enterprise import Enterprise, default_expiry
from domain.errors import RuleViolationError
from domain.uscc import check_character, normalize_uscc

TODAY = date(2025, 6, 30)
# A code with a correct GB 32100-2015 check character (computed independently).
VALID = "91320506MA1MXXXX" + "1"
VALID = VALID[:17] + check_character(VALID[:17])


def test_known_real_world_code_passes_check():
    # 91110000100000000? style codes: the 18th character is derived, so a code
    # changed in one place fails.
    code = "91350100M000100Y43"
    assert check_character(code[:17]) == code[17]
    assert normalize_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "18 位"),
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100I43", "非法字符"),
        ("91ABCDEFM000100Y43", "行政区划"),
    ],
)
def test_bad_codes_are_refused(code, message):
    with pytest.raises(RuleViolationError, match=message) as caught:
        normalize_uscc(code)
    assert caught.value.field == "uscc"


def enterprise() -> Enterprise:
    return Enterprise.register(uscc=VALID, name="示例精密科技", actor="officer")


def test_same_code_same_id():
    assert enterprise().id == enterprise().id


def test_tier_is_highest_valid_ladder_designation():
    ent = enterprise()
    ent.award("innovative_sme", date(2021, 3, 1), "leader", today=TODAY)
    ent.award("srdi", date(2022, 7, 1), "leader", today=TODAY)
    ent.award("high_tech", date(2023, 1, 1), "leader", today=TODAY)
    assert ent.tier_on(date(2021, 2, 28)) is None
    assert ent.tier_on(date(2021, 3, 1)) is Designation.INNOVATIVE_SME
    assert ent.tier_on(date(2022, 7, 1)) is Designation.SRDI
    # The SRDI award lapses after three years: the tier drops.
    assert default_expiry(date(2022, 7, 1)) == date(2025, 6, 30)
    assert ent.tier_on(date(2025, 6, 30)) is Designation.SRDI
    assert ent.tier_on(date(2025, 7, 1)) is None


def test_review_extends_or_ends_validity():
    ent = enterprise()
    award = ent.award("srdi", date(2022, 1, 1), "leader", today=TODAY)
    ent.review(award, date(2024, 12, 1), True, "leader", today=TODAY)
    assert ent.tier_on(date(2027, 11, 30)) is Designation.SRDI
    with pytest.raises(RuleViolationError):
        ent.review(award, date(2025, 1, 1), False, "leader", today=TODAY)
    ent.review(
        award, date(2025, 1, 1), False, "leader", reason="复核未通过", today=TODAY
    )
    assert ent.tier_on(date(2024, 12, 31)) is Designation.SRDI
    assert ent.tier_on(date(2025, 1, 1)) is None


def test_revoke_ends_validity_on_that_day():
    ent = enterprise()
    award = ent.award("little_giant", date(2023, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError):
        ent.revoke(award, date(2024, 1, 1), "", "leader", today=TODAY)
    ent.revoke(award, date(2024, 1, 1), "违规", "leader", today=TODAY)
    assert ent.tier_on(date(2023, 12, 31)) is Designation.LITTLE_GIANT
    assert ent.tier_on(date(2024, 1, 1)) is None
    with pytest.raises(RuleViolationError):
        ent.revoke(award, date(2024, 1, 2), "again", "leader", today=TODAY)
    assert type(ent.collect_events()[-1]).__name__ == "DesignationRevoked"


def test_award_rules():
    ent = enterprise()
    with pytest.raises(RuleViolationError) as caught:
        ent.award("gold_medal", date(2024, 1, 1), "leader", today=TODAY)
    assert caught.value.field == "designation"
    with pytest.raises(RuleViolationError):
        ent.award("srdi", date(2025, 7, 1), "leader", today=TODAY)
    ent.award("srdi", date(2024, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError, match="有效期内"):
        ent.award("srdi", date(2025, 1, 1), "leader", today=TODAY)
    with pytest.raises(RuleViolationError):
        ent.award("srdi", date(2024, 1, 1), "leader", today=TODAY, stars=3)
    ent.award("cloud_star", date(2024, 1, 1), "leader", today=TODAY, stars=4)

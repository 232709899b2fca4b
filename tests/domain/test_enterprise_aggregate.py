"""The Enterprise aggregate's commands: fields, limits, refusals, events recorded."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, uuid5

import pytest

from domain.clock import today as bureau_today
from domain.designations import Designation
from domain.enterprise import Enterprise, enterprise_id
from domain.errors import RuleViolationError
from domain.uscc import check_character

TODAY = date(2025, 6, 30)
LATER = date(2025, 7, 1)  # after TODAY, before the real clock's today
CODE = "91320506MA1MXXXX1"
CODE = CODE + check_character(CODE)


def enterprise() -> Enterprise:
    return Enterprise.register(uscc=CODE, name="示例精密科技", actor="officer")


def refusal(call, *args, **kwargs) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as caught:
        call(*args, **kwargs)
    return caught.value


def events(ent: Enterprise) -> list:
    return list(ent.collect_events())


# -- registration ------------------------------------------------------------


def test_register_normalizes_and_records_fields():
    ent = Enterprise.register(
        uscc=CODE.lower(),
        name="  示例  ",
        actor="officer",
        industry="机械",
        zone="东区",
    )
    assert (
        ent.id
        == enterprise_id(CODE)
        == uuid5(NAMESPACE_URL, f"gxtrack:enterprise:{CODE}")
    )
    assert (ent.uscc, ent.name, ent.industry, ent.zone) == (
        CODE,
        "示例",
        "机械",
        "东区",
    )
    assert ent.designations == {} and ent.candidacies == {}
    (registered,) = events(ent)
    assert type(registered).__name__ == "Registered"
    assert registered.actor == "officer"
    assert registered.uscc == CODE


def test_register_blank_optional_fields_become_none_and_name_is_required():
    ent = Enterprise.register(uscc=CODE, name="甲", actor="a", industry="", zone="")
    assert ent.industry is None and ent.zone is None
    assert refusal(Enterprise.register, uscc=CODE, name=" ", actor="a").field == "name"
    assert (
        refusal(Enterprise.register, uscc="bad", name="甲", actor="a").field == "uscc"
    )


# -- queries -----------------------------------------------------------------


def test_valid_on_is_inclusive_and_tier_ranks_by_ladder():
    ent = enterprise()
    first = ent.award("little_giant", date(2023, 1, 1), "l", today=TODAY)
    ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    ent.award("high_tech", date(2023, 1, 1), "l", today=TODAY)
    award = ent.award_of(first)
    assert Enterprise.valid_on(award, date(2023, 1, 1))
    assert Enterprise.valid_on(award, date(2025, 12, 31))
    assert not Enterprise.valid_on(award, date(2022, 12, 31))
    assert not Enterprise.valid_on(award, date(2026, 1, 1))
    # little_giant outranks srdi though "srdi" sorts after it as text.
    assert ent.tier_on(date(2024, 1, 1)) is Designation.LITTLE_GIANT


def test_off_ladder_designations_give_no_tier():
    ent = enterprise()
    ent.award("high_tech", date(2023, 1, 1), "l", today=TODAY)
    assert ent.tier_on(date(2024, 1, 1)) is None


def test_award_of_and_find_award():
    ent = enterprise()
    a1 = ent.award("srdi", date(2020, 1, 1), "l", today=TODAY)
    a2 = ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    assert (a1, a2) == ("1", "2")
    assert ent.find_award("srdi", date(2023, 1, 1)) == "2"
    assert ent.find_award("srdi", date(2020, 1, 1)) == "1"
    assert ent.find_award("srdi", date(2021, 1, 1)) is None
    assert ent.find_award("high_tech", date(2023, 1, 1)) is None
    error = refusal(ent.award_of, "9")
    assert (str(error), error.field) == ("未找到称号记录: 9", "award_id")


# -- awards ------------------------------------------------------------------


def test_award_records_every_field_and_event():
    ent = enterprise()
    ent.collect_events()
    award_id = ent.award(
        "cloud_star",
        date(2024, 2, 1),
        "leader",
        document_no=" 工信 1 号 ",
        batch=" 第一批 ",
        stars=3,
        today=TODAY,
    )
    assert ent.award_of(award_id) == {
        "award_id": "1",
        "designation": "cloud_star",
        "certified_on": date(2024, 2, 1),
        "expires_on": date(2027, 1, 31),
        "document_no": "工信 1 号",
        "batch": "第一批",
        "stars": 3,
        "revoked_on": None,
        "revoke_reason": "",
        "last_reviewed_on": None,
        "review_failed_on": None,
        "expired_recorded": False,
    }
    (awarded,) = events(ent)
    assert type(awarded).__name__ == "DesignationAwarded"
    assert (awarded.award_id, awarded.designation, awarded.actor) == (
        "1",
        "cloud_star",
        "leader",
    )
    assert (awarded.certified_on, awarded.expires_on) == (
        date(2024, 2, 1),
        date(2027, 1, 31),
    )
    assert (awarded.document_no, awarded.batch, awarded.stars) == (
        "工信 1 号",
        "第一批",
        3,
    )


def test_award_explicit_expiry_and_limits():
    ent = enterprise()
    award_id = ent.award(
        "srdi", date(2024, 1, 1), "l", expires_on=date(2024, 6, 1), today=TODAY
    )
    assert ent.award_of(award_id)["expires_on"] == date(2024, 6, 1)
    # Without a document number or batch, both are recorded empty.
    assert ent.award_of(award_id)["document_no"] == ""
    assert ent.award_of(award_id)["batch"] == ""
    ent.award("high_tech", date(2024, 1, 1), "l", document_no="x" * 100, today=TODAY)
    ent.award("green_factory", date(2024, 1, 1), "l", batch="x" * 100, today=TODAY)
    for field in ("document_no", "batch"):
        error = refusal(
            ent.award,
            "tech_center",
            date(2024, 1, 1),
            "l",
            today=TODAY,
            **{field: "x" * 101},
        )
        assert (error.field, str(error)) == (field, "最多 100 个字符")


def test_award_date_checked_against_given_or_real_today():
    ent = enterprise()
    error = refusal(ent.award, "srdi", LATER, "l", today=TODAY)
    assert error.field == "certified_on"
    assert "2025-06-30" in str(error)
    award_id = ent.award("srdi", bureau_today(), "l")
    assert ent.award_of(award_id)["certified_on"] == bureau_today()


def test_award_promotes_open_candidacy_of_same_designation():
    ent = enterprise()
    srdi = ent.list_candidate("srdi", 2025, "王", "officer", today=date(2024, 1, 1))
    giant = ent.list_candidate("little_giant", 2025, "王", "officer", today=TODAY)
    ent.collect_events()
    award_id = ent.award("srdi", date(2024, 3, 1), "leader", today=TODAY)
    assert ent.candidacies[srdi] == {
        "candidacy_id": "c1",
        "designation": "srdi",
        "year": 2025,
        "officer": "王",
        "note": "",
        "listed_on": date(2024, 1, 1),
        "status": "promoted",
        "closed_on": date(2024, 3, 1),
        "reason": "",
        "award_id": award_id,
    }
    assert ent.candidacies[giant]["status"] == "open"


def test_promotion_is_recorded_in_the_award_batch():
    ent = enterprise()
    cid = ent.list_candidate("srdi", 2025, "王", "officer", today=TODAY)
    ent.collect_events()
    award_id = ent.award("srdi", date(2024, 3, 1), "leader", today=TODAY)
    awarded, promoted = events(ent)
    assert type(awarded).__name__ == "DesignationAwarded"
    assert type(promoted).__name__ == "CandidacyPromoted"
    assert (promoted.candidacy_id, promoted.award_id) == (cid, award_id)
    assert (promoted.effective_date, promoted.actor) == (date(2024, 3, 1), "leader")


def test_award_ended_before_listing_does_not_promote():
    ent = enterprise()
    cid = ent.list_candidate("srdi", 2025, "王", "officer", today=TODAY)
    # Ends the day of the listing: still answers it.
    ent.award("srdi", date(2020, 1, 1), "l", expires_on=TODAY, today=TODAY)
    assert ent.candidacies[cid]["status"] == "promoted"
    ent = enterprise()
    cid = ent.list_candidate("srdi", 2025, "王", "officer", today=TODAY)
    ent.award("srdi", date(2020, 1, 1), "l", expires_on=date(2025, 6, 29), today=TODAY)
    assert ent.candidacies[cid]["status"] == "open"

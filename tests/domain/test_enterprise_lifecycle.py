"""Re-reviews, revocations, recorded lapses and the cultivation pool of an enterprise."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clock import today as bureau_today
from domain.enterprise import Enterprise
from domain.errors import RuleViolationError
from domain.uscc import check_character

TODAY = date(2025, 6, 30)
LATER = date(2025, 7, 1)  # after TODAY, before the real clock's today
CODE = "91320506MA1MXXXX1"
CODE = CODE + check_character(CODE)


def enterprise() -> Enterprise:
    ent = Enterprise.register(uscc=CODE, name="示例精密科技", actor="officer")
    ent.collect_events()
    return ent


def refusal(call, *args, **kwargs) -> RuleViolationError:
    with pytest.raises(RuleViolationError) as caught:
        call(*args, **kwargs)
    return caught.value


def last_event(ent: Enterprise):
    return list(ent.collect_events())[-1]


# -- re-reviews --------------------------------------------------------------


def test_passed_review_records_fields_and_event():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", document_no="旧", today=TODAY)
    ent.review(award_id, date(2024, 5, 1), 1, "leader", document_no=" 新 ", today=TODAY)
    award = ent.award_of(award_id)
    assert award["expires_on"] == date(2027, 4, 30)
    assert award["last_reviewed_on"] == date(2024, 5, 1)
    assert award["review_failed_on"] is None
    assert award["document_no"] == "新"
    reviewed = last_event(ent)
    assert type(reviewed).__name__ == "DesignationReviewed"
    assert reviewed.passed is True
    assert (reviewed.award_id, reviewed.reviewed_on, reviewed.actor) == (
        award_id,
        date(2024, 5, 1),
        "leader",
    )
    assert (reviewed.before, reviewed.after) == (date(2025, 12, 31), date(2027, 4, 30))
    assert (reviewed.document_no, reviewed.reason) == ("新", "")


def test_failed_review_keeps_document_and_records_reason():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", document_no="旧", today=TODAY)
    ent.review(award_id, date(2024, 5, 1), 0, "l", reason=" 不达标 ", today=TODAY)
    award = ent.award_of(award_id)
    assert award["document_no"] == "旧"
    assert award["review_failed_on"] == date(2024, 5, 1)
    assert award["expires_on"] == date(2024, 4, 30)
    reviewed = last_event(ent)
    assert reviewed.passed is False and reviewed.reason == "不达标"


def test_review_dates_are_bounded():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    error = refusal(ent.review, award_id, date(2022, 12, 31), True, "l", today=TODAY)
    assert error.field == "reviewed_on"
    assert "认定或上次复核日期 2023-01-01" in str(error)
    error = refusal(ent.review, award_id, LATER, True, "l", today=TODAY)
    assert error.field == "reviewed_on" and "2025-06-30" in str(error)
    ent.review(award_id, date(2024, 1, 1), True, "l", today=TODAY)
    error = refusal(ent.review, award_id, date(2023, 12, 31), True, "l", today=TODAY)
    assert "认定或上次复核日期 2024-01-01" in str(error)
    ent.review(award_id, date(2024, 1, 1), True, "l", expires_on=date(2028, 1, 1))
    error = refusal(ent.review, "9", date(2024, 1, 1), True, "l", today=TODAY)
    assert error.field == "award_id"


def test_review_text_limits():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    error = refusal(
        ent.review,
        award_id,
        date(2024, 1, 1),
        True,
        "l",
        document_no="x" * 101,
        today=TODAY,
    )
    assert (error.field, str(error)) == ("document_no", "最多 100 个字符")
    error = refusal(
        ent.review,
        award_id,
        date(2024, 1, 1),
        False,
        "l",
        reason="x" * 2001,
        today=TODAY,
    )
    assert (error.field, str(error)) == ("reason", "最多 2000 个字符")
    ent.review(
        award_id, date(2024, 1, 1), True, "l", document_no="x" * 100, today=TODAY
    )
    assert ent.award_of(award_id)["document_no"] == "x" * 100


def test_late_review_supersedes_a_recorded_lapse():
    ent = enterprise()
    award_id = ent.award("srdi", date(2021, 1, 1), "l", today=TODAY)
    assert ent.record_expiries(date(2024, 6, 1), "system", today=TODAY) == [award_id]
    assert ent.award_of(award_id)["expired_recorded"] is True
    ent.review(award_id, date(2023, 12, 1), True, "l", today=TODAY)
    assert ent.award_of(award_id)["expired_recorded"] is False


# -- revocations -------------------------------------------------------------


def test_revoke_records_fields_and_event():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    ent.revoke(award_id, date(2024, 2, 1), " 违规 ", "leader", today=TODAY)
    award = ent.award_of(award_id)
    assert (award["revoked_on"], award["revoke_reason"]) == (date(2024, 2, 1), "违规")
    revoked = last_event(ent)
    assert type(revoked).__name__ == "DesignationRevoked"
    assert (revoked.award_id, revoked.effective_date) == (award_id, date(2024, 2, 1))
    assert (revoked.reason, revoked.actor) == ("违规", "leader")


def test_revoke_dates_and_reason_are_checked():
    ent = enterprise()
    award_id = ent.award("srdi", date(2023, 1, 1), "l", today=TODAY)
    error = refusal(ent.revoke, award_id, date(2022, 12, 31), "r", "l", today=TODAY)
    assert error.field == "date" and "认定日期 2023-01-01" in str(error)
    error = refusal(ent.revoke, award_id, LATER, "r", "l", today=TODAY)
    assert error.field == "date" and "2025-06-30" in str(error)
    error = refusal(
        ent.revoke, award_id, date(2024, 1, 1), "x" * 2001, "l", today=TODAY
    )
    assert (error.field, str(error)) == ("reason", "最多 2000 个字符")
    assert refusal(ent.revoke, "9", date(2024, 1, 1), "r", "l").field == "award_id"
    ent.revoke(award_id, date(2023, 1, 1), "x" * 2000, "l")
    assert ent.award_of(award_id)["revoked_on"] == date(2023, 1, 1)


# -- recorded lapses ---------------------------------------------------------


def test_record_expiries_records_each_lapse_once():
    ent = enterprise()
    old = ent.award("srdi", date(2021, 1, 1), "l", today=TODAY)
    ent.award("high_tech", date(2021, 6, 1), "l", today=TODAY)
    assert ent.record_expiries(date(2024, 1, 1), "system", today=TODAY) == [old]
    expired = last_event(ent)
    assert type(expired).__name__ == "DesignationExpired"
    assert (expired.award_id, expired.actor) == (old, "system")
    assert expired.effective_date == date(2024, 1, 1)
    assert ent.record_expiries(date(2024, 1, 1), "system", today=TODAY) == []
    assert ent.record_expiries(bureau_today(), "system") == ["2"]
    error = refusal(ent.record_expiries, LATER, "system", today=TODAY)
    assert error.field == "as_of" and "2025-06-30" in str(error)


# -- the cultivation pool ----------------------------------------------------


def test_list_candidate_records_fields_and_event():
    ent = enterprise()
    cid = ent.list_candidate(
        "srdi", " 2026 ", " 王 ", "officer", note=" 重点 ", today=TODAY
    )
    assert cid == "c1"
    assert ent.candidacy_of(cid) == {
        "candidacy_id": "c1",
        "designation": "srdi",
        "year": 2026,
        "officer": "王",
        "note": "重点",
        "listed_on": TODAY,
        "status": "open",
        "closed_on": None,
        "reason": "",
        "award_id": None,
    }
    listed = last_event(ent)
    assert type(listed).__name__ == "CandidacyListed"
    assert (listed.candidacy_id, listed.designation, listed.year) == (
        "c1",
        "srdi",
        2026,
    )
    assert (listed.officer, listed.note) == ("王", "重点")
    assert (listed.effective_date, listed.actor) == (TODAY, "officer")
    assert ent.list_candidate("high_tech", 2026, "王", "o") == "c2"
    assert ent.candidacy_of("c2")["listed_on"] == bureau_today()


def test_list_candidate_refusals():
    ent = enterprise()
    ent.list_candidate("srdi", 2026, "王", "o", today=TODAY)
    error = refusal(ent.list_candidate, "srdi", 2026, "王", "o", today=TODAY)
    assert (str(error), error.field) == ("已在专精特新中小企业培育库中", "designation")
    assert refusal(ent.list_candidate, "x", 2026, "王", "o").field == "designation"
    assert (
        refusal(ent.list_candidate, "high_tech", 2031, "王", "o", today=TODAY).field
        == "year"
    )
    ent.list_candidate("high_tech", 2030, "王", "o", today=TODAY)
    error = refusal(
        ent.list_candidate, "green_factory", 2026, "x" * 51, "o", today=TODAY
    )
    assert (error.field, str(error)) == ("officer", "最多 50 个字符")
    error = refusal(
        ent.list_candidate,
        "green_factory",
        2026,
        "王",
        "o",
        note="x" * 2001,
        today=TODAY,
    )
    assert (error.field, str(error)) == ("note", "最多 2000 个字符")
    ent.list_candidate(
        "green_factory", 2026, "x" * 50, "o", note="x" * 2000, today=TODAY
    )


def test_holding_a_valid_designation_blocks_its_listing_only():
    ent = enterprise()
    ent.award("little_giant", date(2023, 1, 1), "l", today=TODAY)
    ent.award("srdi", date(2020, 1, 1), "l", today=TODAY)  # ended 2022-12-31
    error = refusal(ent.list_candidate, "little_giant", 2026, "王", "o", today=TODAY)
    assert (str(error), error.field) == (
        "已持有有效的专精特新“小巨人”称号",
        "designation",
    )
    ent.list_candidate("srdi", 2026, "王", "o", today=TODAY)
    # On the day after it ends, the holder may be listed again.
    ent.list_candidate("little_giant", 2026, "王", "o", today=date(2026, 1, 1))


def test_withdraw_candidacy():
    ent = enterprise()
    cid = ent.list_candidate("srdi", 2026, "王", "o", today=TODAY)
    error = refusal(ent.withdraw_candidacy, cid, "x" * 2001, "o", today=TODAY)
    assert (error.field, str(error)) == ("reason", "最多 2000 个字符")
    ent.withdraw_candidacy(cid, " 不再申报 ", "leader", today=TODAY)
    candidacy = ent.candidacy_of(cid)
    assert (candidacy["status"], candidacy["closed_on"]) == ("withdrawn", TODAY)
    assert (candidacy["reason"], candidacy["award_id"]) == ("不再申报", None)
    withdrawn = last_event(ent)
    assert type(withdrawn).__name__ == "CandidacyWithdrawn"
    assert (withdrawn.candidacy_id, withdrawn.reason) == (cid, "不再申报")
    assert (withdrawn.effective_date, withdrawn.actor) == (TODAY, "leader")
    error = refusal(ent.withdraw_candidacy, cid, "again", "o", today=TODAY)
    assert (str(error), error.field) == ("该培育记录已关闭", "candidacy_id")
    again = ent.list_candidate("srdi", 2026, "王", "o", today=TODAY)
    ent.withdraw_candidacy(again, "x" * 2000, "o")
    assert ent.candidacy_of(again)["closed_on"] == bureau_today()
    error = refusal(ent.candidacy_of, "c9")
    assert (str(error), error.field) == ("未找到培育记录: c9", "candidacy_id")

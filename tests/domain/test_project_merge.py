"""Merging a duplicate registration into the project it duplicates (梳理整合)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.stall import StallTerms
from tests.domain.test_project import TODAY, new_project


def pair():
    survivor = new_project()
    duplicate = new_project(name="智能装备产业化项目（重复）")
    survivor.collect_events()
    duplicate.collect_events()
    return survivor, duplicate


def names(project):
    return [type(e).__name__ for e in project.collect_events()]


def test_a_merge_records_an_event_on_each_project_with_actor_and_reason():
    survivor, duplicate = pair()
    duplicate.merge_into(survivor, "同一项目登记两次", "leader", today=TODAY)

    [merged] = duplicate.collect_events()
    [absorbed] = survivor.collect_events()
    assert type(merged).__name__ == "MergedInto"
    assert (merged.survivor_id, merged.reason, merged.actor) == (
        str(survivor.id),
        "同一项目登记两次",
        "leader",
    )
    assert type(absorbed).__name__ == "DuplicateAbsorbed"
    assert (absorbed.duplicate_id, absorbed.reason, absorbed.actor) == (
        str(duplicate.id),
        "同一项目登记两次",
        "leader",
    )
    assert duplicate.merged_into == str(survivor.id) and duplicate.is_merged
    assert survivor.absorbed == (str(duplicate.id),) and not survivor.is_merged


def test_each_keeps_its_own_facts():
    survivor, duplicate = pair()
    duplicate.report_investment("2024-05", "300", "o", today=TODAY)
    duplicate.merge_into(survivor, "重复登记", "leader", today=TODAY)
    assert survivor.investment == {} and duplicate.investment == {"2024-05": 300}
    assert survivor.stage.value == "negotiating"


def test_the_merge_replays_from_the_events():
    survivor, duplicate = new_project(), new_project()
    duplicate.merge_into(survivor, "重复登记", "leader", today=TODAY)
    replayed = {}
    for project in (survivor, duplicate):
        copy = None
        for e in project.collect_events():
            copy = e.mutate(copy)
        replayed[project.id] = copy
    assert replayed[duplicate.id].merged_into == str(survivor.id)
    assert replayed[duplicate.id].merged_into_name == survivor.name
    assert replayed[survivor.id].absorbed == (str(duplicate.id),)


def test_a_merged_project_records_nothing_more():
    survivor, duplicate = pair()
    duplicate.merge_into(survivor, "重复登记", "leader", today=TODAY)
    duplicate.collect_events()
    with pytest.raises(RuleViolationError) as refused:
        duplicate.report_progress(date(2024, 6, 1), "进展", "o", today=TODAY)
    assert refused.value.code == "project_merged"
    with pytest.raises(RuleViolationError):
        duplicate.move("signed", date(2024, 6, 1), "o", today=TODAY)
    assert duplicate.collect_events() == []


def test_an_open_stall_alert_ends_with_the_merge():
    survivor, _ = pair()
    duplicate = new_project(stage_date=date(2024, 1, 1))
    duplicate.review_stall(StallTerms(), TODAY, "2024-W26", "s")
    duplicate.collect_events()
    duplicate.merge_into(survivor, "重复登记", "leader", today=TODAY)
    assert names(duplicate) == ["StallCleared", "MergedInto"]
    assert duplicate.stall is None


def merged_pair():
    survivor, duplicate = pair()
    duplicate.merge_into(survivor, "重复登记", "leader", today=TODAY)
    return survivor, duplicate


def withdrawn():
    p = new_project()
    p.withdraw(date(2024, 2, 1), "r", "o", today=TODAY)
    return p


REFUSALS = {
    "into itself": (
        lambda: (lambda p: p.merge_into(p, "r", "l", today=TODAY))(new_project()),
        "merge_into_itself",
    ),
    "twice": (
        lambda: (lambda s, d: d.merge_into(new_project(), "r", "l", today=TODAY))(
            *merged_pair()
        ),
        "already_merged",
    ),
    "into a merged project": (
        lambda: (lambda s, d: new_project().merge_into(d, "r", "l", today=TODAY))(
            *merged_pair()
        ),
        "merge_target_closed",
    ),
    "into a withdrawn project": (
        lambda: new_project().merge_into(withdrawn(), "r", "l", today=TODAY),
        "merge_target_closed",
    ),
    "no reason": (
        lambda: new_project().merge_into(new_project(), " ", "l", today=TODAY),
        "required",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refused_merges_record_nothing_and_name_the_field(case):
    command, code = REFUSALS[case]
    with pytest.raises(RuleViolationError) as refused:
        command()
    assert refused.value.code == code
    assert refused.value.field == ("reason" if code == "required" else "into")


def test_a_refused_merge_leaves_both_projects_unchanged():
    survivor = withdrawn()
    duplicate = new_project()
    survivor.collect_events()
    duplicate.collect_events()
    with pytest.raises(RuleViolationError):
        duplicate.merge_into(survivor, "r", "l", today=TODAY)
    assert survivor.collect_events() == [] and duplicate.collect_events() == []
    assert not duplicate.is_merged


def test_the_merge_events_are_part_of_the_aggregate():
    assert InvestmentProject.MergedInto and InvestmentProject.DuplicateAbsorbed


def test_a_duplicate_with_an_open_supervision_is_merged_only_once_it_is_closed():
    from tests.domain.test_supervision import issued

    survivor, duplicate = pair()
    sid = issued(duplicate)
    duplicate.collect_events()
    with pytest.raises(RuleViolationError) as refused:
        duplicate.merge_into(survivor, "同一项目登记两次", "leader", today=TODAY)
    assert refused.value.field == "into"
    assert "督办〔2026〕1号" in str(refused.value) and "办结" in str(refused.value)
    assert duplicate.collect_events() == [] and survivor.collect_events() == []

    duplicate.close_supervision(sid, "已解决", "leader1", today=TODAY)
    duplicate.merge_into(survivor, "同一项目登记两次", "leader", today=TODAY)
    assert duplicate.is_merged

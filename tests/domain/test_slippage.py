"""Plan slippage figures on hand-counted revisions."""

from __future__ import annotations

from domain.slippage import by_group, most_slipped

REVISIONS = [
    {"project_id": "a", "days": 30},
    {"project_id": "a", "days": 60},
    {"project_id": "b", "days": -10},  # pulled in: a revision, not a slip
    {"project_id": "c", "days": 5},
]
GROUPS = {
    "a": {"officer": "wang", "zone": "mudu"},
    "b": {"officer": "li", "zone": "mudu"},
    "c": {"officer": "li", "zone": "luzhi"},
}


def test_slippage_per_group_counts_only_later_dates_as_slips():
    rows = {r["key"]: r for r in by_group(REVISIONS, GROUPS, "officer")}
    assert rows["wang"] == {
        "key": "wang",
        "revisions": 2,
        "slipped": 2,
        "slip_rate": 1.0,
        "days_pushed": 90,
        "mean_days": 45.0,
        "longest_days": 60,
        "projects": 1,
    }
    assert (rows["li"]["revisions"], rows["li"]["slipped"]) == (2, 1)
    assert (rows["li"]["slip_rate"], rows["li"]["mean_days"]) == (0.5, 5.0)
    assert [r["key"] for r in by_group(REVISIONS, GROUPS, "zone")] == ["mudu", "luzhi"]


def test_the_projects_that_slipped_most_come_first():
    top = most_slipped(REVISIONS, 5)
    assert [(r["project_id"], r["days_pushed"]) for r in top] == [("a", 90), ("c", 5)]
    assert len(most_slipped(REVISIONS, 1)) == 1

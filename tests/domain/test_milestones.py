"""Milestone nodes: the template, the overdue rule at its boundary, gate nodes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.investment import investment_summary, parse_amount, parse_month
from domain.milestones import (
    DEFAULT_NODES,
    MilestoneTemplate,
    UnknownNodeError,
    gate_dates,
    is_overdue,
    node_verdict,
)
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms

TODAY = date(2026, 3, 1)


def project(stage: str = "signed", on: date = date(2026, 1, 1)) -> InvestmentProject:
    return InvestmentProject.register(
        name="项目",
        investor="投资方",
        industry="ngit",
        zone="mudu",
        planned_investment="100",
        officer="o",
        actor="o",
        reference=ReferenceData.with_defaults(),
        stage=stage,
        stage_date=on,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("planned", "done", "overdue"),
    [
        (TODAY - timedelta(days=1), None, True),
        (TODAY, None, False),  # due today is not yet late
        (TODAY + timedelta(days=1), None, False),
        (TODAY - timedelta(days=1), TODAY, False),
        # A past day judged with today's facts: done after it, open on it.
        (TODAY - timedelta(days=1), TODAY + timedelta(days=1), True),
        (None, None, False),
    ],
)
def test_overdue_means_planned_before_today_and_not_done(planned, done, overdue):
    assert is_overdue(planned, done, TODAY) is overdue


@pytest.mark.parametrize(
    ("late", "level"),
    [(0, None), (1, "yellow"), (60, "yellow"), (61, "red")],
)
def test_the_node_rule_at_its_boundary_days(late, level):
    dates = [(TODAY - timedelta(days=late), None), (None, None)]
    verdict = node_verdict("signed", dates, TODAY, StallTerms(overdue_days=30))
    assert (verdict.level if verdict else None) == level
    if verdict:
        assert verdict.rule == "node_overdue" and verdict.days_in_stage == late
    assert node_verdict("withdrawn", dates, TODAY) is None


@pytest.mark.parametrize("order", [1, -1])
def test_the_node_rule_names_the_most_overdue_node(order):
    dates = [
        (TODAY - timedelta(days=5), None),
        (TODAY - timedelta(days=70), None),  # the most overdue: red past 60
        (TODAY - timedelta(days=80), TODAY - timedelta(days=1)),  # done
        (TODAY - timedelta(days=20), None),
    ][::order]
    verdict = node_verdict("signed", dates, TODAY, StallTerms(overdue_days=30))
    assert (verdict.level, verdict.days_in_stage) == ("red", 70)


def test_gate_dates_come_from_the_stage_reached():
    plan = {"landed": date(2026, 2, 1), "producing": date(2026, 5, 1)}
    assert gate_dates("signed", plan) == [
        (plan["landed"], None),
        (plan["producing"], None),
    ]
    assert gate_dates("landed", plan)[0][0] is None
    assert gate_dates("landed", plan)[1] == (plan["producing"], None)


def test_the_template_is_versioned_and_keeps_its_gates():
    template = MilestoneTemplate.with_defaults()
    assert [n.code for n in template.nodes] == [c for c, _n, _s in DEFAULT_NODES]
    nodes = [n.as_dict() for n in template.nodes]
    with pytest.raises(RuleViolationError, match="关口节点不能删除"):
        template.change([n for n in nodes if n["code"] != "production"], "admin")
    with pytest.raises(RuleViolationError) as error:
        template.change([*nodes, {**nodes[0]}], "admin")
    assert error.value.field == "nodes.13.code"
    with pytest.raises(RuleViolationError):
        template.change(
            [
                {**n, "stage": "signed"} if n["code"] == "groundbreaking" else n
                for n in nodes
            ],
            "admin",
        )
    with pytest.raises(RuleViolationError, match="没有变化"):
        template.change(nodes, "admin")
    template.change(
        [*nodes, {"code": "fire", "name": "消防验收", "stage": "landed"}], "a"
    )
    assert template.version == 2 and template.node("fire").name == "消防验收"
    with pytest.raises(UnknownNodeError):
        template.node("nope")


def test_a_gate_node_and_its_stage_cannot_disagree():
    p = project()
    template = MilestoneTemplate.with_defaults()
    gate = template.node("groundbreaking")
    p.update_milestone(gate, {"planned_on": date(2026, 2, 1)}, "", "o", TODAY)
    assert p.planned_dates["landed"] == date(2026, 2, 1)
    assert p.milestones == {}  # the plan is the stage's, not a copy on the node
    p.update_milestone(gate, {"done_on": date(2026, 2, 10)}, "", "o", TODAY)
    assert p.stage.value == "landed" and p.stage_dates["landed"] == date(2026, 2, 10)
    p.correct("signed", TODAY, "录错", "boss", TODAY)
    node = {(a, b) for a, b in p.node_dates()}
    assert (date(2026, 2, 1), None) in node  # undone again, with the stage


def test_investment_rules():
    assert parse_month("2026-03", TODAY) == "2026-03"
    for bad in ("2026-04", "2026-3", "2026-00", "1989-12", ""):
        with pytest.raises(RuleViolationError):
            parse_month(bad, TODAY)
    assert parse_amount("0") == 0
    for bad in ("-1", "x", "1.00001", True):
        with pytest.raises(RuleViolationError):
            parse_amount(bad)
    summary = investment_summary(
        {
            "2025-12": parse_amount("1.5"),
            "2026-01": parse_amount("2"),
            "2026-02": parse_amount("3.25"),
        }
    )
    assert summary["completed_total"] == "6.75"
    assert summary["by_year"] == {"2025": "1.5", "2026": "5.25"}

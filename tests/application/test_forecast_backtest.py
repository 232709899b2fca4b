"""The backtest on a history whose every stage lasts exactly 100 days."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today

TODAY = today()


def _steady_history(runtime, leader):
    """50 projects signed 30 days apart; each lands 100 days later, produces 100 after."""
    for k in range(1, 51):
        signed = TODAY - timedelta(days=30 * k)
        project = runtime.app.register_project(
            leader,
            name=f"【示例】匀速项目{k}",
            investor="【示例】某某有限公司",
            industry="robotics",
            zone="mudu",
            planned_investment="100",
            stage="signed",
            stage_date=signed,
        )
        for to, day in (
            ("landed", signed + timedelta(100)),
            ("producing", signed + timedelta(200)),
        ):
            if day <= TODAY:
                project = runtime.app.move_project(leader, project["id"], to, day)
    runtime.wait_for_read_models()


def test_a_deterministic_history_is_forecast_exactly_and_covered(runtime, leader):
    _steady_history(runtime, leader)
    result = runtime.app.forecast_backtest(8, 4, known="dated", replicates=5)
    rows = [r for r in result["rows"] if not r.get("insufficient_history")]
    assert rows, result
    for row in rows:
        for target in ("landed", "producing"):
            cell = row[target]
            assert cell["expected"] == cell["actual"], row
            assert (cell["low"], cell["high"]) == (cell["actual"], cell["actual"])
            assert cell["covered"] is True
    # Only quarters that have ended are scored; a quarter lands ~3 projects.
    assert all(
        r["quarter"] < f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}" for r in rows
    )
    assert sum(r["landed"]["actual"] for r in rows) > 20
    assert result["coverage"]["landed"]["rate"] == 1.0
    assert result["coverage"]["producing"]["scored"] == len(rows)


def test_as_recorded_the_past_knew_nothing_of_events_recorded_today(runtime, leader):
    _steady_history(runtime, leader)
    result = runtime.app.forecast_backtest(4, 4, replicates=0)
    assert result["known"] == "recorded"
    assert [r.get("insufficient_history") for r in result["rows"]] == [True] * 4
    assert result["coverage"]["landed"] == {"scored": 0, "covered": 0, "rate": None}

"""The forecast on hand-made histories whose answers are known."""

from __future__ import annotations

import random
from datetime import date, timedelta
from math import exp

import numpy as np
import pytest

from domain.forecast.curves import fit
from domain.forecast.interval import count_cdf, count_interval
from domain.forecast.model import forecast
from domain.forecast.quarters import Quarter, day_windows, quarters_after
from domain.forecast.spells import CENSORED, MOVED, WITHDRAWN, Entry, History

AS_OF = date(2026, 3, 31)  # a quarter's last day: 2026Q2 is days 1–91 after it


def history(n, industry, *entries):
    return History(f"p{n}", industry, 100.0, [Entry(s, d) for s, d in entries])


def ago(days):
    return AS_OF - timedelta(days=days)


def measured(n, signed_ago, landed_after, produced_after=10, industry="ict"):
    """A project that was signed, landed and produced, all before AS_OF."""
    start = ago(signed_ago)
    return history(
        n,
        industry,
        ("signed", start),
        ("landed", start + timedelta(days=landed_after)),
        ("producing", start + timedelta(days=landed_after + produced_after)),
    )


def fresh(n, industry="ict"):
    """Signed the day before AS_OF: the forecast predicts these."""
    return history(n, industry, ("signed", ago(1)))


def test_quarters_after_a_date_and_their_day_windows():
    quarters = quarters_after(date(2026, 11, 15), 2)
    assert [str(q) for q in quarters] == ["2027Q1", "2027Q2"]
    assert quarters[0].first == date(2027, 1, 1)
    assert quarters[1].last == date(2027, 6, 30)
    assert day_windows(AS_OF, [Quarter(2026, 2)]) == [(1, 91)]


def test_censored_projects_are_counted_where_a_naive_estimate_ignores_them():
    # 20 projects landed 50 days after signing; 20 more have been signed for
    # 400 days and have not landed. Of 10 projects signed yesterday, half are
    # expected to land next quarter (the censored 20 say "not within 400 days").
    # Dropping the censored ones (the naive estimate) would say all 10.
    histories = [measured(n, 400, 50) for n in range(20)]
    histories += [history(100 + n, "ict", ("signed", ago(400))) for n in range(20)]
    histories += [fresh(200 + n) for n in range(10)]
    result = forecast(histories, AS_OF, 1, replicates=0)
    q2 = result["quarters"][0]
    assert q2["quarter"] == "2026Q2"
    # The 20 still signed after 400 days contribute nothing: nobody was ever
    # measured beyond 400 days, so there is no basis to predict their move.
    assert q2["landed"]["expected"] == pytest.approx(5.0)
    assert q2["landed"]["low"] <= 5 <= q2["landed"]["high"]
    assert result["basis"]["stages"]["signed"] == {
        "measured": 20,
        "censored": 30,
        "withdrawn": 0,
        "by_industry": [],
    }


def test_a_withdrawal_is_a_competing_risk_not_a_censoring():
    # 20 landed after 50 days, 20 withdrew after 30: a new project lands with
    # chance one half. Censoring the withdrawals (Kaplan–Meier on the move
    # alone) would say every one of them lands.
    histories = [measured(n, 400, 50) for n in range(20)]
    histories += [
        history(100 + n, "ict", ("signed", ago(400)), ("withdrawn", ago(370)))
        for n in range(20)
    ]
    histories += [fresh(200 + n) for n in range(10)]
    result = forecast(histories, AS_OF, 1, replicates=0)
    assert result["quarters"][0]["landed"]["expected"] == pytest.approx(5.0)
    assert result["basis"]["stages"]["signed"]["withdrawn"] == 20


def test_producing_follows_landing_then_the_landed_stage():
    # Every project lands 50 days after signing and produces 20 days later:
    # the 10 fresh ones land and produce within next quarter (day 49 + 20).
    histories = [measured(n, 400, 50, produced_after=20) for n in range(20)]
    histories += [fresh(200 + n) for n in range(10)]
    result = forecast(histories, AS_OF, 2, replicates=0)
    first, second = result["quarters"]
    assert first["landed"]["expected"] == pytest.approx(10.0)
    assert first["producing"]["expected"] == pytest.approx(10.0)
    assert second["producing"]["expected"] == pytest.approx(0.0)
    assert first["landed"]["investment"] == "1000.00"


def _simulated(seed, count, land_days, withdraw_days, produce_days):
    """Projects signed over four years with exponential stage durations."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        start = ago(rng.randint(0, 1460))
        land = start + timedelta(days=int(rng.expovariate(1 / land_days)))
        quit_ = start + timedelta(days=int(rng.expovariate(1 / withdraw_days)))
        entries = [("signed", start)]
        if min(land, quit_) <= AS_OF:
            if land <= quit_:
                entries.append(("landed", land))
                done = land + timedelta(days=int(rng.expovariate(1 / produce_days)))
                if done <= AS_OF:
                    entries.append(("producing", done))
            else:
                entries.append(("withdrawn", quit_))
        found.append(history(n, ["ict", "bio"][n % 2], *entries))
    return found


def test_the_forecast_converges_to_the_known_rate():
    # Landing and withdrawal are memoryless (exponential, mean 200 and 1000
    # days), so a project still signed lands within the next 91 days with
    # chance (1/200)/(1/200+1/1000) × (1 − e^(−91 × (1/200+1/1000))).
    histories = _simulated(7, 12000, 200, 1000, 300)
    result = forecast(histories, AS_OF, 1, replicates=0)
    signed = result["basis"]["open"]["signed"]
    rate = 1 / 200 + 1 / 1000
    # Whole days shift each duration down by half a day on average.
    truth = signed * (1 / 200) / rate * (1 - exp(-91 * rate))
    assert result["quarters"][0]["landed"]["expected"] == pytest.approx(truth, rel=0.04)
    assert result["basis"]["stages"]["signed"]["by_industry"] == ["bio", "ict"]


def test_too_few_measured_durations_give_insufficient_history():
    histories = [measured(n, 400, 50) for n in range(9)] + [fresh(99)]
    result = forecast(histories, AS_OF, 4, replicates=0)
    assert result["insufficient_history"] is True
    assert "quarters" not in result
    assert result["basis"]["stages"]["signed"]["measured"] == 9
    histories.append(measured(10, 400, 50))
    assert "quarters" in forecast(histories, AS_OF, 4, replicates=0)


def test_an_industry_gets_its_own_curve_only_with_enough_durations():
    histories = [measured(n, 400, 50, industry="ict") for n in range(30)]
    histories += [measured(100 + n, 400, 10, industry="bio") for n in range(29)]
    histories += [fresh(200, "ict"), fresh(201, "bio")]
    result = forecast(histories, AS_OF, 1, replicates=0)
    assert result["basis"]["stages"]["signed"]["by_industry"] == ["ict"]


def test_the_fitted_curve_agrees_with_lifelines_aalen_johansen():
    from lifelines import AalenJohansenFitter

    rng = np.random.default_rng(5)
    days = rng.integers(0, 300, 400)
    outcome = rng.choice([CENSORED, MOVED, WITHDRAWN], 400)
    curve = fit(days, outcome, np.ones(400, dtype=int), 320)
    aj = AalenJohansenFitter(calculate_variance=False, seed=1)
    with pytest.warns(Warning):  # lifelines jitters the tied whole days
        aj.fit(days + 0.5, outcome, event_of_interest=MOVED)
    for day in (0, 50, 150, 299):
        assert curve.moved[day] == pytest.approx(aj.predict(day + 1.0), abs=0.01)


def test_the_count_interval_is_the_poisson_binomial_one():
    assert count_cdf(np.array([0.5] * 4)).tolist() == pytest.approx(
        [1 / 16, 5 / 16, 11 / 16, 15 / 16, 1]
    )
    # Certain outcomes leave no spread.
    assert count_interval([np.array([1.0] * 7 + [0.0] * 3)]) == (7, 7)
    # Large counts: the normal approximation around 300 ± 1.28 × √210.
    assert count_interval([np.full(1000, 0.3)]) == (281, 319)


def test_estimation_uncertainty_widens_the_interval():
    histories = _simulated(3, 600, 200, 1000, 300)
    plain = forecast(histories, AS_OF, 1, replicates=0)["quarters"][0]["landed"]
    mixed = forecast(histories, AS_OF, 1, replicates=30)["quarters"][0]["landed"]
    assert mixed["expected"] == plain["expected"]
    assert mixed["high"] - mixed["low"] >= plain["high"] - plain["low"]

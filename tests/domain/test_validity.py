"""An award's status on a day (valid, pending, expired, revoked, review_failed)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.validity import AWARD_STATUS_LABELS, award_status


def award(**changes) -> dict:
    return {
        "certified_on": date(2024, 1, 10),
        "expires_on": date(2027, 1, 9),
        "revoked_on": None,
        "review_failed_on": None,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "day", "status"),
    [
        ({}, date(2024, 1, 9), "pending"),
        ({}, date(2024, 1, 10), "valid"),
        ({}, date(2027, 1, 9), "valid"),
        ({}, date(2027, 1, 10), "expired"),
        # A revocation takes effect on its own date.
        ({"revoked_on": date(2025, 3, 1)}, date(2025, 2, 28), "valid"),
        ({"revoked_on": date(2025, 3, 1)}, date(2025, 3, 1), "revoked"),
        ({"revoked_on": date(2025, 3, 1)}, date(2030, 1, 1), "revoked"),
        ({"revoked_on": date(2025, 3, 1)}, date(2024, 1, 1), "pending"),
        # A failed re-review ends the award the day before the review.
        (
            {"expires_on": date(2025, 4, 30), "review_failed_on": date(2025, 5, 1)},
            date(2025, 4, 30),
            "valid",
        ),
        (
            {"expires_on": date(2025, 4, 30), "review_failed_on": date(2025, 5, 1)},
            date(2025, 5, 1),
            "review_failed",
        ),
        # Revoked after a failed review: the revocation is what it shows from then.
        (
            {
                "expires_on": date(2025, 4, 30),
                "review_failed_on": date(2025, 5, 1),
                "revoked_on": date(2025, 6, 1),
            },
            date(2025, 5, 15),
            "review_failed",
        ),
        (
            {
                "expires_on": date(2025, 4, 30),
                "review_failed_on": date(2025, 5, 1),
                "revoked_on": date(2025, 6, 1),
            },
            date(2025, 6, 1),
            "revoked",
        ),
    ],
)
def test_award_status(changes, day, status) -> None:
    assert award_status(award(**changes), day) == status


def test_every_status_has_a_label() -> None:
    assert set(AWARD_STATUS_LABELS) == {
        "valid",
        "pending",
        "expired",
        "revoked",
        "review_failed",
    }

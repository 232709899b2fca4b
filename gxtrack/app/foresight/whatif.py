"""The stall policy what-if: past weeks re-judged under a draft and under the
policy in force, from the stage dates as they stand now. It records nothing.

Exemptions are decisions about single projects, not terms of the policy, so the
what-if compares the rule alone. The stage intervals are read once per state of
the read models and kept, so an admin trying several drafts waits only for the
rule, which counts every week at once (domain/stall_onsets.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
from eventsourcing.application import AggregateNotFoundError

from domain.permissions import Actor, require_leader
from domain.stall import NEXT_STAGE, RED_FACTOR, StallPolicy, StallTerms, iso_week
from domain.stall_onsets import (
    SpanIndex,
    levels_on,
    onsets,
    stage_rows,
    weekly_counts,
)
from domain.stall_whatif import NONE, DraftTerms, Spans, draft_terms, mondays
from gxtrack.app.stalled import STALLING_STAGES, StalledService
from gxtrack.readmodels.engine.memo import memoized
from gxtrack.readmodels.pool.queries import project_labels, stall_spans

PLANNED = {"signed": 4, "landed": 5, "producing": 6}  # columns of a span row
LEVEL_NAMES = {1: "yellow", 2: "red"}
CHANGED_SHOWN = 200


EPOCH = date(1970, 1, 1).toordinal()
NO_DAY = "9999-12-31"  # stands for a missing date while parsing, then NONE


def _ordinals(texts: list[str | None]) -> np.ndarray:
    # numpy parses ISO dates in C: several times cheaper than fromisoformat.
    days = np.array([t or NO_DAY for t in texts], dtype="datetime64[D]")
    found = days.astype(np.int64) + EPOCH
    return np.where(days == np.datetime64(NO_DAY), NONE, found)


def spans_of(rows: list[tuple[Any, ...]]) -> Spans:
    """The span arrays of stall_spans rows."""
    return Spans(
        project=np.array([r[0] for r in rows], dtype=object),
        stage=np.array([r[1] for r in rows], dtype=object),
        entered=_ordinals([r[2] for r in rows]),
        left=_ordinals([r[3] for r in rows]),
        planned_next=_ordinals([r[PLANNED[NEXT_STAGE[r[1]]]] for r in rows]),
    )


class WhatIfService(StalledService):
    """Try a stall policy on the past before publishing it."""

    def _spans(self) -> tuple[Spans, SpanIndex]:
        # Kept with the read models' positions, not the log's head: spans read
        # while the read models lagged are never kept as the head's.
        db = self.read_side.db

        def read() -> tuple[Spans, SpanIndex]:
            spans = spans_of(stall_spans(db, STALLING_STAGES))
            return spans, stage_rows(spans)

        return memoized(
            db, ("what-if-spans",), read, stale_for=self.read_side.stale_figures_seconds
        )

    def _terms_in_force(self) -> StallTerms:
        # Read, never created here: the what-if records nothing.
        try:
            policy = self.repository.get(StallPolicy.create_id())
        except AggregateNotFoundError:
            policy = StallPolicy.with_defaults()
        return policy.terms()

    def stall_what_if(
        self,
        actor: Actor,
        thresholds: Mapping[str, object],
        first: date,
        last: date,
        red_factor: object = None,
        overdue_days: object = None,
    ) -> dict[str, Any]:
        """Each week's flagged count under the draft beside the policy in force."""
        require_leader(actor, "试算预警规则")
        terms = self._terms_in_force()
        in_force = DraftTerms.of(terms, RED_FACTOR)
        draft = draft_terms(terms, thresholds, red_factor, overdue_days)
        weeks = mondays(first, last)
        spans, index = self._spans()
        under_draft, now = (
            onsets(spans, draft, index),
            onsets(spans, in_force, index),
        )
        counts = weekly_counts(spans, under_draft, now, weeks)
        rows = [
            {"week": iso_week(monday), "as_of": monday.isoformat()}
            | {name: int(column[j]) for name, column in counts.items()}
            for j, monday in enumerate(weeks)
        ]
        last_levels = (
            (levels_on(spans, under_draft, weeks[-1]), levels_on(spans, now, weeks[-1]))
            if weeks
            else None
        )
        return {
            "draft": _terms_view(draft),
            "in_force": _terms_view(in_force),
            "weeks": rows,
            "changed": self._changed(spans, last_levels, weeks),
        }

    def _changed(
        self,
        spans: Spans,
        last_levels: tuple[np.ndarray, np.ndarray] | None,
        weeks: list[date],
    ) -> dict[str, Any]:
        """The projects judged differently in the last week, with their names."""
        if last_levels is None:
            return {"as_of": None, "items": [], "total": 0}
        under_draft, now = last_levels
        differ = np.flatnonzero(under_draft != now)
        shown = differ[:CHANGED_SHOWN]
        labels = project_labels(
            self.read_side.db, [str(spans.project[i]) for i in shown]
        )
        items = []
        for i in shown:
            pid = str(spans.project[i])
            label = labels.get(pid, {})
            items.append(
                {
                    "project_id": pid,
                    "name": label.get("name", ""),
                    "officer": label.get("officer", ""),
                    "stage": str(spans.stage[i]),
                    "level": LEVEL_NAMES.get(int(under_draft[i])),
                    "level_now": LEVEL_NAMES.get(int(now[i])),
                }
            )
        return {"as_of": weeks[-1].isoformat(), "items": items, "total": len(differ)}


def _terms_view(terms: DraftTerms) -> dict[str, Any]:
    return {
        "thresholds": dict(terms.thresholds),
        "overdue_days": terms.overdue_days,
        "red_factor": terms.red_factor,
    }

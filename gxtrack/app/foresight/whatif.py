"""The stall policy what-if: past weeks re-judged under a draft and under the
policy in force, from the stage dates as they stand now. It records nothing.

Exemptions are decisions about single projects, not terms of the policy, so the
what-if compares the rule alone. The stage intervals are read once per state of
the log and kept, so an admin trying several drafts waits only for the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
from eventsourcing.application import AggregateNotFoundError

from domain.permissions import Actor, require_leader
from domain.stall import NEXT_STAGE, RED_FACTOR, StallPolicy, StallTerms, iso_week
from domain.stall_whatif import (
    NONE,
    DraftTerms,
    Spans,
    draft_terms,
    levels,
    mondays,
)
from gxtrack.app.stalled import STALLING_STAGES, StalledService
from gxtrack.readmodels.pool.queries import project_labels, stall_spans

PLANNED = {"signed": 4, "landed": 5, "producing": 6}  # columns of a span row
LEVEL_NAMES = {1: "yellow", 2: "red"}
CHANGED_SHOWN = 200


def _ordinal(text: str | None) -> int:
    return date.fromisoformat(text).toordinal() if text else NONE


def spans_of(rows: list[tuple[Any, ...]]) -> Spans:
    """The span arrays of stall_spans rows."""
    return Spans(
        project=np.array([r[0] for r in rows], dtype=object),
        stage=np.array([r[1] for r in rows], dtype=object),
        entered=np.array([_ordinal(r[2]) for r in rows], dtype=np.int64),
        left=np.array([_ordinal(r[3]) for r in rows], dtype=np.int64),
        planned_next=np.array(
            [_ordinal(r[PLANNED[NEXT_STAGE[r[1]]]]) for r in rows], dtype=np.int64
        ),
    )


class WhatIfService(StalledService):
    """Try a stall policy on the past before publishing it."""

    def _spans(self) -> Spans:
        head = self.recorder.max_notification_id() or 0
        held = self.__dict__.get("_what_if_spans")
        if held is None or held[0] != head:
            rows = stall_spans(self.read_side.db, STALLING_STAGES)
            held = self.__dict__["_what_if_spans"] = (head, spans_of(rows))
        return held[1]

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
        spans = self._spans()
        rows, last_levels = [], None
        for monday in weeks:
            under_draft = levels(spans, monday, draft)
            now = levels(spans, monday, in_force)
            rows.append(
                {
                    "week": iso_week(monday),
                    "as_of": monday.isoformat(),
                    "flagged": int((under_draft > 0).sum()),
                    "flagged_now": int((now > 0).sum()),
                    "red": int((under_draft == 2).sum()),
                    "red_now": int((now == 2).sum()),
                    "newly_flagged": int(((under_draft > 0) & (now == 0)).sum()),
                    "no_longer_flagged": int(((under_draft == 0) & (now > 0)).sum()),
                }
            )
            last_levels = (under_draft, now)
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

"""红黑榜: the zone scorecard for a week, month or quarter, and its workbook.

Per zone: the 签约/开工/投产 dated in the period, the stalled share at its end
(the stalled list's judgement among the zone's live projects then), and the
median hours to answer and to resolve the alerts flagged in the period. The
ranking is domain.scorecard's.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from openpyxl import Workbook

from domain.clock import BUREAU_TZ
from domain.clock import today as bureau_today
from domain.scorecard import period_of, rank
from domain.stall import NEXT_STAGE
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.alerts.queries import list_alerts
from gxtrack.readmodels.engine.memo import memoized
from gxtrack.readmodels.pool.queries import PoolFilter, stalled_zones, summary
from gxtrack.readmodels.stage_facts.queries import entries_as_known

EVERY_ALERT = 10**7
COLUMNS = (
    ("名次", "rank"),
    ("榜单", "board_label"),
    ("板块", "zone_name"),
    ("新签约", "signed"),
    ("新开工（落地）", "landed"),
    ("新投产", "producing"),
    ("得分", "points"),
    ("在库项目", "live"),
    ("停滞项目", "stalled"),
    ("停滞占比", "stalled_percent"),
    ("预警回复用时中位数（小时）", "median_answer_hours"),
    ("预警解除用时中位数（小时）", "median_resolve_hours"),
)
BOARD_LABELS = {"red": "红榜", "black": "黑榜", "": ""}


def _instant(day: date) -> str:
    """The UTC instant the bureau's `day` begins, as alerts record their times."""
    return datetime.combine(day, time(), BUREAU_TZ).astimezone(UTC).isoformat()


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


class ScorecardService(ServiceBase):
    """The zones' 红黑榜."""

    def zone_scorecard(self, kind: str, day: date | None = None) -> dict[str, Any]:
        """{"period", "rows"}: every zone ranked for the period containing `day`.

        Kept until the read models move (the dashboard shows this month's on
        every view: seconds at 100k projects); the result is shared, read-only.
        """
        today = bureau_today()
        period_of(kind, day or today)  # an unknown kind is refused, not kept
        return memoized(
            self.read_side.db,
            ("zone-scorecard", kind, day or today, today),
            lambda: self._scorecard_rows(kind, day or today, today),
        )

    def _scorecard_rows(self, kind: str, day: date, today: date) -> dict[str, Any]:
        period = period_of(kind, day)
        end = min(period.last, today)
        db = self.read_side.db
        new: dict[str, Counter[str]] = defaultdict(Counter)
        for entry in entries_as_known(db, period.first, period.last):
            new[entry["zone"]][entry["stage"]] += 1
        # The pool read model as of the day (its monthly sums): the stage
        # facts as known now would read every project's history.
        live: Counter[str] = Counter()
        for stage in NEXT_STAGE:
            zones = summary(db, PoolFilter(as_of=end, stage=stage))["by_zone"]
            live.update({zone: cell["count"] for zone, cell in zones.items()})
        stalled = Counter(stalled_zones(db, end))
        answer, resolve = self._alert_hours(period.first, period.last)
        zones = self.reference().zones
        rows = [
            {
                "zone": code,
                "zone_name": name,
                "new": dict(new[code]),
                **{s: new[code][s] for s in ("signed", "landed", "producing")},
                "live": live[code],
                "stalled": stalled[code],
                "stalled_share": stalled[code] / live[code] if live[code] else 0.0,
                "median_answer_hours": _median(answer[code]),
                "median_resolve_hours": _median(resolve[code]),
            }
            for code, name in zones.items()
        ]
        ranked = rank(rows)
        for row in ranked:
            row["stalled_percent"] = round(100 * row["stalled_share"], 1)
            row["board_label"] = BOARD_LABELS[row["board"]]
        return {
            "period": {
                "kind": period.kind,
                "label": period.label,
                "first": period.first.isoformat(),
                "last": period.last.isoformat(),
                "as_of": end.isoformat(),
            },
            "rows": ranked,
        }

    def _alert_hours(
        self, first: date, last: date
    ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        start, stop = _instant(first), _instant(last + timedelta(days=1))
        answer: dict[str, list[float]] = defaultdict(list)
        resolve: dict[str, list[float]] = defaultdict(list)
        for alert in list_alerts(self.read_side.db, limit=EVERY_ALERT)["items"]:
            if not start <= alert["flagged_at"] < stop or alert["zone"] is None:
                continue
            if alert["response_hours"] is not None:
                answer[alert["zone"]].append(alert["response_hours"])
            if alert["resolution_hours"] is not None:
                resolve[alert["zone"]].append(alert["resolution_hours"])
        return answer, resolve

    def zone_scorecard_xlsx(self, kind: str, day: date | None = None) -> bytes:
        """The scorecard as an .xlsx workbook (Chinese headers)."""
        card = self.zone_scorecard(kind, day)
        book = Workbook()
        sheet = book.active
        sheet.title = "红黑榜"
        period = card["period"]
        sheet.append(
            [f"红黑榜 {period['label']}（{period['first']} 至 {period['last']}）"]
        )
        sheet.append([title for title, _ in COLUMNS])
        for row in card["rows"]:
            sheet.append([row.get(key) for _, key in COLUMNS])
        sheet.freeze_panes = "A3"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

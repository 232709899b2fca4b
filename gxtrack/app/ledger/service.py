"""The ledger import use case: preview every row, then write all rows or none.

`LedgerService.preview_ledger` reads the file, matches its headers (synonyms
plus the saved mapping), and plans every row through the domain's rules without
writing. `import_ledger` does the same and, only when the whole file is clean
and the caller confirms, saves every new or changed project in one `save()`
call — one transaction, so a failure leaves nothing behind — then brings the
read models up to date before returning. The CLI and the web import page both call these.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from domain.clock import today as bureau_today
from domain.permissions import Actor, require_leader
from domain.project import InvestmentProject
from gxtrack.app.base import ServiceBase
from gxtrack.app.ledger.headers import MappingStore, match_headers, missing_required
from gxtrack.app.ledger.outcome import Problem, RowPlan, project_key
from gxtrack.app.ledger.plan import Planner
from gxtrack.app.ledger.reading import LedgerFileError, read_table
from gxtrack.errors import ConflictError, GxtrackError
from gxtrack.infra.cycles import no_cycle_collection
from gxtrack.readmodels.pool.queries import project_keys
from gxtrack.readmodels.users.queries import names_by_display_name

Progress = Callable[[str, int, int], None]
ACTION_LABELS = {
    "create": "新建",
    "update": "更新",
    "unchanged": "已存在，无变化",
    "invalid": "有错误",
    "skipped": "跳过",
}


class LedgerRejectedError(GxtrackError):
    """The ledger has problems; nothing was written. `.preview` lists them all."""

    status = 422

    def __init__(self, message: str, preview: Preview | None = None) -> None:
        super().__init__(message)
        self.preview = preview


@dataclass
class Preview:
    """What an import of this file would do, row by row, with every problem."""

    file: str
    sha256: str
    sheet: str
    header_row: int
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    header_problems: list[Problem] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    events: int = 0

    @property
    def problems(self) -> list[Problem]:
        """Every problem, header first, then row by row."""
        return [*self.header_problems, *(p for r in self.rows for p in r.problems)]

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Rows per action."""
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "encoding": self.encoding,
            "columns": dict(self.columns),
            "unused_columns": list(self.unused_columns),
            "ok": self.ok,
            "counts": self.counts(),
            "events": self.events,
            "problems": [p.to_dict() for p in self.problems],
            "rows": [r.to_dict() for r in self.rows],
        }


@dataclass
class Result:
    """What an import did (or, unconfirmed, would do)."""

    preview: Preview
    written: bool
    events: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {
            **self.preview.to_dict(),
            "written": self.written,
            "events_written": self.events,
            "seconds": round(self.seconds, 3),
        }


def _notify(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress:
        progress(phase, done, total)


class LedgerService(ServiceBase):
    """Ledger imports: the preview, and the all-or-nothing write."""

    # The plan holds every row's aggregate and events until the end: the cycle
    # collector's full passes over them were a tenth of an import's time.
    @no_cycle_collection()
    def preview_ledger(
        self,
        data: bytes,
        filename: str,
        actor: Actor,
        mapping: dict[str, str] | None = None,
        sheet: str | None = None,
        today: date | None = None,
        progress: Progress | None = None,
    ) -> Preview:
        """Plan the import of a ledger file without writing anything."""
        require_leader(actor, "导入项目台账")
        try:
            table = read_table(data, filename, sheet)
        except LedgerFileError as error:
            raise LedgerRejectedError(str(error)) from None
        preview = Preview(
            file=filename.replace("\\", "/").rsplit("/", 1)[-1],
            sha256=hashlib.sha256(data).hexdigest(),
            sheet=table.sheet,
            header_row=table.header_row,
            encoding=table.encoding,
        )
        saved = MappingStore(self.read_side.db).load()
        columns, unused, problems = match_headers(
            table.headers, {**saved, **(mapping or {})}
        )
        preview.columns = {c.header: c.field for c in columns.values()}
        preview.unused_columns = unused
        problems += [
            f"缺少必需的列: {name}（表头写法不同时请用表头映射指定）"
            for name in missing_required(columns)
        ]
        if problems:
            preview.header_problems = [
                Problem(table.header_row, "", message) for message in problems
            ]
            return preview
        planner = Planner(
            columns=columns,
            reference=self.reference(),
            existing=self._existing_projects(),
            officers=self._officers(),
            load=lambda pid: self.load(InvestmentProject, pid),
            actor=actor.name,
            source={
                "file": preview.file,
                "sha256": preview.sha256,
                "sheet": table.sheet,
                "imported_by": actor.name,
            },
            today=today or bureau_today(),
        )
        total = len(table.rows)
        for done, (number, cells) in enumerate(table.rows, start=1):
            preview.rows.append(planner.plan(number, cells))
            if done % 500 == 0 or done == total:
                _notify(progress, "校验", done, total)
        preview.events = sum(
            len(r.project.pending_events) for r in preview.rows if r.project
        )
        return preview

    def _existing_projects(self) -> dict[tuple[str, str], str]:
        """Every project's (name, investor) key → id, from an up-to-date pool."""
        self.read_side.wait_for_read_models()
        rows = project_keys(self.read_side.db)
        return {project_key(r["name"], r["investor"]): r["id"] for r in rows}

    def _officers(self) -> dict[str, str]:
        """Display name (as a ledger writes 责任人) → user name, for active users."""
        return names_by_display_name(self.read_side.db)

    @no_cycle_collection()
    def import_ledger(
        self,
        data: bytes,
        filename: str,
        actor: Actor,
        confirm: bool = False,
        mapping: dict[str, str] | None = None,
        sheet: str | None = None,
        today: date | None = None,
        progress: Progress | None = None,
        save_mapping: bool = False,
    ) -> Result:
        """Import the ledger when `confirm` and clean; all rows or none."""
        started = time.perf_counter()
        preview = self.preview_ledger(
            data, filename, actor, mapping, sheet, today, progress
        )
        if not preview.ok:
            raise rejection(preview)
        if not confirm:
            return Result(preview, written=False, events=preview.events)
        changed = [r.project for r in preview.rows if r.action in ("create", "update")]
        events = preview.events
        if changed:
            _notify(progress, "写入", 0, events)
            try:
                self._record_all(changed)
            except IntegrityError:
                # New projects have ids derived from this file's rows, so an import
                # of the same file that won the race makes this one collide.
                raise ConflictError(
                    "台账未导入，未写入任何数据：其中的项目刚被另一次导入（同一文件）"
                    "写入或修改，请重新预览后再导入"
                ) from None
            _notify(progress, "写入", events, events)
            self._catch_up(progress)
        if mapping and save_mapping:
            store = MappingStore(self.read_side.db)
            store.save({**store.load(), **mapping}, actor.name)
        return Result(preview, True, events, time.perf_counter() - started)

    def _record_all(self, projects: list[InvestmentProject]) -> None:
        """Record every project's new events in one call: one transaction.

        `save()` asks of each aggregate, through runtime-checked protocols,
        whether it is an event or holds events (about a fifth of the save's
        CPU); the projects' events are collected here and put in the store
        directly. The aggregate cache fast-forwards from the log, so it needs
        no copy of them; gxtrack takes no snapshots and no save hooks.
        """
        events = [event for project in projects for event in project.collect_events()]
        self.events.put(events)

    def _catch_up(self, progress: Progress | None) -> None:
        """Bring the read models up to date, showing progress when we do the work."""
        shown = [-1]

        def show(done: int, total: int) -> None:
            if done != shown[0]:  # the engine reports its last batch twice
                shown[0] = done
                _notify(progress, "更新列表", done, total)

        self.read_side.catch_up_with_progress(show)


def rejection(preview: Preview) -> LedgerRejectedError:
    """The one-line error for a ledger with problems: the first, and how many."""
    problems = preview.problems
    more = f"（另有 {len(problems) - 1} 处问题，--dry-run 可查看全部）"
    message = problems[0].text() + (more if len(problems) > 1 else "")
    return LedgerRejectedError(f"台账未导入，未写入任何数据: {message}", preview)

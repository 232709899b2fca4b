"""Importing a published list of designated enterprises, all or nothing.

Every row is applied to its Enterprise aggregate in memory first, so the domain
checks the credit code, the designation, dates, overlaps and stars exactly as for
a single command. Any bad row: nothing is saved and every error is reported with
its spreadsheet row and column. Otherwise all new events are saved in one
transaction. A row already recorded (same credit code, designation and
certificate date) changes nothing, so importing the same file twice is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.clock import today
from domain.enterprise import Enterprise, enterprise_id
from domain.errors import RuleViolationError
from domain.permissions import Actor, require_leader
from domain.reference import ReferenceData
from domain.rules import optional_text, required_text
from domain.uscc import normalize_uscc
from gxtrack.app.base import ServiceBase
from gxtrack.app.designation_list import (
    Sheet,
    SheetRow,
    cell_date,
    designation_of,
    stars_of,
    text,
)
from gxtrack.errors import GxtrackError

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 200


class ImportRowsError(GxtrackError):
    """Some rows are bad; nothing was written. `errors` lists row, column, message."""

    status = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        first = errors[0]
        more = f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""
        super().__init__(
            f"第 {first['row']} 行「{first['column']}」: {first['message']}{more}"
            "，未写入任何数据"
        )
        self.errors = errors


class EnterpriseImportService(ServiceBase):
    """The enterprise-list import."""

    def import_enterprises(
        self,
        actor: Actor,
        sheet: Sheet,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Register enterprises and award designations from the sheet's rows."""
        require_leader(actor, "导入企业称号名单")
        reference = self.reference()
        day = today()
        cache: dict[UUID, Enterprise | None] = {}
        changed: dict[UUID, Enterprise] = {}
        counts = {"enterprises_created": 0, "designations_awarded": 0, "unchanged": 0}
        errors: list[dict[str, Any]] = []
        warnings: list[str] = []
        total = len(sheet.rows)
        for done, row in enumerate(sheet.rows, start=1):
            try:
                outcome = self._import_row(actor, row, reference, cache, day)
            except RuleViolationError as error:
                errors.append(
                    {
                        "row": row.row,
                        "column": sheet.column(error.field),
                        "field": error.field,
                        "message": error.message,
                    }
                )
            else:
                ent, created, awarded, warning = outcome
                counts["enterprises_created"] += created
                counts["designations_awarded"] += awarded
                counts["unchanged"] += not (created or awarded)
                if created or awarded:
                    changed[ent.id] = ent
                if warning:
                    warnings.append(f"第 {row.row} 行: {warning}")
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        if errors:
            raise ImportRowsError(errors)
        if changed and not dry_run:
            self.store(*changed.values())
        return {"rows": total, **counts, "dry_run": dry_run, "warnings": warnings}

    def _existing(self, key: UUID, cache: dict[UUID, Enterprise | None]) -> Any:
        if key not in cache:
            try:
                cache[key] = self.repository.get(key)
            except AggregateNotFoundError:
                cache[key] = None
        return cache[key]

    def _import_row(
        self,
        actor: Actor,
        row: SheetRow,
        reference: ReferenceData,
        cache: dict[UUID, Enterprise | None],
        day: date,
    ) -> tuple[Enterprise, bool, bool, str]:
        values = row.values
        uscc = normalize_uscc(text(values.get("uscc")))
        name = required_text(text(values.get("name")), "name")
        code, stars = designation_of(values.get("designation"))
        if text(values.get("stars")):
            stars = stars_of(values.get("stars"))
        certified = cell_date(values.get("certified_on"), "certified_on")
        if certified is None:
            raise RuleViolationError("不能为空", "certified_on")
        expires = cell_date(values.get("expires_on"), "expires_on")
        key = enterprise_id(uscc)
        ent = self._existing(key, cache)
        created, warning = False, ""
        if ent is None:
            industry, zone = text(values.get("industry")), text(values.get("zone"))
            ent = Enterprise.register(
                uscc=uscc,
                name=name,
                actor=actor.name,
                industry=reference.resolve("industry", industry) if industry else None,
                zone=reference.resolve("zone", zone) if zone else None,
            )
            cache[key] = ent
            created = True
        elif ent.name != name:
            warning = f"企业名称与已登记的不同（保留「{ent.name}」）: {name}"
        if ent.find_award(code, certified) is not None:
            return ent, created, False, warning
        ent.award(
            code,
            certified,
            actor.name,
            expires_on=expires,
            document_no=optional_text(text(values.get("document_no")), "document_no"),
            batch=optional_text(text(values.get("batch")), "batch"),
            stars=stars,
            today=day,
        )
        return ent, created, True, warning

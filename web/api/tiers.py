"""Cultivation endpoints: yearly targets, tier counts, the pool (培育库), import.

Routes sit at the API root (`/targets`, `/tiers/counts`, `/candidates`,
`/imports/enterprises`), so this blueprint has no URL prefix of its own.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import request
from flask.views import MethodView

from domain.errors import RuleViolationError
from gxtrack.app.designation_list import read_sheet
from gxtrack.readmodels.cultivation.queries import (
    CandidateFilter,
    list_candidates,
    targets_report,
)
from gxtrack.readmodels.enterprises.queries import tier_counts
from web.api.base import ApiBlueprint, rt, run
from web.api.schemas.imports import upload_encoding
from web.api.schemas.tiers import (
    CandidateArgsSchema,
    CandidateCreateSchema,
    CandidatePageSchema,
    CandidateSchema,
    CandidateWithdrawSchema,
    EnterpriseImportArgsSchema,
    EnterpriseImportFileSchema,
    EnterpriseImportResultSchema,
    TargetsArgsSchema,
    TargetSetSchema,
    TargetsReportSchema,
    TierCountsArgsSchema,
    TierCountsSchema,
)
from web.uploads import MAX_BYTES

blp = ApiBlueprint("tiers", __name__, description="梯度培育 Cultivation")
UPLOAD_SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD_BYTES = MAX_BYTES  # as the ledger import (web.uploads)


def report(year: int, as_of: Any = None) -> dict[str, Any]:
    """The targets of `year` against achieved, with zone names."""
    zones = rt().app.reference().zones
    return targets_report(rt().db, year, as_of=as_of, zone_names=zones)


@blp.route("/targets")
class Targets(MethodView):
    """Yearly targets (年度培育目标)."""

    @blp.arguments(TargetsArgsSchema, location="query")
    @blp.response(200, TargetsReportSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """年度目标 Target, achieved to date and the enterprises behind each number."""
        return report(args["year"], args.get("as_of"))

    @blp.arguments(TargetSetSchema)
    @blp.response(200, TargetsReportSchema)
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """设置年度目标 Set one target (admin); count 0 removes it."""
        run(rt().app.set_target, **body)
        return report(body["year"])

    @blp.arguments(TargetSetSchema)
    @blp.response(200, TargetsReportSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """设置年度目标 Same as PUT, for form-like clients."""
        run(rt().app.set_target, **body)
        return report(body["year"])


@blp.route("/tiers/counts")
class TierCounts(MethodView):
    """The ladder in numbers."""

    @blp.arguments(TierCountsArgsSchema, location="query")
    @blp.response(200, TierCountsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """梯度统计 Enterprises on each ladder level on a date (default today)."""
        return tier_counts(rt().db, args.get("as_of"))


def _candidate(view: dict[str, Any], candidacy_id: str | None = None) -> dict:
    """One candidacy of an enterprise view, shaped like a pool row."""
    chosen = (
        next(c for c in view["candidacies"] if c["candidacy_id"] == candidacy_id)
        if candidacy_id
        else view["candidacies"][-1]
    )
    keys = ("name", "uscc", "zone", "industry")
    return {"enterprise_id": view["id"], **{k: view[k] for k in keys}, **chosen}


@blp.route("/candidates")
class Candidates(MethodView):
    """The cultivation pool (培育库)."""

    @blp.arguments(CandidateArgsSchema, location="query")
    @blp.response(200, CandidatePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """培育库 Candidacies, open first (filter by year, designation, zone…)."""
        if args.get("zone"):
            args["zone"] = rt().app.reference().resolve("zone", args["zone"])
        return list_candidates(rt().db, CandidateFilter(**args))

    @blp.arguments(CandidateCreateSchema)
    @blp.response(201, CandidateSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """纳入培育库 List an enterprise as a candidate for a designation and year."""
        view = run(rt().app.list_candidate, **body)
        return _candidate(view)


@blp.route("/candidates/<enterprise_id>/<candidacy_id>/withdraw")
class CandidateWithdraw(MethodView):
    """Taking a candidacy out of the pool."""

    @blp.arguments(CandidateWithdrawSchema)
    @blp.response(200, CandidateSchema)
    def post(
        self, body: dict[str, Any], enterprise_id: str, candidacy_id: str
    ) -> dict[str, Any]:
        """移出培育库 Withdraw a candidacy with a reason."""
        view = run(rt().app.withdraw_candidacy, enterprise_id, candidacy_id, **body)
        return _candidate(view, candidacy_id)


@blp.route("/imports/enterprises")
class EnterpriseImport(MethodView):
    """The published designation list, imported all or nothing."""

    @blp.arguments(EnterpriseImportArgsSchema, location="query")
    @blp.arguments(EnterpriseImportFileSchema, location="files")
    @blp.response(200, EnterpriseImportResultSchema)
    @blp.doc(**upload_encoding("designations.csv"))
    def post(self, args: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        """导入企业称号名单 Upload .xlsx/.csv; any bad row: 422 and nothing written."""
        if (request.content_length or 0) > MAX_UPLOAD_BYTES:
            raise RuleViolationError("文件过大（不超过 10 MB）", "file")
        upload = files["file"]
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise RuleViolationError("只支持 .xlsx 或 .csv 文件", "file")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            upload.save(path)
            sheet = read_sheet(path)
        return run(rt().app.import_enterprises, sheet, dry_run=args["dry_run"])

"""培育库: the cultivation pool — enterprises listed as candidates, with filters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.cultivation import STATUS_LABELS
from domain.designations import Designation
from domain.errors import RuleViolationError
from gxtrack.readmodels.cultivation.queries import CandidateFilter, list_candidates
from web.pages.common import (
    args_without,
    parse_int,
    reference,
    register_page_errors,
    runtime,
)

bp = Blueprint("page_cultivation", __name__)
register_page_errors(bp)


def candidate_filter() -> CandidateFilter:
    """The filter from the query string; unknown codes are 422s naming the field."""
    args = request.args
    designation = args.get("designation") or None
    if designation and designation not in {d.value for d in Designation}:
        raise RuleViolationError(f"未知称号: {designation}", "designation")
    return CandidateFilter(
        year=parse_int(args.get("year"), "year"),
        designation=designation,
        zone=args.get("zone") or None,
        officer=(args.get("officer") or "").strip() or None,
        status=args.get("status") or None,
    )


@bp.get("/cultivation")
def index() -> Any:
    """The pool, open candidacies first."""
    f = candidate_filter()
    result = list_candidates(runtime().db, f)
    return render_template(
        "cultivation.html",
        f=f,
        result=result,
        designation_options=[(d.value, d.label) for d in Designation],
        status_options=list(STATUS_LABELS.items()),
        ref=reference(),
        args_without=args_without,
    )

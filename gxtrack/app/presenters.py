"""Plain-data views of aggregates, as the API and the CLI return them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.agreement import STATUS_LABELS as COMPLIANCE_LABELS
from domain.agreement import compliance
from domain.clock import today as bureau_today
from domain.cultivation import STATUS_LABELS
from domain.designations import Designation
from domain.enterprise import Enterprise
from domain.investment import investment_summary
from domain.milestones import DEFAULT_NODES, Node, project_nodes
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms
from domain.stall_judgement import judge_on
from domain.validity import AWARD_STATUS_LABELS, award_status


def iso(day: date | None) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return day.isoformat() if day else None


def stall_view(
    project: InvestmentProject, terms: StallTerms, day: date
) -> dict[str, Any] | None:
    """The day's stall judgement of the project, with its recorded alert's details.

    Level, rule and days are the judgement (domain.stall_judgement); week,
    since, answer and escalation come from the alert a scan recorded, if any.
    """
    exemption = project.exemption
    verdict = judge_on(
        project.stage.value,
        project.stage_date,
        project.planned_dates,
        day,
        terms,
        exemption.until if exemption else None,
        project.node_dates(),
    )
    if verdict is None:
        return None
    alert = project.stall.as_dict() if project.stall else {}
    return {
        **{k: alert.get(k) for k in ("week", "flagged_on", "since")},
        "answer": alert.get("answer"),
        "escalation": alert.get("escalation"),
        **verdict.as_dict(),
        "policy_version": terms.version,
        "as_of": day.isoformat(),
    }


def project_view(
    project: InvestmentProject,
    reference: ReferenceData | None = None,
    nodes: Sequence[Node] | None = None,
    terms: StallTerms | None = None,
    day: date | None = None,
) -> dict[str, Any]:
    """The project as the API returns it; `nodes` the milestone template's.

    `stall` is judged on `day` under `terms`; without terms (a caller that has
    no policy at hand) it is the alert the last scan recorded.
    """
    industries = reference.industries if reference else {}
    zones = reference.zones if reference else {}
    return {
        "id": str(project.id),
        "name": project.name,
        "investor": project.investor,
        "industry": project.industry,
        "industry_name": industries.get(project.industry, project.industry),
        "zone": project.zone,
        "zone_name": zones.get(project.zone, project.zone),
        "planned_investment": str(project.planned_investment),
        "priority": project.priority,
        "stage": project.stage.value,
        "stage_label": project.stage.label,
        "stage_date": iso(project.stage_date),
        "stage_dates": {k: iso(v) for k, v in project.stage_dates.items()},
        "officer": project.officer,
        "planned_dates": {k: iso(v) for k, v in project.planned_dates.items()},
        "land_area": None if project.land_area is None else str(project.land_area),
        "enterprise_id": str(project.enterprise_id) if project.enterprise_id else None,
        "withdrawn_from": project.withdrawn_from.value
        if project.withdrawn_from
        else None,
        "merged_into": project.merged_into,
        "merged_into_name": project.merged_into_name,
        "absorbed": list(project.absorbed),
        "last_progress": _progress(project.last_progress),
        "milestones": milestones_view(project, nodes),
        "investment": investment_summary(project.investment),
        "agreement": agreement_view(project),
        "stall": stall_view(project, terms, day or bureau_today())
        if terms is not None
        else (project.stall.as_dict() if project.stall else None),
        "alert": project.stall.as_dict() if project.stall else None,
        "exemption": project.exemption.as_dict(day or bureau_today())
        if project.exemption
        else None,
        "version": project.version,
        "created_at": project.created_on.isoformat(),
        "modified_at": project.modified_on.isoformat(),
    }


def milestones_view(
    project: InvestmentProject, nodes: Sequence[Node] | None = None
) -> list[dict[str, Any]]:
    """Every template node of the project; overdue as of today (Asia/Shanghai)."""
    items = project_nodes(
        nodes if nodes is not None else [Node(*n) for n in DEFAULT_NODES],
        project.milestones,
        project.stage_dates,
        project.planned_dates,
        bureau_today(),
    )
    for item in items:
        item["planned_on"] = iso(item["planned_on"])
        item["done_on"] = iso(item["done_on"])
    return items


def agreement_view(project: InvestmentProject) -> dict[str, Any]:
    """履约: promises, yearly actuals and the status today (Asia/Shanghai)."""
    status = compliance(
        project.promises,
        project.results,
        project.stage.value,
        project.land_area,
        bureau_today(),
    )
    return {
        "promises": project.promises.as_dict() if project.promises else None,
        "results": {str(y): r.as_dict() for y, r in sorted(project.results.items())},
        "status": status,
        "status_label": COMPLIANCE_LABELS.get(status or ""),
    }


def _progress(progress: dict[str, Any] | None) -> dict[str, Any] | None:
    if not progress:
        return None
    return {"date": iso(progress["date"]), "note": progress["note"]}


def enterprise_view(enterprise: Enterprise, as_of: date) -> dict[str, Any]:
    """The enterprise as the API returns it, with its tier on `as_of`."""
    tier = enterprise.tier_on(as_of)
    designations = []
    for award in enterprise.designations.values():
        status = award_status(award, as_of)
        designations.append(
            {
                **award,
                "designation_label": Designation(award["designation"]).label,
                "certified_on": iso(award["certified_on"]),
                "expires_on": iso(award["expires_on"]),
                "revoked_on": iso(award["revoked_on"]),
                "last_reviewed_on": iso(award.get("last_reviewed_on")),
                "review_failed_on": iso(award.get("review_failed_on")),
                "valid": status == "valid",
                "status": status,
                "status_label": AWARD_STATUS_LABELS[status],
            }
        )
    return {
        "id": str(enterprise.id),
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "industry": enterprise.industry,
        "zone": enterprise.zone,
        "tier": tier.value if tier else None,
        "tier_label": tier.label if tier else None,
        "as_of": as_of.isoformat(),
        "designations": designations,
        "candidacies": [
            {
                **c,
                "designation_label": Designation(c["designation"]).label,
                "status_label": STATUS_LABELS[c["status"]],
                "listed_on": iso(c["listed_on"]),
                "closed_on": iso(c["closed_on"]),
            }
            for c in getattr(enterprise, "candidacies", {}).values()
        ],
        "version": enterprise.version,
    }

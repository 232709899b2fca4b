"""/enterprises: register by credit code, list by tier, award and manage designations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.designations import Designation
from gxtrack.readmodels.enterprises.queries import enterprise_projects, list_enterprises
from web.api.base import ApiBlueprint, rt, run
from web.api.schemas.enterprises import (
    AwardSchema,
    EnterpriseCreateSchema,
    EnterpriseGetArgsSchema,
    EnterprisePageSchema,
    EnterpriseProjectsSchema,
    EnterpriseQueryArgsSchema,
    EnterpriseSchema,
    ReviewSchema,
    RevokeSchema,
)

blp = ApiBlueprint(
    "enterprises",
    __name__,
    url_prefix="/enterprises",
    description="企业与梯度培育 Enterprises",
)


def labelled(view: dict[str, Any]) -> dict[str, Any]:
    """The enterprise view with each designation's Chinese name."""
    for award in view.get("designations", []):
        award.setdefault("label", Designation(award["designation"]).label)
    return view


@blp.route("")
class Enterprises(MethodView):
    """The enterprise list."""

    @blp.arguments(EnterpriseQueryArgsSchema, location="query")
    @blp.response(200, EnterprisePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """企业列表 Enterprises with their tier (filter by tier, as of a date)."""
        return list_enterprises(rt().db, **args)

    @blp.arguments(EnterpriseCreateSchema)
    @blp.response(201, EnterpriseSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """登记企业 Register an enterprise by its unified social credit code."""
        return labelled(run(rt().app.register_enterprise, **body))


@blp.route("/<enterprise_id>")
class Enterprise(MethodView):
    """One enterprise."""

    @blp.arguments(EnterpriseGetArgsSchema, location="query")
    @blp.response(200, EnterpriseSchema)
    def get(self, args: dict[str, Any], enterprise_id: str) -> dict[str, Any]:
        """企业详情 The enterprise and its tier today (or `as_of`)."""
        return labelled(rt().app.get_enterprise(enterprise_id, as_of=args.get("as_of")))


@blp.route("/<enterprise_id>/designations")
class Designations(MethodView):
    """Awarding designations."""

    @blp.arguments(AwardSchema)
    @blp.response(200, EnterpriseSchema)
    def post(self, body: dict[str, Any], enterprise_id: str) -> dict[str, Any]:
        """认定称号 Award a designation (leaders, admins)."""
        return labelled(run(rt().app.award_designation, enterprise_id, **body))


@blp.route("/<enterprise_id>/designations/<award_id>/review")
class Review(MethodView):
    """Re-reviews (复核)."""

    @blp.arguments(ReviewSchema)
    @blp.response(200, EnterpriseSchema)
    def post(
        self, body: dict[str, Any], enterprise_id: str, award_id: str
    ) -> dict[str, Any]:
        """复核 Record a re-review: passing extends, failing ends the award."""
        return labelled(
            run(rt().app.review_designation, enterprise_id, award_id, **body)
        )


@blp.route("/<enterprise_id>/designations/<award_id>/revoke")
class Revoke(MethodView):
    """Revocations."""

    @blp.arguments(RevokeSchema)
    @blp.response(200, EnterpriseSchema)
    def post(
        self, body: dict[str, Any], enterprise_id: str, award_id: str
    ) -> dict[str, Any]:
        """撤销称号 Revoke an award with a reason."""
        return labelled(
            run(rt().app.revoke_designation, enterprise_id, award_id, **body)
        )


@blp.route("/<enterprise_id>/projects")
class EnterpriseProjects(MethodView):
    """The projects an enterprise invests in."""

    @blp.response(200, EnterpriseProjectsSchema)
    def get(self, enterprise_id: str) -> dict[str, Any]:
        """企业项目 The projects naming this enterprise, with total investment."""
        key = rt().app.enterprise_ref(enterprise_id)
        return enterprise_projects(rt().db, str(key))

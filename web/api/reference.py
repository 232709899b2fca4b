"""/reference: the codes other endpoints accept; admins extend and rename them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.designations import Designation
from domain.stages import Priority, Stage
from gxtrack.app.users import ROLES
from web.api.base import ApiBlueprint, rt, run
from web.api.schemas.admin import EntryCreateSchema, EntryRenameSchema, ReferenceSchema

blp = ApiBlueprint(
    "reference", __name__, url_prefix="/reference", description="基础数据 Reference"
)
KINDS = {"industries": "industry", "zones": "zone"}


def reference_document() -> dict[str, Any]:
    """Industries, zones, stages, designations, roles and priorities."""
    data = rt().app.reference_data()
    return {
        **data,
        "stages": [{"code": s.value, "name": s.label} for s in Stage],
        "designations": [
            {"code": d.value, "name": d.label, "rank": d.rank} for d in Designation
        ],
        "roles": ROLES,
        "priorities": [{"code": p.value, "name": p.label} for p in Priority],
        "milestones": rt().app.milestone_template()["nodes"],
    }


def _kind(kind: str) -> str:
    return KINDS[kind]  # the route admits only these two


@blp.route("")
class Reference(MethodView):
    """All reference data."""

    @blp.response(200, ReferenceSchema)
    def get(self) -> dict[str, Any]:
        """基础数据 The codes and Chinese names the API accepts."""
        return reference_document()


@blp.route("/<any(industries, zones):kind>")
class Entries(MethodView):
    """Adding industries or zones (`kind` is `industries` or `zones`)."""

    @blp.arguments(EntryCreateSchema)
    @blp.response(201, ReferenceSchema)
    def post(self, body: dict[str, Any], kind: str) -> dict[str, Any]:
        """新增产业/板块 Add an entry (admins)."""
        run(rt().app.add_reference_entry, _kind(kind), **body)
        return reference_document()


@blp.route("/<any(industries, zones):kind>/<code>")
class Entry(MethodView):
    """Renaming an entry; projects keep its code."""

    @blp.arguments(EntryRenameSchema)
    @blp.response(200, ReferenceSchema)
    def post(self, body: dict[str, Any], kind: str, code: str) -> dict[str, Any]:
        """改名 Rename an industry or zone (admins)."""
        run(rt().app.rename_reference_entry, _kind(kind), code, **body)
        return reference_document()

"""/users (admins) and /me: user accounts, roles and API tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.permissions import require_admin
from gxtrack.readmodels.users.queries import all_users
from web.api.base import ApiBlueprint, actor, rt, run
from web.api.schemas.admin import (
    MeSchema,
    RoleChangeSchema,
    TokenSchema,
    UserCreateSchema,
    UserListSchema,
    UserSchema,
)

blp = ApiBlueprint("users", __name__, url_prefix="", description="用户 Users")


@blp.route("/me")
class Me(MethodView):
    """The caller."""

    @blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """当前用户 Who the token belongs to."""
        me = actor()
        return {
            "name": me.name,
            "role": me.role.value,
            "role_label": me.role.label,
            "zone": me.zone,
        }


@blp.route("/users")
class Users(MethodView):
    """User admin."""

    @blp.response(200, UserListSchema)
    def get(self) -> dict[str, Any]:
        """用户列表 Every user (admins)."""
        require_admin(actor(), "查看用户")
        items = [{**r, "active": bool(r["active"])} for r in all_users(rt().db)]
        return {"items": items, "total": len(items)}

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """新增用户 Add a user (admins)."""
        return run(rt().app.add_user, **body)


@blp.route("/users/<name>/role")
class UserRole(MethodView):
    """Role changes."""

    @blp.arguments(RoleChangeSchema)
    @blp.response(200, UserSchema)
    def post(self, body: dict[str, Any], name: str) -> dict[str, Any]:
        """变更角色 Change a user's role or zone (admins)."""
        return run(rt().app.change_role, name, **body)


@blp.route("/users/<name>/deactivate")
class Deactivate(MethodView):
    """Deactivation: the user's tokens stop working at once."""

    @blp.response(200, UserSchema)
    def post(self, name: str) -> dict[str, Any]:
        """停用 Deactivate a user (admins)."""
        return run(rt().app.set_active, name, False)


@blp.route("/users/<name>/reactivate")
class Reactivate(MethodView):
    """Reactivation."""

    @blp.response(200, UserSchema)
    def post(self, name: str) -> dict[str, Any]:
        """启用 Reactivate a user (admins)."""
        return run(rt().app.set_active, name, True)


@blp.route("/users/<name>/tokens")
class Tokens(MethodView):
    """API tokens."""

    @blp.response(201, TokenSchema)
    def post(self, name: str) -> dict[str, Any]:
        """签发令牌 Issue an API token for an active user (admins)."""
        require_admin(actor(), "签发令牌")
        user = rt().app.find_user(name)
        if not user.active:
            from gxtrack.errors import RuleViolationError

            raise RuleViolationError("用户已停用", "name")
        return {"name": user.name, "token": rt().accounts.issue_token(user.name)}

"""Schemas of the pool summary, reference data and user admin endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.users import Role
from web.api.schemas.fields import Day, Text, choice, code_text
from web.api.schemas.milestones import MilestoneNodeSchema

ROLES = [r.value for r in Role]


class SummaryArgsSchema(Schema):
    """GET /pool/summary query."""

    as_of = Day()
    industry = code_text()
    zone = code_text()
    officer = Text(validate=validate.Length(max=80))


class BucketSchema(Schema):
    """Count and exact investment (万元, string) of a group."""

    count = fields.Integer()
    investment = fields.String()


class SummarySchema(Schema):
    """The pool by stage, industry and zone."""

    as_of = fields.String(allow_none=True)
    by_stage = fields.Dict(keys=fields.String(), values=fields.Nested(BucketSchema))
    by_industry = fields.Dict(keys=fields.String(), values=fields.Nested(BucketSchema))
    by_zone = fields.Dict(keys=fields.String(), values=fields.Nested(BucketSchema))
    total = fields.Nested(BucketSchema)


class CodeNameSchema(Schema):
    """A code and its Chinese name."""

    code = fields.String()
    name = fields.String()
    rank = fields.Integer()


class ReferenceSchema(Schema):
    """Every code the other endpoints accept."""

    industries = fields.List(fields.Nested(CodeNameSchema))
    zones = fields.List(fields.Nested(CodeNameSchema))
    stages = fields.List(fields.Nested(CodeNameSchema))
    designations = fields.List(fields.Nested(CodeNameSchema))
    roles = fields.List(fields.Nested(CodeNameSchema))
    priorities = fields.List(fields.Nested(CodeNameSchema))
    milestones = fields.List(fields.Nested(MilestoneNodeSchema))
    version = fields.Integer()


class EntryCreateSchema(Schema):
    """POST /reference/<kind>."""

    code = Text(required=True, validate=validate.Length(max=40))
    name = Text(required=True, validate=validate.Length(max=60))


class EntryRenameSchema(Schema):
    """POST /reference/<kind>/<code>."""

    name = Text(required=True, validate=validate.Length(max=60))


class UserCreateSchema(Schema):
    """POST /users."""

    name = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9_.-]{3,32}$",
            error="用户名须为 3–32 个字符，只能包含小写字母、数字和 _ . -",
        ),
        metadata={"minLength": 3, "maxLength": 32},
    )
    role = choice(ROLES, "未知角色: {input}", required=True)
    zone = code_text(allow_none=True)
    display_name = Text(validate=validate.Length(max=80))
    email = Text(validate=validate.Length(max=200))


class RoleChangeSchema(Schema):
    """POST /users/<name>/role."""

    role = choice(ROLES, "未知角色: {input}", required=True)
    zone = code_text(allow_none=True)


class UserSchema(Schema):
    """A user (never any secret)."""

    name = fields.String()
    role = fields.String()
    role_label = fields.String()
    zone = fields.String(allow_none=True)
    display_name = fields.String()
    email = fields.String()
    active = fields.Boolean()
    version = fields.Integer()


class UserListSchema(Schema):
    """GET /users."""

    items = fields.List(fields.Nested(UserSchema))
    total = fields.Integer()


class TokenSchema(Schema):
    """A newly issued API token, shown once."""

    name = fields.String()
    token = fields.String()


class MeSchema(Schema):
    """The caller."""

    name = fields.String()
    role = fields.String()
    role_label = fields.String()
    zone = fields.String(allow_none=True)

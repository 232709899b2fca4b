"""Schemas of the ledger import endpoint (multipart upload, preview/result body)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


def upload_encoding(example: str) -> dict:
    """The OpenAPI request body part saying the `file` part's name needs its
    extension (.xlsx or .csv): the server reads the format from it."""
    disposition = f'form-data; name="file"; filename="{example}"'
    header = {"schema": {"type": "string", "example": disposition}}
    part = {"file": {"headers": {"Content-Disposition": header}}}
    return {"requestBody": {"content": {"multipart/form-data": {"encoding": part}}}}


class ImportArgsSchema(Schema):
    """POST /imports/ledger query: a dry run unless `dry_run=false`."""

    dry_run = fields.Boolean(load_default=True)


class ImportFormSchema(Schema):
    """POST /imports/ledger multipart form (the file itself is the part `file`)."""

    file = fields.Raw(metadata={"type": "string", "format": "binary"})
    mapping = fields.String(
        validate=validate.Length(max=20000),
        metadata={"description": '表头映射 JSON {"表头": "字段"}'},
    )
    sheet = fields.String(validate=validate.Length(max=100))
    save_mapping = fields.Boolean(load_default=False)


class ProblemSchema(Schema):
    """One problem at a spreadsheet row and column."""

    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class RowPlanSchema(Schema):
    """What importing one row does."""

    row = fields.Integer()
    name = fields.String()
    investor = fields.String()
    action = fields.String()
    project_id = fields.String(allow_none=True)
    steps = fields.List(fields.String())
    differences = fields.List(fields.String())
    problems = fields.List(fields.Nested(ProblemSchema))


class ImportResultSchema(Schema):
    """The preview (dry run) or the import's result."""

    file = fields.String()
    sha256 = fields.String()
    sheet = fields.String()
    header_row = fields.Integer()
    encoding = fields.String(allow_none=True)
    columns = fields.Dict(keys=fields.String(), values=fields.String())
    unused_columns = fields.List(fields.String())
    ok = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    events = fields.Integer()
    problems = fields.List(fields.Nested(ProblemSchema))
    rows = fields.List(fields.Nested(RowPlanSchema))
    written = fields.Boolean()
    events_written = fields.Integer()
    seconds = fields.Float()

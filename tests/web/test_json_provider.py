"""The API's JSON is written by orjson and reads as Flask's own would."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid

from flask import Flask

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
)
from web.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


VALUE = {
    "名称": "【示例】智能装备项目",
    1: "a key that is not text",
    "day": datetime.date(2026, 1, 5),
    "at": datetime.datetime(2026, 1, 5, 3, 4, 5),
    "money": decimal.Decimal("1250.50"),
    "id": uuid.UUID(int=5),
    "pair": (1, 2),
    "point": Point(1, "甲"),
    "nothing": None,
    "ratio": 1.5,
    "flag": True,
}


def _written(app: Flask, debug: bool = False) -> bytes:
    app.debug = debug
    with app.app_context():
        return app.json.response(VALUE).get_data()


def test_the_bytes_are_flasks_own():
    flasks = Flask("flasks")
    flasks.json.sort_keys = False  # what the app set before orjson
    flasks.json.ensure_ascii = False
    ours = Flask("ours")
    ours.json = OrjsonProvider(ours)
    assert _written(ours) == _written(flasks)
    assert _written(ours, debug=True) == _written(flasks, debug=True)
    with ours.app_context(), flasks.app_context():
        assert ours.json.dumps(VALUE) == flasks.json.dumps(VALUE)


def test_the_app_answers_through_it(client):
    assert isinstance(client.application.json, OrjsonProvider)
    assert client.get("/healthz").get_data().endswith(b"}\n")

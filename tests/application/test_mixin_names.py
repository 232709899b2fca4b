"""No two use-case mixins of the Application define the same name."""

from __future__ import annotations

from gxtrack.app.application import GxTrack
from gxtrack.app.base import ServiceBase
from tests.mixin_names import defined_twice


def test_no_name_is_defined_by_two_mixins() -> None:
    mixins = [
        cls
        for cls in GxTrack.__mro__[1:]
        if issubclass(cls, ServiceBase) and cls is not ServiceBase
    ]
    assert defined_twice(mixins) == {}

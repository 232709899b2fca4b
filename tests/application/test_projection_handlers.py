"""Handlers are bound to event classes, and a wrong binding fails at start-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain.enterprise import Enterprise
from domain.project import InvestmentProject
from gxtrack.readmodels import default_projections
from gxtrack.readmodels.engine.projection import HandlerError, Projection, handles


class Signed(Projection):
    name = "signed"
    tables = ()
    ddl = ()

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []

    @handles(InvestmentProject.Signed, InvestmentProject.Landed)
    def moved(self, cur: Any, event: Any) -> None:
        self.seen.append(event)


def test_a_handler_is_found_by_its_event_class_not_its_name():
    projection = Signed()
    assert projection.route(InvestmentProject.Signed) == projection.moved
    assert projection.route(InvestmentProject.Landed) == projection.moved
    assert projection.route(InvestmentProject.Withdrawn) is None


def test_a_misspelt_event_class_fails_when_the_module_is_read():
    with pytest.raises(AttributeError):

        class Misspelt(Projection):
            @handles(InvestmentProject.Signd)  # type: ignore[attr-defined]
            def signed(self, cur: Any, event: Any) -> None: ...


def test_an_event_named_by_a_string_fails_when_the_projection_is_made():
    class ByName(Projection):
        @handles("InvestmentProject.Signed")  # type: ignore[arg-type]
        def signed(self, cur: Any, event: Any) -> None: ...

    with pytest.raises(HandlerError, match="not an event"):
        ByName()


def test_a_method_named_like_a_handler_but_bound_to_nothing_fails():
    class OldStyle(Projection):
        def on_InvestmentProject_Signd(self, cur: Any, event: Any) -> None: ...

    with pytest.raises(HandlerError, match="on_InvestmentProject_Signd"):
        OldStyle()


def test_handles_with_no_event_fails():
    class Nothing(Projection):
        @handles()
        def signed(self, cur: Any, event: Any) -> None: ...

    with pytest.raises(HandlerError, match="names no event"):
        Nothing()


def test_two_handlers_for_one_event_fail():
    class Twice(Signed):
        @handles(InvestmentProject.Signed)
        def again(self, cur: Any, event: Any) -> None: ...

    with pytest.raises(HandlerError, match="two handlers"):
        Twice()


def test_latest_only_without_a_handler_fails():
    class Coalescing(Signed):
        latest_only = frozenset({Enterprise.Registered})

    with pytest.raises(HandlerError, match="latest_only"):
        Coalescing()


def test_every_read_model_binds_its_handlers():
    for projection in default_projections():
        named = [a for a in dir(projection) if a.startswith("on_")]
        assert len(projection.handlers) == len(named), projection.name
        for event_class, handler in projection.handlers.items():
            method = handler.__name__
            assert method == "on_" + event_class.__qualname__.replace(".", "_")


def test_money_is_shown_in_wan_without_needless_zeros():
    from gxtrack.readmodels.engine.projection import to_wan, to_yuan

    assert to_yuan(None) is None and to_wan(None) == "0"
    assert to_wan(to_yuan(Decimal("12.5"))) == "12.5"
    assert to_wan(to_yuan(Decimal("-0.0001"))) == "-0.0001"
    assert to_wan(to_yuan(Decimal("3"))) == "3"
    assert to_wan(1234567) == "123.4567"


def test_rebuilding_an_unknown_read_model_is_refused(runtime):
    with pytest.raises(ValueError, match="unknown projection: nope, nada"):
        runtime.projections.rebuild(["pool", "nope", "nada"])
    assert runtime.projections.positions()["pool"] == runtime.app.position()


def test_a_wrong_binding_names_the_projection_class_and_method():
    class OldStyle(Projection):
        def on_InvestmentProject_Signd(self, cur: Any, event: Any) -> None: ...

    with pytest.raises(HandlerError) as caught:
        OldStyle()
    assert str(caught.value) == (
        "OldStyle.on_InvestmentProject_Signd is bound to no event: @handles"
    )

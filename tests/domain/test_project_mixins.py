"""The project aggregate's concerns: each mixed in, no name defined twice."""

from __future__ import annotations

import importlib
import pkgutil

import domain
from domain.project import InvestmentProject
from domain.project_state import ProjectState
from tests.mixin_names import defined_twice


def concerns() -> list[type]:
    """The aggregate's mixins, one per concern, and the queries they share."""
    return [c for c in InvestmentProject.__mro__[1:] if issubclass(c, ProjectState)]


def test_every_concern_module_s_mixin_is_mixed_into_the_aggregate():
    written = set()
    for module in pkgutil.iter_modules(domain.__path__):
        if module.name.startswith("project_"):
            found = vars(importlib.import_module(f"domain.{module.name}")).values()
            written |= {
                c for c in found if isinstance(c, type) and issubclass(c, ProjectState)
            }
    assert len(written) > 1 and written == set(concerns())


def test_no_name_is_defined_by_two_concerns() -> None:
    assert defined_twice(concerns()) == {}

"""No two use-case mixins of the Application define the same name.

The Application is one class mixed in from a module per concern. A method or
attribute defined in two mixins silently resolves to the first in the MRO: once,
two mixins each had a private `_view`, and a 督办 command returned a project.
"""

from __future__ import annotations

from collections import defaultdict

from gxtrack.app.application import GxTrack
from gxtrack.app.base import ServiceBase

# Set on every subclass by eventsourcing's Application (its class name), or by
# Python itself: not defined by the mixin's author.
FRAMEWORK_SET = {"name", "__module__", "__qualname__", "__doc__", "__firstlineno__"}
FRAMEWORK_SET |= {"__static_attributes__", "__dict__", "__weakref__", "__annotations__"}


def test_no_name_is_defined_by_two_mixins() -> None:
    mixins = [
        cls
        for cls in GxTrack.__mro__[1:]
        if issubclass(cls, ServiceBase) and cls is not ServiceBase
    ]
    owners: defaultdict[str, list[str]] = defaultdict(list)
    for cls in mixins:
        for name in vars(cls):
            if name not in FRAMEWORK_SET:
                owners[name].append(cls.__name__)
    clashes = {name: who for name, who in owners.items() if len(who) > 1}
    assert clashes == {}

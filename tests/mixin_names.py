"""Names defined by more than one mixin of a class mixed from a module per concern.

A method or attribute defined in two mixins silently resolves to the first in
the MRO: once, two mixins each had a private `_view`, and a 督办 command
returned a project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

# Set on every class by Python itself, or on every Application subclass by
# eventsourcing (its class name): not defined by the mixin's author.
FRAMEWORK_SET = {"name", "__module__", "__qualname__", "__doc__", "__firstlineno__"}
FRAMEWORK_SET |= {"__static_attributes__", "__dict__", "__weakref__", "__annotations__"}


def defined_twice(mixins: Iterable[type]) -> dict[str, list[str]]:
    """Each name defined by two or more of `mixins`, with the mixins' names."""
    owners: defaultdict[str, list[str]] = defaultdict(list)
    for cls in mixins:
        for name in vars(cls):
            if name not in FRAMEWORK_SET:
                owners[name].append(cls.__name__)
    return {name: who for name, who in owners.items() if len(who) > 1}

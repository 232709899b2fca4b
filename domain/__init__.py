"""The gxtrack domain: aggregates, events and rules, with no I/O."""

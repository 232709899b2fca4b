"""gxtrack: event-sourced tracking of investment projects and enterprise tiers."""

__version__ = "0.1.0"

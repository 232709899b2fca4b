"""Milestone nodes and monthly completed investment, as the reports read them."""

"""`python -m gxtrack` runs the command line."""

from gxtrack.cli import entry

entry()

"""What a name or a short text may hold: printable text, read the way it is stored.

Control characters (terminal escapes, NUL, …) and the invisible characters that
reorder text on screen (bidirectional overrides, embeddings, isolates and
marks) are refused everywhere; long free text (a reason, a note) may also hold
line breaks and tabs. One rule for the web form, the API, the CLI and imports.
"""

from __future__ import annotations

import unicodedata

from domain.errors import RuleViolationError

# U+202A–202E embeddings/overrides, U+2066–2069 isolates, LRM/RLM/ALM marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
LINE_BREAKS = frozenset("\n\r\t")
# Categories never allowed: controls, surrogates, unassigned; line/paragraph
# separators break a one-line name as a newline would.
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


def refused_character(text: str, multiline: bool = False) -> str | None:
    """The first character `text` may not hold, or None when it is clean."""
    # Printable text (no control, format, separator other than the space,
    # surrogate, private or unassigned character) holds none of the refused
    # ones: one pass in C instead of a category lookup per character.
    if text.isprintable():
        return None
    return refused_one_by_one(text, multiline)


def refused_one_by_one(text: str, multiline: bool) -> str | None:
    """The rule itself, character by character (what the shortcut must agree with)."""
    for ch in text:
        if multiline and ch in LINE_BREAKS:
            continue
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in REFUSED_CATEGORIES:
            return ch
    return None


def clean_text(text: str, field: str, multiline: bool = False) -> str:
    """`text` unchanged, or a violation on `field` naming the refused character."""
    ch = refused_character(text, multiline)
    if ch is not None:
        raise RuleViolationError(
            f"不能包含控制字符或文字方向控制符 U+{ord(ch):04X}",
            field,
        )
    return text


def shown(text: str) -> str:
    """`text` with every refused character spelled as an escape (for terminals)."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in REFUSED_CATEGORIES
        else ch
        for ch in text
    )

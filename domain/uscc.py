"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from domain.errors import RuleViolationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(code: str, field: str = "uscc") -> str:
    """The code in upper case, or a RuleViolationError saying what is wrong."""
    text = (code or "").strip().upper()
    if len(text) != 18:
        raise RuleViolationError("统一社会信用代码必须为 18 位", field)
    bad = sorted({ch for ch in text if ch not in ALPHABET})
    if bad:
        raise RuleViolationError(f"统一社会信用代码含非法字符: {''.join(bad)}", field)
    if not text[2:8].isdigit():
        raise RuleViolationError("统一社会信用代码第 3–8 位应为行政区划码", field)
    if check_character(text[:17]) != text[17]:
        raise RuleViolationError("统一社会信用代码校验位错误", field)
    return text

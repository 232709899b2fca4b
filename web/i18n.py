"""Languages for the pages: Chinese by default, English by cookie or `?lang=en`.

Message ids are the Chinese texts themselves, so Chinese needs no catalog; the
English catalog lives in web/translations/en/LC_MESSAGES (messages.po, compiled
to messages.mo by `make translations`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g, has_app_context, request
from flask_babel import Babel, get_locale, get_translations

from domain.designations import Designation
from domain.stages import FORWARD, STAGE_LABELS_EN, Priority, Stage
from domain.users import Role

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT = "zh"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"

PRIORITY_EN = {
    "district": "District key",
    "city": "City key",
    "province": "Province key",
}
ROLE_EN = {
    "admin": "Administrator",
    "leader": "Section leader",
    "officer": "Investment officer",
    "viewer": "Viewer",
    "auditor": "Auditor",
}


def N_(message: str) -> str:
    """Mark a message for the catalog; it is translated where it is shown."""
    return message


def select_locale() -> str:
    """`?lang=` first, then the cookie, then Chinese."""
    for value in (request.args.get(COOKIE), request.cookies.get(COOKIE)):
        if value in LANGUAGES:
            return value
    return DEFAULT


def is_english() -> bool:
    """Whether the current request is rendered in English."""
    if not has_app_context():
        return str(get_locale()) == "en"
    if "gx_english" not in g:
        g.gx_english = str(get_locale()) == "en"
    return g.gx_english


def _translations() -> Any:
    """The request's catalog, found once: Flask-Babel finds it again for every
    message (a few context lookups each), which was a third of a page's time."""
    if not has_app_context():
        return get_translations()
    found = g.get("gx_translations")
    if found is None:
        found = g.gx_translations = get_translations()
    return found


def stage_label(code: str | None) -> str:
    """A stage's name in the current language."""
    if not code:
        return ""
    try:
        stage = Stage(code)
    except ValueError:
        return code
    return STAGE_LABELS_EN[stage] if is_english() else stage.label


def priority_label(code: str | None) -> str:
    """A priority's name in the current language."""
    try:
        priority = Priority(code or "")
    except ValueError:
        return code or ""
    return PRIORITY_EN[priority.value] if is_english() else priority.label


def role_label(code: str | Role) -> str:
    """A role's name in the current language."""
    role = Role(code)
    return ROLE_EN[role.value] if is_english() else role.label


def designation_label(code: str | None) -> str:
    """A designation's name (Chinese in both languages: they are official titles)."""
    try:
        return Designation(code or "").label
    except ValueError:
        return code or ""


def init_i18n(app: Flask) -> None:
    """Flask-Babel with the shipped catalogs and label helpers for templates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        stage_label=stage_label,
        stage_codes=tuple(stage.value for stage in Stage),
        # The stages a project passes through on the way to 投产.
        passing_stage_codes=tuple(stage.value for stage in FORWARD[:-1]),
        priority_label=priority_label,
        role_label=role_label,
        designation_label=designation_label,
        languages=LANGUAGES,
        current_locale=lambda: str(get_locale()),
    )

"""Reference data: the industries (产业) and zones (板块) projects are filed under.

One aggregate holds both lists so that a project's codes are checked against a
single consistent version. The district's real lists ship as the defaults.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.rules import required_text

REFERENCE_ID = uuid5(NAMESPACE_URL, "gxtrack:reference-data")
KINDS = ("industry", "zone")

# 吴中区 "3+3" industries: three leading, three emerging (2022 plan).
DEFAULT_INDUSTRIES = {
    "ngit": "新一代信息技术",
    "robotics": "机器人与智能制造",
    "biomed": "生物医药及大健康",
    "aerospace": "航空航天",
    "icv": "智能网联汽车",
    "green": "节能环保",
}
# The district's towns, streets and parks (镇、街道、园区).
DEFAULT_ZONES = {
    "wzedz": "吴中经济技术开发区",
    "taihu_newtown": "吴中太湖新城",
    "guoxiang": "郭巷街道",
    "yuexi": "越溪街道",
    "hengjing": "横泾街道",
    "chengnan": "城南街道",
    "changqiao": "长桥街道",
    "mudu": "木渎镇",
    "luzhi": "甪直镇",
    "xukou": "胥口镇",
    "linhu": "临湖镇",
    "dongshan": "东山镇",
    "guangfu": "光福镇",
    "jinting": "金庭镇（太湖生态岛）",
    "xiangshan": "香山街道",
    "tourism": "太湖国家旅游度假区",
}


class ReferenceData(Aggregate):
    """The industry and zone lists; the admin extends and renames entries."""

    @staticmethod
    def create_id() -> UUID:
        """There is one reference data aggregate per store."""
        return REFERENCE_ID

    @event("Created")
    def __init__(self, industries: dict[str, str], zones: dict[str, str]) -> None:
        self.industries = dict(industries)
        self.zones = dict(zones)

    @classmethod
    def with_defaults(cls) -> ReferenceData:
        """The district's shipped lists."""
        return cls(industries=DEFAULT_INDUSTRIES, zones=DEFAULT_ZONES)

    def entries(self, kind: str) -> dict[str, str]:
        """Code → Chinese name for `kind` ("industry" or "zone")."""
        if kind not in KINDS:
            raise RuleViolationError("类别必须是 industry 或 zone", "kind")
        return self.industries if kind == "industry" else self.zones

    def resolve(self, kind: str, value: str, field: str | None = None) -> str:
        """The code for `value`, given as a code or as its Chinese name."""
        entries = self.entries(kind)
        text = (value or "").strip()
        if text in entries:
            return text
        for code, name in entries.items():
            if name == text:
                return code
        label = "产业类别" if kind == "industry" else "落户板块"
        raise RuleViolationError(f"未知的{label}: {text}", field or kind)

    def add_entry(self, kind: str, code: str, name: str, actor: str) -> None:
        """Add a new code; codes are lowercase ASCII and never reused."""
        code = required_text(code, "code", 40).lower()
        name = required_text(name, "name", 60)
        if not code.replace("_", "").isalnum() or not code.isascii():
            raise RuleViolationError("代码只能包含字母、数字和下划线", "code")
        entries = self.entries(kind)
        if code in entries:
            raise RuleViolationError(f"代码已存在: {code}", "code")
        if name in entries.values():
            raise RuleViolationError(f"名称已存在: {name}", "name")
        self._add_entry(kind=kind, code=code, name=name, actor=actor)

    @event("EntryAdded")
    def _add_entry(self, kind: str, code: str, name: str, actor: str) -> None:
        self.entries(kind)[code] = name

    def rename_entry(self, kind: str, code: str, name: str, actor: str) -> None:
        """Give an existing code a new Chinese name; projects keep the code."""
        entries = self.entries(kind)
        if code not in entries:
            raise RuleViolationError(f"未知代码: {code}", "code")
        name = required_text(name, "name", 60)
        if name in entries.values() and entries[code] != name:
            raise RuleViolationError(f"名称已存在: {name}", "name")
        self._rename_entry(
            kind=kind, code=code, before=entries[code], after=name, actor=actor
        )

    @event("EntryRenamed")
    def _rename_entry(
        self, kind: str, code: str, before: str, after: str, actor: str
    ) -> None:
        self.entries(kind)[code] = after

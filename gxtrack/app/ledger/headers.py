"""Ledger column headers: the fields gxtrack reads, their synonyms, saved mappings.

Bureaus title their columns differently (项目名称/项目, 所属板块/落户板块, 总投资
（万元）/总投资额). A header is matched after folding full-width forms, dropping
spaces, line breaks and "*" marks, and setting its unit aside: "总投资（亿元）"
is the investment column with values in 亿元. Headers no synonym covers are
mapped once by the user; the mapping is saved in the database for later imports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from gxtrack.app.ledger.values import normalize
from gxtrack.infra.db import Database

# field → (Chinese label, synonyms). The label is itself a synonym.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("项目名称", ("项目", "项目名", "项目全称")),
    "investor": (
        "投资方",
        ("投资主体", "投资企业", "投资单位", "投资商", "签约企业", "企业名称"),
    ),
    "industry": ("产业类别", ("产业", "行业", "所属产业", "产业分类", "行业类别")),
    "zone": (
        "落户板块",
        ("所属板块", "板块", "落户地", "所在板块", "属地板块", "落户区域"),
    ),
    "investment": (
        "总投资（万元）",
        ("总投资", "总投资额", "计划总投资", "投资额", "投资总额", "协议投资额"),
    ),
    "negotiating_on": ("入库日期", ("登记日期", "洽谈日期", "对接日期")),
    "signed_on": ("签约日期", ("签约时间",)),
    "landed_on": ("开工日期", ("落地日期", "开工时间", "落地时间", "落地开工日期")),
    "producing_on": ("投产日期", ("投产时间",)),
    "withdrawn_on": ("终止日期", ("终止时间",)),
    "withdraw_reason": ("终止原因", ("终止理由",)),
    "officer": ("责任人", ("负责人", "招商专员", "跟踪责任人", "项目责任人")),
    "planned_signed": ("计划签约日期", ("计划签约时间", "计划签约")),
    "planned_landed": (
        "计划开工日期",
        ("计划落地日期", "计划开工时间", "计划开工", "计划落地"),
    ),
    "planned_producing": ("计划投产日期", ("计划投产时间", "计划投产")),
    "progress": ("推进情况", ("进展情况", "最新进展", "项目进展", "推进情况说明")),
    "progress_on": ("进展日期", ("更新日期", "填报日期")),
    "priority": ("重点级别", ("项目级别", "重点项目级别", "级别")),
    "land_area": ("用地亩数", ("用地面积", "用地", "亩数", "用地规模")),
}
# Milestone nodes (节点) other than the stage gates (开工 and 投产 are the stage
# date columns): a planned-date and a done-date column each.
NODE_LABELS = {
    "filing": "立项备案",
    "land": "土地摘牌",
    "energy_review": "能评",
    "env_review": "环评",
    "planning_permit": "规划许可",
    "construction_permit": "施工许可",
    "statistics": "入库纳统",
    "structure_done": "主体竣工",
    "equipment": "设备进场",
    "full_capacity": "达产",
    "above_scale": "上规",
}
for _code, _name in NODE_LABELS.items():
    FIELDS[f"node_{_code}_done"] = (
        f"{_name}日期",
        (f"{_name}完成日期", f"{_name}时间", f"{_name}完成时间"),
    )
    FIELDS[f"node_{_code}_planned"] = (
        f"{_name}计划日期",
        (f"计划{_name}日期", f"计划{_name}时间", f"{_name}计划时间"),
    )
FIELDS["invest_month"] = ("完成投资月份", ("投资月份", "报送月份", "统计月份"))
FIELDS["invest_amount"] = ("月度完成投资（万元）", ("完成投资", "当月完成投资"))
REQUIRED = ("name", "investor", "industry", "zone", "investment")
IGNORED = {"序号", "编号", "备注"}
SCALES = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
_UNIT = re.compile(r"[(\[]\s*(亿元|万元|元|亩)\s*[)\]]$")


def fold(header: str) -> str:
    """A header reduced for matching: NFKC, no spaces, no '*' marks."""
    return normalize(header).replace(" ", "").replace("*", "").replace("※", "")


def split_unit(header: str) -> tuple[str, str | None]:
    """('总投资', '亿元') for '总投资（亿元）'; the unit is None when absent."""
    text = fold(header)
    match = _UNIT.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


SYNONYMS: dict[str, str] = {}
for _field, (_label, _others) in FIELDS.items():
    for _name in (_label, *_others):
        SYNONYMS[split_unit(_name)[0]] = _field


def label(field: str) -> str:
    """The field's Chinese column name."""
    return FIELDS[field][0]


def field_for(name: str) -> str | None:
    """The field a mapping value names: a field code or its Chinese label."""
    if name in FIELDS:
        return name
    return SYNONYMS.get(split_unit(name)[0])


@dataclass(frozen=True)
class Column:
    """One spreadsheet column the import reads."""

    index: int
    header: str
    field: str
    scale: Decimal = Decimal(1)


def match_headers(
    headers: list[str], mapping: dict[str, str] | None = None
) -> tuple[dict[str, Column], list[str], list[str]]:
    """Columns by field, headers left unused, and problems (as messages)."""
    custom = {fold(k): v for k, v in (mapping or {}).items()}
    columns: dict[str, Column] = {}
    unused: list[str] = []
    problems: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        base, unit = split_unit(header)
        if fold(header) in custom or base in custom:
            target = custom.get(fold(header), custom.get(base, ""))
            field = field_for(target) if target else None
            if target and field is None:
                problems.append(f"映射文件中的字段未知: {header} → {target}")
                continue
        else:
            field = SYNONYMS.get(base)
        if field is None:
            if base not in IGNORED:
                unused.append(header)
            continue
        if field in columns:
            first = columns[field].header
            problems.append(f"列「{header}」与列「{first}」都对应{label(field)}")
            continue
        money = field in ("investment", "invest_amount")
        scale = SCALES.get(unit or "", Decimal(1)) if money else 1
        columns[field] = Column(index, header, field, Decimal(scale))
    return columns, unused, problems


def missing_required(columns: dict[str, Column]) -> list[str]:
    """Chinese names of required fields no column provides."""
    return [label(f) for f in REQUIRED if f not in columns]


def load_mapping_file(text: str) -> dict[str, str]:
    """A mapping from JSON text: {"表头": "字段代码或中文字段名"}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"映射文件不是有效的 JSON: {error.msg}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError('映射文件应为 {"表头": "字段"} 形式的 JSON 对象')
    for header, target in data.items():
        if target and field_for(target) is None:
            raise ValueError(f"映射文件中的字段未知: {header} → {target}")
    return data


class MappingStore:
    """Saved header mappings, kept in the database so every process sees them.

    Their table, `ledger_mappings`, is made by the versioned migrations.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, name: str = "default") -> dict[str, str]:
        """The saved mapping (empty when none was saved)."""
        row = self.db.fetchone(
            "SELECT mapping FROM ledger_mappings WHERE name = ?", (name,)
        )
        return json.loads(row["mapping"]) if row else {}

    def save(self, mapping: dict[str, Any], actor: str, name: str = "default") -> None:
        """Replace the saved mapping."""
        text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        now = datetime.now(UTC).isoformat()
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO ledger_mappings (name, mapping, saved_by, saved_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " mapping = excluded.mapping, saved_by = excluded.saved_by,"
                " saved_at = excluded.saved_at",
                (name, text, actor, now),
            )

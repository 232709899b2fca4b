"""The sample data set: a district-shaped pool of projects and enterprises.

Everything here is SAMPLE DATA (示例数据): names carry the 【示例】 mark, credit
codes are made up (valid check characters, no real registrations) and dates are
relative to today so that stages, stalls and expiries look alive.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from domain.clock import today as bureau_today
from domain.enterprise import Enterprise
from domain.permissions import SYSTEM
from domain.project import InvestmentProject
from domain.project_fields import PLANNED_KEYS
from domain.uscc import ALPHABET, check_character
from domain.users import User
from gxtrack.app.demo_tiers import load_tier_demo

MARK = "【示例】"
# Addresses under example.org (reserved for examples, RFC 2606): the weekly
# scan queues real digests for them, and no real mailbox ever receives one.
SAMPLE_USERS = (
    ("admin", "admin", None, "示例管理员"),
    ("leader", "leader", None, "示例分管领导"),
    ("officer_wzedz", "officer", "wzedz", "示例招商专员（经开区）"),
    ("officer_mudu", "officer", "mudu", "示例招商专员（木渎）"),
    ("officer", "officer", None, "示例招商专员"),
    ("auditor", "auditor", None, "示例审计"),
    ("viewer", "viewer", None, "示例只读用户"),
)
MAIL_DOMAIN = "example.org"
PROJECT_THEMES = {
    "ngit": [
        "工业互联网平台",
        "信创软件研发中心",
        "集成电路封测",
        "数据中心",
        "5G 模组",
    ],
    "robotics": ["工业机器人整机", "伺服电机", "智能装备产业化", "精密减速器"],
    "biomed": ["创新药研发生产基地", "医疗器械产业化", "体外诊断试剂", "中医药大健康"],
    "aerospace": ["航空零部件精密制造", "卫星导航终端", "航空复合材料"],
    "icv": ["智能网联汽车测试基地", "车规级芯片", "自动驾驶域控制器"],
    "green": ["储能电池", "节能装备", "资源综合利用", "光伏组件"],
}
INVESTORS = [
    "苏州某科技集团有限公司",
    "上海某智能装备股份有限公司",
    "深圳某新能源有限公司",
    "北京某生物医药有限公司",
    "杭州某数字科技有限公司",
    "南京某航空科技有限公司",
    "宁波某精密机械有限公司",
    "合肥某半导体有限公司",
    "广州某医疗器械有限公司",
    "无锡某环保科技有限公司",
]
# Invented names: no real company is given a designation it may not hold.
ENTERPRISES = [
    ("苏州云岫智能装备有限公司", "robotics", "wzedz", ["innovative_sme", "srdi"]),
    (
        "苏州澄湖精密电子有限公司",
        "ngit",
        "dongshan",
        ["innovative_sme", "srdi", "little_giant"],
    ),
    (
        "苏州青枫机器人科技有限公司",
        "robotics",
        "wzedz",
        ["srdi", "little_giant", "single_champion"],
    ),
    (
        "苏州松涛电驱动技术有限公司",
        "robotics",
        "mudu",
        ["innovative_sme", "srdi", "little_giant"],
    ),
    ("苏州星槎连接器有限公司", "ngit", "wzedz", ["srdi", "little_giant"]),
    ("苏州映湖光电检测有限公司", "ngit", "yuexi", ["innovative_sme", "srdi"]),
    ("苏州鹭洲智能家电有限公司", "robotics", "wzedz", ["innovative_sme"]),
    ("苏州灵岩生物制药有限公司", "biomed", "luzhi", ["innovative_sme"]),
]


def sample_uscc(rng: random.Random) -> str:
    """A made-up credit code for Wuzhong (320506) with a valid check character."""
    body = "91320506" + "".join(rng.choice(ALPHABET[:10]) for _ in range(9))
    return body + check_character(body)


def _stage_path(rng: random.Random, today: date) -> list[tuple[str, date]]:
    """A plausible sequence of (stage, date) ending no later than today."""
    start = today - timedelta(days=rng.randint(20, 900))
    path = [("negotiating", start)]
    day = start
    for stage in PLANNED_KEYS:
        if rng.random() < 0.35:
            break
        day = day + timedelta(days=rng.randint(30, 260))
        if day > today:
            break
        path.append((stage, day))
    return path


def _report_investment(
    project: InvestmentProject,
    reached: dict[str, date],
    officer: str,
    today: date,
    rng: random.Random,
) -> None:
    """完成投资 for each month since 开工 (at most 18): about a 24th of the plan."""
    started = reached.get("landed")
    if started is None:
        return
    planned = float(project.planned_investment)
    now = today.year * 12 + today.month - 1  # months counted from year 0
    first = max(started.year * 12 + started.month - 1, now - 17)
    for index in range(first, now + 1):
        amount = round(planned / 24 * rng.uniform(0.5, 1.5))
        if amount > 0:
            month = f"{index // 12:04d}-{index % 12 + 1:02d}"
            project.report_investment(
                month, amount, officer, "示例：月度完成投资", today=today
            )


def load_demo(
    runtime, password: str, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Load the sample set once; returns lines describing what was loaded."""
    app = runtime.app
    if app.exists(User.create_id("leader")):
        return ["示例数据已存在，未重复载入"]
    rng = random.Random(2022)
    # Its own draws: the investment months leave the projects as they were.
    money = random.Random(2023)
    today = bureau_today()
    reference = app.reference()
    for name, role, zone, display in SAMPLE_USERS:
        email = f"{name}@{MAIL_DOMAIN}"
        app.save(User.add(name, role, SYSTEM, zone, display, email))
        runtime.accounts.set_password(name, password)
    enterprises = []
    for name, industry, zone, ladder in ENTERPRISES:
        ent = Enterprise.register(
            uscc=sample_uscc(rng),
            name=MARK + name,
            actor=SYSTEM,
            industry=industry,
            zone=zone,
        )
        certified = today - timedelta(days=rng.randint(400, 1500))
        for level in ladder:
            ent.award(
                level,
                certified,
                "leader",
                document_no=f"示例-{rng.randint(100, 999)}",
                batch=f"{certified.year}年第一批",
                today=today,
            )
            certified = min(today, certified + timedelta(days=rng.randint(200, 400)))
        enterprises.append(ent)
    app.save(*enterprises)
    load_tier_demo(app, enterprises, today)
    officers = [u for u in SAMPLE_USERS if u[1] == "officer"]
    zones = list(reference.zones)
    total = 60
    batch: list[InvestmentProject] = []
    for n in range(total):
        industry = rng.choice(list(PROJECT_THEMES))
        officer, _, officer_zone, _ = rng.choice(officers)
        zone = officer_zone or rng.choice(zones)
        path = _stage_path(rng, today)
        opening = path[0]
        project = InvestmentProject.register(
            name=f"{MARK}{rng.choice(PROJECT_THEMES[industry])}项目（{n + 1:02d}）",
            investor=rng.choice(INVESTORS),
            industry=industry,
            zone=zone,
            planned_investment=rng.choice(
                [3000, 5000, 8000, 12000, 20000, 50000, 150000]
            )
            + rng.randint(0, 99) * 10,
            officer=officer,
            actor=officer,
            reference=reference,
            stage=opening[0],
            stage_date=opening[1],
            priority=rng.choice(["district", "district", "city", "province"]),
            planned_dates={"landed": path[-1][1] + timedelta(days=rng.randint(60, 400))}
            if len(path) < 3
            else None,
            enterprise_id=rng.choice(enterprises).id if rng.random() < 0.25 else None,
            today=today,
        )
        for stage, day in path[1:]:
            project.move(stage, day, officer, today=today)
        if rng.random() < 0.4:
            project.report_progress(
                min(today, path[-1][1] + timedelta(days=15)),
                "示例：已完成项目对接，正在推进用地/厂房落实。",
                officer,
                today=today,
            )
        _report_investment(project, dict(path), officer, today, money)
        if rng.random() < 0.06 and project.stage.value != "producing":
            project.withdraw(
                today, "示例：投资方战略调整，项目终止。", "leader", today=today
            )
        batch.append(project)
        if len(batch) == 20:
            app.save(*batch)
            batch.clear()
            if progress:
                progress(n + 1, total)
    app.save(*batch)
    if progress:
        progress(total, total)
    runtime.wait_for_read_models()
    # This week's scan, as the scheduler would run it: the stalled list, the
    # alerts and the digests in the outbox are there from the start.
    scanned = app.scan_and_mail(today)
    names = ", ".join(u[0] for u in SAMPLE_USERS)
    return [
        f"已载入示例数据：{total} 个项目，{len(enterprises)} 家企业，{len(SAMPLE_USERS)} 个用户",
        f"示例用户: {names}（密码: {password}；邮箱 用户名@{MAIL_DOMAIN}）",
        f"本周停滞扫描：预警 {len(scanned['scan']['flagged'])} 个，"
        f"预警邮件 {len(scanned['digests']['queued'])} 封",
    ]

"""The weekly stalled-project digest (停滞项目周报): one mail per officer, one to leaders.

Each officer gets the stalled projects they are responsible for; the leaders get
one mail with all of them. Every mail is Chinese, HTML plus plain text, with the
list attached as an .xlsx workbook. The leaders' mail also lists the designations
due for re-review within 90 days (gxtrack.app.digest_reviews). Digests are queued in
the outbox (ids derived from the week and recipient, so a week is queued once) and then delivered.
DigestService holds these use cases; the workbook and the mail are composed here too.
"""

from __future__ import annotations

import io
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from openpyxl import Workbook

from domain.permissions import Actor
from gxtrack.app.base import ServiceBase
from gxtrack.app.digest_reviews import REVIEW_DAYS, REVIEWS
from gxtrack.app.digest_supervision import OVERDUE, overdue_rows
from gxtrack.app.people import People
from gxtrack.app.reports.cells import write_table
from gxtrack.infra.mailer import sender
from gxtrack.readmodels.alerts.queries import list_scans, list_stalled
from gxtrack.readmodels.enterprises.queries import due_for_review
from gxtrack.readmodels.pool.queries import project_labels
from gxtrack.readmodels.supervision.queries import overdue as overdue_supervisions
from gxtrack.readmodels.users.queries import active_recipients

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("预警级别", "level_label"),
    ("项目名称", "name"),
    ("投资方", "investor"),
    ("所处阶段", "stage_label"),
    ("阶段日期", "stage_date"),
    ("停留天数", "days_in_stage"),
    ("阈值（天）", "threshold"),
    ("预警规则", "rule_label"),
    ("责任人", "officer_name"),
    ("本周新增", "new_label"),
    ("回复", "answer_label"),
    ("督办", "escalation_label"),
)


def workbook(
    items: list[dict[str, Any]],
    week: str,
    reviews: list[dict[str, Any]] | None = None,
    late: list[dict[str, Any]] | None = None,
) -> bytes:
    """The list as an .xlsx file (and the re-reviews due, on a second sheet)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"停滞项目 {week}"
    write_table(
        sheet,
        [title for title, _ in COLUMNS],
        ([item.get(key) for _, key in COLUMNS] for item in items),
    )
    if reviews:
        REVIEWS.add_sheet(book, reviews)
    if late:
        OVERDUE.add_sheet(book, late)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _decorate(
    items: list[dict[str, Any]], new_ids: set[str], people: People | None = None
) -> list[dict]:
    people = people or People({})
    rows = []
    for item in items:
        alert = item.get("alert") or {}
        rows.append(
            {
                **item,
                "officer_name": people(item["officer"]),
                "new_label": "是" if item["project_id"] in new_ids else "",
                "answer_label": "已回复" if alert.get("answered_at") else "未回复",
                "escalation_label": "已督办" if alert.get("escalated_at") else "",
            }
        )
    return rows


def compose(
    smtp: dict[str, str],
    to: list[str],
    greeting: str,
    items: list[dict[str, Any]],
    week: str,
    as_of: str,
    reviews: list[dict[str, Any]] | None = None,
    cleared: list[dict[str, Any]] | None = None,
    late: list[dict[str, Any]] | None = None,
) -> EmailMessage:
    """One digest: subject, plain text, HTML and the .xlsx attachment.

    `cleared`: the projects stalled at the previous scan and no longer (本周已解除).
    """
    red = sum(1 for i in items if i["level"] == "red")
    reviews = reviews or []
    subject = f"【停滞项目预警】{week} 停滞项目 {len(items)} 个（红色 {red} 个）"
    if reviews:
        subject += f"，待复核称号 {len(reviews)} 项"
    late = late or []
    if late:
        subject += f"，超期督办 {len(late)} 件"
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender(smtp)
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="gxtrack.local")
    intro = f"{greeting}：截至 {as_of}（{week}），以下项目停滞，请及时回复原因、推进计划和下一检查节点。"
    if not items:
        intro = f"{greeting}：截至 {as_of}（{week}），没有停滞项目。"
    lines = [intro, ""]
    for i in items:
        lines.append(
            f"- [{i['level_label']}] {i['name']}｜{i['stage_label']}"
            f" {i['days_in_stage']} 天｜{i['rule_label']}｜责任人 {i.get('officer_name') or i['officer']}"
            f"｜{i['answer_label']}{'｜本周新增' if i['new_label'] else ''}"
        )
    cleared = cleared or []
    lines += ["", f"本周已解除（{len(cleared)} 个）："]
    lines += [
        f"- {c['name']}｜责任人 {c.get('officer_name') or c['officer']}"
        for c in cleared
    ] or ["- 无"]
    lines += REVIEWS.lines(reviews)
    lines += OVERDUE.lines(late)
    lines += ["", "明细见附件 Excel。此邮件由 gxtrack 自动发送。"]
    msg.set_content("\n".join(lines))
    extra = _cleared_html(cleared) + REVIEWS.html(reviews) + OVERDUE.html(late)
    msg.add_alternative(_html(intro, items, extra), subtype="html")
    msg.add_attachment(
        workbook(items, week, reviews, late),
        maintype="application",
        subtype=XLSX.split("/", 1)[1],
        filename=f"stalled-{week}.xlsx",
    )
    return msg


def _cleared_html(cleared: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<li>{escape(c['name'])}｜责任人 {escape(c.get('officer_name') or c['officer'] or '')}</li>"
        for c in cleared
    )
    return f"<h3>本周已解除（{len(cleared)} 个）</h3><ul>{rows or '<li>无</li>'}</ul>"


def _html(intro: str, items: list[dict[str, Any]], extra: str = "") -> str:
    head = "".join(f"<th>{escape(title)}</th>" for title, _ in COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(i.get(key) or ''))}</td>" for _, key in COLUMNS)
        + "</tr>"
        for i in items
    )
    table = (
        f'<table border="1" cellpadding="4" cellspacing="0"><thead><tr>{head}'
        f"</tr></thead><tbody>{body}</tbody></table>"
        if items
        else ""
    )
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>'
        f"<p>{escape(intro)}</p>{table}{extra}"
        "<p>明细见附件 Excel。此邮件由 gxtrack 自动发送。</p></body></html>"
    )


DIGEST_ROLES = ("officer", "leader")


class DigestService(ServiceBase):
    """The weekly scan with its digests, and the mail outbox they go through."""

    def scan_and_mail(
        self, as_of: date | None = None, mail: bool = True
    ) -> dict[str, Any]:
        """The weekly scan, then the digests queued and delivered (or kept pending)."""
        scan, created = self.run_stall_scan(Actor.system(), as_of)  # StalledService
        self.read_side.wait_for_read_models()
        result: dict[str, Any] = {"scan": scan, "created": created}
        if mail:
            result["digests"] = self.queue_stall_digests(scan)
            result["delivery"] = self.deliver_mail()
        return result

    def queue_stall_digests(self, scan: dict[str, Any]) -> dict[str, Any]:
        """Queue the week's digests for `scan`; {"queued": [...], "skipped": [...]}."""
        db = self.read_side.db
        week, as_of = scan["week"], scan["as_of"]
        listing = list_stalled(db, date.fromisoformat(as_of))["items"]
        people = People.load(db)
        items = _decorate(listing, {f["project_id"] for f in scan["flagged"]}, people)
        labels = project_labels(db, scan["cleared"])
        cleared = [
            {
                "project_id": pid,
                **labels[pid],
                "officer_name": people(labels[pid].get("officer")),
            }
            for pid in scan["cleared"]
            if pid in labels
        ]
        reviews = due_for_review(db, date.fromisoformat(as_of), REVIEW_DAYS)
        late = overdue_rows(overdue_supervisions(db, date.fromisoformat(as_of)))
        users = active_recipients(db)
        outbox = self.outbox
        smtp = outbox.smtp
        queued: list[str] = []
        skipped: list[str] = []

        def put(
            kind: str,
            recipient: str,
            to: list[str],
            greeting: str,
            rows: list,
            due: list | None = None,
            gone: list | None = None,
            overdue: list | None = None,
        ) -> None:
            msg = compose(smtp, to, greeting, rows, week, as_of, due, gone, overdue)
            key = str(uuid5(NAMESPACE_URL, f"gxtrack:digest:{week}:{kind}:{recipient}"))
            if outbox.queue(key, kind, week, recipient, msg):
                queued.append(recipient)

        for user in users:
            if user["role"] != "officer":
                continue
            mine = [i for i in items if i["officer"] == user["name"]]
            gone = [c for c in cleared if c["officer"] == user["name"]]
            if not mine and not gone:
                continue
            if not user["email"]:
                skipped.append(user["name"])
                continue
            put("officer", user["name"], [user["email"]], _name(user), mine, None, gone)
        leaders = [u for u in users if u["role"] == "leader"]
        addresses = [u["email"] for u in leaders if u["email"]]
        skipped += [u["name"] for u in leaders if not u["email"]]
        if addresses:
            put(
                "leaders",
                "leaders",
                addresses,
                "各位领导",
                items,
                reviews,
                cleared,
                late,
            )
        channels = self.queue_channel_digests(scan, items, cleared)  # type: ignore[attr-defined]
        return {
            "week": week,
            "queued": queued,
            "skipped": skipped,
            "channels": channels,
        }

    def deliver_mail(self) -> dict[str, int]:
        """Send every pending message; {"sent": n, "failed": n}."""
        return self.outbox.deliver()

    def pending_mail(self) -> list[dict[str, Any]]:
        """The messages not accepted by a server yet."""
        return self.outbox.pending()

    def mail_messages(self, limit: int = 100) -> list[dict[str, Any]]:
        """The queued and sent messages, newest first."""
        return self.outbox.messages(limit=limit)

    def mail_readiness(self) -> dict[str, Any]:
        """What decides whether digests get queued: the last scan, who has an address.

        {"last_scan": week or None, "with_email": [...], "without_email": [...]}
        over the active officers and leaders (the digests' only recipients).
        """
        db = self.read_side.db
        scans = list_scans(db, limit=1)["items"]
        users = [u for u in active_recipients(db) if u["role"] in DIGEST_ROLES]
        return {
            "last_scan": scans[0]["week"] if scans else None,
            "with_email": [u["name"] for u in users if u["email"]],
            "without_email": [u["name"] for u in users if not u["email"]],
        }

    def mail_message(self, message_id: str) -> EmailMessage | None:
        """One queued message as MIME, or None."""
        return self.outbox.message(message_id)


def _name(user: dict[str, Any]) -> str:
    return f"{user['display_name'] or user['name']}同志"

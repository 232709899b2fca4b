"""Backup and restore of the whole event log as JSON lines.

The file: a header line (format, version, app), one line per stored event with
its chain digest (state bytes in base64, so they come back byte for byte), and a
trailer with the count and the head digest. Export streams page by page; import
reads the file twice — first to check everything (format, order, each digest,
trailer) without writing, then to insert the same stored events in one
transaction — so a refused file writes nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import resolve_topic

from gxtrack.audit.chain import GENESIS, link_digest, state_bytes
from gxtrack.audit.verify import notifications
from gxtrack.errors import GxtrackError

FORMAT = "gxtrack-events"
FORMAT_VERSION = 1
Progress = Callable[[int, int], None]


class BackupFileError(GxtrackError):
    """The backup file cannot be restored (truncated, altered, newer, not ours)."""

    status = 422


def _line(n: Any, digest: str) -> str:
    return json.dumps(
        {
            "id": n.id,
            "originator_id": str(n.originator_id),
            "originator_version": n.originator_version,
            "topic": n.topic,
            "state": base64.b64encode(state_bytes(n.state)).decode("ascii"),
            "digest": digest,
        },
        ensure_ascii=False,
    )


def export_events(app: Any, out: IO[str], progress: Progress | None = None) -> dict:
    """Write every event recorded so far; returns the trailer (count, head)."""
    stop = app.recorder.max_notification_id() or 0
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": "gxtrack",
        "exported_at": datetime.now(UTC).isoformat(),
        "last_position": stop,
    }
    out.write(json.dumps(header) + "\n")
    digest, count, position = GENESIS, 0, 0
    for n in notifications(app, stop=stop) if stop else ():
        digest = link_digest(digest, n)
        out.write(_line(n, digest) + "\n")
        count, position = count + 1, n.id
        if progress and count % 5000 == 0:
            progress(position, stop)
    trailer = {
        "end": True,
        "count": count,
        "head": {"position": position, "digest": digest},
    }
    out.write(json.dumps(trailer) + "\n")
    if progress:
        progress(position, stop)
    return trailer


def _decode(number: int, text: str) -> dict[str, Any]:
    try:
        item = json.loads(text)
    except ValueError:
        raise BackupFileError(
            f"第 {number} 行不是完整的 JSON，文件可能被截断或损坏"
        ) from None
    if not isinstance(item, dict):
        raise BackupFileError(f"第 {number} 行格式错误")
    return item


def _notification(number: int, item: dict[str, Any]) -> Notification:
    try:
        return Notification(
            id=int(item["id"]),
            originator_id=UUID(item["originator_id"]),
            originator_version=int(item["originator_version"]),
            topic=str(item["topic"]),
            state=base64.b64decode(item["state"], validate=True),
        )
    except (KeyError, TypeError, ValueError):
        raise BackupFileError(f"第 {number} 行缺少字段或字段无效") from None


def _check_header(item: dict[str, Any]) -> None:
    if item.get("format") != FORMAT or item.get("app") != "gxtrack":
        raise BackupFileError("不是 gxtrack 事件导出文件")
    version = item.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupFileError(
            f"文件格式版本 {version} 高于本程序支持的 {FORMAT_VERSION}，"
            "请升级 gxtrack 后再导入"
        )


class BackupReader:
    """Iterates a backup file's events, checking everything on the way.

    After a full iteration, `count`, `head_position` and `head_digest` describe
    the file; any fault raises BackupFileError.
    """

    def __init__(self, path: Path, decode: Callable[[Any], Any] | None = None) -> None:
        self.path = path
        self.decode = decode
        self.count = 0
        self.head_position = 0
        self.head_digest = GENESIS

    def __iter__(self) -> Iterator[Notification]:
        digest, previous, known_topics = GENESIS, 0, set()
        count, trailer = 0, None
        with self.path.open(encoding="utf-8") as handle:
            first = handle.readline()
            if not first.strip():
                raise BackupFileError("文件为空")
            _check_header(_decode(1, first))
            for number, text in enumerate(handle, 2):
                if trailer is not None:
                    raise BackupFileError(f"结尾标记之后还有内容（第 {number} 行）")
                item = _decode(number, text)
                if item.get("end") is True:
                    trailer = item
                    continue
                n = _notification(number, item)
                if n.id <= previous:
                    raise BackupFileError(f"第 {number} 行顺序错误")
                if n.topic not in known_topics:
                    _check_topic(number, n.topic)
                    known_topics.add(n.topic)
                digest = link_digest(digest, n)
                if item.get("digest") != digest:
                    raise BackupFileError(f"第 {number} 行内容与摘要不符，文件被修改")
                if self.decode is not None:
                    _check_decodes(number, n, self.decode)
                previous, count = n.id, count + 1
                yield n
        if trailer is None:
            raise BackupFileError("文件缺少结尾标记，可能被截断")
        head = trailer.get("head") or {}
        if trailer.get("count") != count or head.get("digest") != digest:
            raise BackupFileError("结尾标记的数量或摘要与内容不符")
        self.count, self.head_position, self.head_digest = count, previous, digest


def _check_topic(number: int, topic: str) -> None:
    try:
        resolve_topic(topic)
    except Exception:  # noqa: BLE001 - whatever the failure, this code lacks it
        raise BackupFileError(
            f"第 {number} 行的事件类型本程序不认识: {topic}"
            "（文件可能来自更新版本的 gxtrack）"
        ) from None


def _check_decodes(number: int, n: Notification, decode: Callable) -> None:
    try:
        decode(n)
    except Exception:  # noqa: BLE001 - whatever the failure, this code cannot read it
        raise BackupFileError(
            f"第 {number} 行无法按本程序的事件定义解读"
            "（文件可能来自更新版本的 gxtrack）"
        ) from None


def check_file(
    path: Path,
    progress: Progress | None = None,
    decode: Callable[[Any], Any] | None = None,
) -> BackupReader:
    """Read the whole file once and check it (and that each event decodes)."""
    reader = BackupReader(path, decode)
    for done, _ in enumerate(reader, 1):
        if progress and done % 5000 == 0:
            progress(done, 0)
    return reader

"""Real data for the generated API cases: what an OpenAPI document cannot state.

A schema says "a UUID", "a date", "a string"; the API also needs the UUID of a
record that exists, a date on the right side of today, the code of an entry in
the reference data, the version a record is at now, a file in a format the
import reads. `Seeds` registers the records the operations act on (each
operation that changes a project gets a project of its own, in the state its
command needs), and `fix` turns a generated positive case into one aimed at
them, keeping every other generated value. Negative cases are left alone.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from domain.clock import today
from domain.enterprise import Enterprise
from domain.milestones import GATES
from domain.permissions import Actor
from domain.uscc import check_character
from domain.users import Role

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Dates the domain wants after today (a deadline, a checkpoint, an end of
# exemption, an expiry); every other business date is on or before today.
FUTURE_DATES = {"due_on", "checkpoint", "until", "expires_on"}
DAYS_BACK = 20  # past dates fall in the last 20 days: after the seeds' stage dates
LEDGER_CSV = (
    "项目名称,投资方,产业类别,落户板块,总投资（万元）,签约日期\n"
    "【示例】导入项目,【示例】导入投资方,robotics,mudu,1000,{day}\n"
)
ENTERPRISES_CSV = (
    "企业名称,统一社会信用代码,称号,批次,认定日期,证书编号\n"
    "【示例】导入企业,{uscc},创新型中小企业,第一批,{day},示-1\n"
)
# Amounts the agreement and yearly results take (万元): a number as text.
AMOUNTS = {"intensity", "tax_per_mu", "annual_output", "output", "tax", "investment"}
AMOUNT = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")
# Commands on a stall alert: their projects are flagged by the seeds' scan.
STALLED = ("answer", "escalate")
REGISTERED_AGO = 30  # the seed projects' stage date, before any past date drawn


def _spread(seed: str, span: int) -> int:
    """A stable number in [0, span) from a generated value (derandomized runs)."""
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % span


def uscc(seed: str) -> str:
    """A well-formed credit code (check character included) derived from `seed`."""
    digits = f"{_spread(seed, 10**8):08d}"
    first17 = f"9132{digits[:4]}MA{digits[4:]}XXX"[:17]
    return first17 + check_character(first17)


class Seeds:
    """The records the generated cases act on, registered once per run."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.leader = Actor("leader1", Role.LEADER)
        reference = self.app.reference()
        self.industries = sorted(reference.industries)
        self.zones = sorted(reference.zones)
        self.projects: dict[str, str] = {}
        self.enterprise = self.app.register_enterprise(
            self.leader, uscc("enterprise"), "【示例】企业"
        )["id"]
        self.app.award_designation(
            self.leader, self.enterprise, "srdi", today() - timedelta(days=60)
        )
        awards = self.app.load(Enterprise, self.enterprise).designations
        self.award = next(iter(awards))
        # Stalled before any generated case runs the week's scan (once a week).
        for command in STALLED:
            self.project(command, stage_date=today() - timedelta(days=400))
        self.app.run_stall_scan(self.leader)
        supervised = self.project("supervision")
        self.supervision = self.app.issue_supervision(
            self.leader, supervised, "限期推进", today() + timedelta(days=30)
        )["id"]
        runtime.wait_for_read_models()

    def project(self, key: str, **fields: Any) -> str:
        """A project of its own for `key` (registered on first use)."""
        if key not in self.projects:
            body = {
                "name": f"【示例】{key}项目",
                "investor": "【示例】某某科技有限公司",
                "industry": "robotics",
                "zone": "mudu",
                "planned_investment": "12000",
                "stage_date": today() - timedelta(days=REGISTERED_AGO),
                **fields,
            }
            self.projects[key] = self.app.register_project(self.leader, **body)["id"]
        return self.projects[key]

    def path_parameters(self, label: str, names: set[str]) -> dict[str, Any]:
        """Real ids (and codes) for an operation's path parameters."""
        found: dict[str, Any] = {}
        if "project_id" in names:
            found["project_id"] = self._project_for(label)
        if "enterprise_id" in names:
            found["enterprise_id"] = self.enterprise
        if "award_id" in names:
            found["award_id"] = self.award
        if "supervision_id" in names:
            found["supervision_id"] = self.supervision
        if "name" in names:
            found["name"] = "officer2"
        if "kind" in names and "code" in names:
            found.update(kind="industries", code=self.industries[0])
        elif "code" in names:
            found["code"] = "filing"  # a node of the default template, not a gate
        return found

    def _project_for(self, label: str) -> str:
        # Each command on a project gets one in the state it acts on; reads
        # share the plain one.
        command = label.rsplit("/", 1)[-1] if label.startswith("POST") else "read"
        if command == "reinstate":
            return self._withdrawn()
        if command in ("promises", "results"):
            return self.project(command, stage="signed")
        if command == "merge":
            self.project("survivor")
            return self.project("duplicate")
        return self.project(command)

    def _withdrawn(self) -> str:
        if "reinstate" not in self.projects:
            pid = self.project("reinstate")
            self.app.move_project(self.leader, pid, "withdrawn", today(), "撤资")
        return self.projects["reinstate"]

    # -- the case ----------------------------------------------------------

    def fix(self, case: Any) -> Any:
        """Aim a generated positive case at the seeds; other values stay."""
        project = (case.path_parameters or {}).get("project_id")
        label = case.operation.label
        if label.endswith("/imports/ledger") and isinstance(case.body, dict):
            case.body.setdefault("file", b"")  # a part the form schema cannot require
            case.body.pop("mapping", None)  # a JSON text: the headers are standard
        if label.endswith("/milestones/template") and isinstance(case.body, dict):
            case.body["nodes"] = self._with_gates(case.body.get("nodes") or [])
        if isinstance(case.body, dict):
            case.body = self._fixed(case.body, project, case.operation.label)
        if isinstance(case.query, dict):
            case.query = self._fixed(case.query, project, case.operation.label)
        return case

    def _fixed(self, data: dict[str, Any], project: str | None, label: str) -> Any:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out[key] = self._value(key, value, project, label)
        return out

    def _value(self, key: str, value: Any, project: str | None, label: str) -> Any:
        if isinstance(value, dict):
            return self._fixed(value, project, label)
        if isinstance(value, str) and DATE.match(value):
            return self._day(key, value).isoformat()
        if key == "expected_version" and isinstance(value, int):
            return self._version(project, label) or value
        if key == "industry" and isinstance(value, str):
            return self.industries[_spread(value, len(self.industries))]
        if key == "zone" and isinstance(value, str):
            return self.zones[_spread(value, len(self.zones))]
        if key == "uscc" and isinstance(value, str):
            return uscc(value)
        if key == "into":
            return self.projects["survivor"]
        if key == "enterprise_id" and value:
            return self.enterprise
        if key == "file":
            return self._file(label, str(value))
        if key in AMOUNTS and not (isinstance(value, str) and AMOUNT.match(value)):
            return str(_spread(str(value), 10**6))
        if key == "month" and isinstance(value, str):
            return self._month(value)
        if key == "amount" and not (isinstance(value, str) and AMOUNT.match(value)):
            return str(_spread(str(value), 10**6))
        if key == "year" and label.endswith("/results"):
            return today().year  # from the signing year to this one
        return value

    def _with_gates(self, nodes: list[Any]) -> list[Any]:
        # The template's gate nodes (开工, 投产) cannot be removed: keep them.
        current = self.app.milestone_template()["nodes"]
        codes = {n.get("code") for n in nodes if isinstance(n, dict)}
        gates = [n for n in current if n["code"] in GATES and n["code"] not in codes]
        return [*nodes, *gates]

    def _month(self, value: str) -> str:
        # A month reported is this one or one of the last twelve.
        first = today().replace(day=1)
        for _ in range(_spread(value, 12)):
            first = (first - timedelta(days=1)).replace(day=1)
        return first.strftime("%Y-%m")

    def _day(self, key: str, value: str) -> date:
        offset = _spread(value, DAYS_BACK)
        if key in FUTURE_DATES:
            return today() + timedelta(days=1 + offset)
        return today() - timedelta(days=offset)

    def _version(self, project: str | None, label: str) -> int | None:
        if project:
            return self.app.get_project(project)["version"]
        if "milestones/template" in label:
            return self.app.milestone_template()["version"]
        return None

    def _file(self, label: str, seed: str) -> bytes:
        day = (today() - timedelta(days=_spread(seed, DAYS_BACK))).isoformat()
        if "enterprises" in label:
            return ENTERPRISES_CSV.format(uscc=uscc(seed), day=day).encode()
        return LEDGER_CSV.format(day=day).encode()

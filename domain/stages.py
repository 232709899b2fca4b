"""Project stages: their order, Chinese labels and the event each move records."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """A project's lifecycle stage; the value is the API code."""

    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    LANDED = "landed"
    PRODUCING = "producing"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The stage's Chinese name."""
        return STAGE_LABELS[self]

    @property
    def rank(self) -> int:
        """Position on the forward path; withdrawn has none (-1)."""
        return FORWARD.index(self) if self in FORWARD else -1

    def next(self) -> Stage | None:
        """The next stage on the forward path, or None at the end or off it."""
        if self.rank < 0 or self.rank + 1 >= len(FORWARD):
            return None
        return FORWARD[self.rank + 1]


FORWARD = (Stage.NEGOTIATING, Stage.SIGNED, Stage.LANDED, Stage.PRODUCING)
OPENING_STAGES = (Stage.NEGOTIATING, Stage.SIGNED)
# Each stage code's rank, looked up without building the enum member: the stall
# judgement asks for every pool row a page or an export shows.
RANKS = {stage.value: stage.rank for stage in Stage}
STAGE_LABELS = {
    Stage.NEGOTIATING: "在谈",
    Stage.SIGNED: "签约",
    Stage.LANDED: "落地（开工）",
    Stage.PRODUCING: "投产",
    Stage.WITHDRAWN: "终止",
}
STAGE_LABELS_EN = {
    Stage.NEGOTIATING: "Negotiating",
    Stage.SIGNED: "Signed",
    Stage.LANDED: "Landed",
    Stage.PRODUCING: "Producing",
    Stage.WITHDRAWN: "Withdrawn",
}


class Priority(StrEnum):
    """重点级别: which government level tracks the project."""

    DISTRICT = "district"
    CITY = "city"
    PROVINCE = "province"

    @property
    def label(self) -> str:
        """The priority's Chinese name."""
        return {"district": "区级重点", "city": "市级重点", "province": "省级重点"}[
            self.value
        ]

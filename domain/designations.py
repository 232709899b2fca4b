"""Designations an enterprise can hold, and the cultivation ladder among them."""

from __future__ import annotations

from enum import StrEnum


class Designation(StrEnum):
    """A title awarded to an enterprise; the value is the API code."""

    INNOVATIVE_SME = "innovative_sme"
    SRDI = "srdi"
    LITTLE_GIANT = "little_giant"
    SINGLE_CHAMPION = "single_champion"
    HIGH_TECH = "high_tech"
    TECH_CENTER = "tech_center"
    DESIGN_CENTER = "design_center"
    SMART_WORKSHOP = "smart_workshop"
    SMART_FACTORY = "smart_factory"
    GREEN_FACTORY = "green_factory"
    CLOUD_STAR = "cloud_star"

    @property
    def label(self) -> str:
        """The designation's Chinese name."""
        return DESIGNATION_LABELS[self]

    @property
    def rank(self) -> int:
        """Height on the ladder (1 = lowest); 0 for designations off it."""
        return LADDER.index(self) + 1 if self in LADDER else 0


LADDER = (
    Designation.INNOVATIVE_SME,
    Designation.SRDI,
    Designation.LITTLE_GIANT,
    Designation.SINGLE_CHAMPION,
)
DESIGNATION_LABELS = {
    Designation.INNOVATIVE_SME: "创新型中小企业",
    Designation.SRDI: "专精特新中小企业",
    Designation.LITTLE_GIANT: "专精特新“小巨人”",
    Designation.SINGLE_CHAMPION: "制造业单项冠军",
    Designation.HIGH_TECH: "高新技术企业",
    Designation.TECH_CENTER: "省级企业技术中心",
    Designation.DESIGN_CENTER: "工业设计中心",
    Designation.SMART_WORKSHOP: "智能车间",
    Designation.SMART_FACTORY: "智能工厂",
    Designation.GREEN_FACTORY: "绿色工厂",
    Designation.CLOUD_STAR: "星级上云企业",
}
VALIDITY_YEARS = 3

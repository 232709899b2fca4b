"""Labels for what a correction changed in the monthly report."""

from __future__ import annotations

from web.i18n import N_

WHAT_LABELS = {
    "month_end_stage": N_("月末阶段"),
    "new_signed": N_("新签约"),
    "new_landed": N_("新落地（开工）"),
    "new_producing": N_("新投产"),
}

"""The explanation of a suggested status: every figure and mark, so a reader can redo the sum.

Takes the plain records ``goals.suggest`` returns (a goal's row and its KPIs' rows as dicts)
and writes a few lines in Swedish or English. Derived figures are Glokal's own analysis; only
the raw values come from Kolada, which the explanation says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babel.numbers import format_decimal

from glokal.analysis.goals import BANDS
from glokal.analysis.kpis import MIN_TREND_POINTS
from glokal.analysis.opensdg import OPENSDG_SCALE
from glokal.framework import GoalStatus
from glokal.i18n import N_, translator

LOCALES = {"sv": "sv_SE", "en": "en_GB"}

UNUSED_TEXT = {
    "no_value": N_("not used: no value"),
    "old_value": N_("not used: the latest value is too old"),
    "no_polarity": N_("not used: nobody has said whether higher or lower is better"),
    "no_mark": N_("not used: neither a position nor a trend"),
    "not_assessable": N_("not used: too few years, or values of both signs"),
}
REASON_TEXT = {
    "no_kpis": N_("The selection has no key figures for this goal."),
    "too_few_kpis": N_(
        "Too few key figures with usable data: at least half, and at least two, are needed."
    ),
}
VS_RIKET_TEXT = {
    "bättre": N_("better than Riket"),
    "i nivå": N_("level with Riket"),
    "sämre": N_("worse than Riket"),
}
PROGRESS_TEXT = {
    "target_achieved": N_("target achieved"),
    "on_track": N_("on track"),
    "moderate_progress": N_("progress, acceleration needed"),
    "limited_progress": N_("limited progress"),
    "deterioration": N_("deterioration"),
}
POSITION_MARK = {"bästa kvartilen": 1, "mittersta hälften": 0, "sämsta kvartilen": -1}
TREND_MARK = {"förbättring": 1, "oförändrad": 0, "försämring": -1}
GROUP_TEXT = {
    "kommungrupp": N_("in its kommungrupp {position} (rank {rank} of {n}, {worse} worse)"),
    "similar": N_("among similar kommuner {position} (rank {rank} of {n}, {worse} worse)"),
}
UNIT_TYPE_PLURAL = {"K": N_("kommuner"), "L": N_("regioner")}


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._ = translator(lang)
        self.locale = LOCALES.get(lang, "sv_SE")

    def number(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return "–"
        return format_decimal(round(value, digits), format="#,##0.##", locale=self.locale)

    def signed(self, value: float, digits: int = 2) -> str:
        rounded = round(value, digits)
        text = format_decimal(abs(rounded), format="0.##", locale=self.locale)
        return ("+" if rounded > 0 else "−" if rounded < 0 else "±") + text

    def percent(self, value: float) -> str:
        return self.signed(value * 100, 1) + " %"

    def text(self, texts: Mapping[str, str], key: str) -> str:
        """The translation of ``texts[key]`` (messages marked with N_ where they are defined)."""
        return self._(texts[key])

    def status(self, value: str) -> str:
        return value if self.lang == "sv" else self._(_STATUS_LABEL[value])


_STATUS_LABEL = {
    "god": "good",
    "neutral": "neutral",
    "utmaning": "challenge",
    "betydande utmaning": "significant challenge",
    "ej bedömd": "not assessed",
}
_TREND_LABEL = {
    "förbättring": "improving",
    "oförändrad": "unchanged",
    "försämring": "deteriorating",
    "data saknas": "no data",
}
_POSITION_LABEL = {
    "bästa kvartilen": "best quartile",
    "mittersta hälften": "middle half",
    "sämsta kvartilen": "worst quartile",
}


def _label(w: _Writer, labels: Mapping[str, str], value: str) -> str:
    return value if w.lang == "sv" else w._(labels[value])


def _default_line(w: _Writer, row: Mapping[str, Any], unit_type: str) -> str:
    _ = w._
    parts = []
    if row.get("position") is not None:
        plural = _(UNIT_TYPE_PLURAL.get(unit_type, "kommuner"))
        parts.append(
            _("{position} (rank {rank} of {n} {units}, {worse} worse) {mark}").format(
                position=_label(w, _POSITION_LABEL, row["position"]),
                rank=row["better"] + 1,
                n=row["compared"],
                worse=row["worse"],
                units=plural,
                mark=w.signed(POSITION_MARK[row["position"]]),
            )
        )
    trend = row.get("trend")
    if trend in TREND_MARK:
        parts.append(
            _("trend {first}–{last} {change} per year: {trend} {mark}").format(
                first=row["trend_first"],
                last=row["trend_last"],
                change=w.percent(row["change_per_year"]),
                trend=_label(w, _TREND_LABEL, trend),
                mark=w.signed(TREND_MARK[trend]),
            )
        )
    elif trend is not None:
        parts.append(_("trend: no data (fewer than {n} years)").format(n=MIN_TREND_POINTS))
    parts.append(_("score {score}").format(score=w.signed(row["score"])))
    context = [
        _(template).format(
            position=_label(w, _POSITION_LABEL, row[f"position_{group}"]),
            rank=row[f"better_{group}"] + 1,
            n=row[f"compared_{group}"],
            worse=row[f"worse_{group}"],
        )
        for group, template in GROUP_TEXT.items()
        if row.get(f"position_{group}") is not None
    ]
    if context:  # beside the score, not in it: comparisons a reader may want
        parts.append(_("for comparison: {context}").format(context=", ".join(context)))
    return "; ".join(parts)


def _opensdg_line(w: _Writer, row: Mapping[str, Any]) -> str:
    _ = w._
    measure = (
        _("ratio to the required growth {ratio}").format(ratio=w.number(row["ratio"]))
        if row.get("ratio") is not None
        else _("growth {cagr} per year").format(cagr=w.percent(row["cagr"] or 0.0))
    )
    return _("{base_year} {base} → {year} {value}; {measure}: {progress}; score {score}").format(
        base_year=row["base_year"],
        base=w.number(row["base_value"]),
        year=row["period"],
        value=w.number(row["value"]),
        measure=measure,
        progress=w.text(PROGRESS_TEXT, row["progress"]),
        score=w.signed(row["score"]),
    )


def explain(
    goal: Mapping[str, Any],
    kpis: Sequence[Mapping[str, Any]],
    *,
    method: str,
    unit_name: str,
    unit_type: str,
    goal_name: str,
    lang: str = "sv",
) -> str:
    """A goal's suggestion in words: the sum, each KPI's marks, the bands."""
    w = _Writer(lang)
    _ = w._
    lines = [
        _("Goal {goal} ({name}), {unit}, up to {year}: suggested status {status}.").format(
            goal=goal["goal"],
            name=goal_name,
            unit=unit_name,
            year=goal["reference_year"],
            status=w.status(goal["status"]),
        )
    ]
    if goal.get("reason") is not None:
        lines.append(w.text(REASON_TEXT, goal["reason"]))
    if goal["kpis_total"]:
        used = [k for k in kpis if k.get("score") is not None]
        if goal.get("score") is not None:
            total = sum(k["score"] for k in used)
            lines.append(
                _("Score {score} = {total} / {used} key figures ({used} of {all} usable).").format(
                    score=w.signed(goal["score"]),
                    total=w.signed(total),
                    used=len(used),
                    all=goal["kpis_total"],
                )
            )
        else:
            lines.append(
                _("{used} of {all} key figures usable.").format(
                    used=len(used), all=goal["kpis_total"]
                )
            )
    for kpi in kpis:
        head = "- {id} {title}".format(id=kpi["kpi"], title=kpi.get("title") or "")
        if kpi.get("value") is not None:
            riket = ""
            if kpi.get("riket_value") is not None and kpi["unit"] != "0000":
                riket = " " + _("(Riket {value}{comparison})").format(
                    value=w.number(kpi["riket_value"]),
                    comparison=", " + w.text(VS_RIKET_TEXT, kpi["vs_riket"])
                    if kpi.get("vs_riket")
                    else "",
                )
            head += (
                ": "
                + _("{value} in {year}").format(value=w.number(kpi["value"]), year=kpi["period"])
                + riket
            )
        if kpi.get("score") is None:
            lines.append(head + "; " + w.text(UNUSED_TEXT, kpi["unused"]))
        elif method == "opensdg":
            lines.append(head + "; " + _opensdg_line(w, kpi))
        else:
            lines.append(head + "; " + _default_line(w, kpi, unit_type))
    scale = OPENSDG_SCALE if method == "opensdg" else 1.0
    lines.append(_bands(w, scale))
    lines.append(_("Glokal's analysis of values from Kolada."))
    return "\n".join(lines)


def _bands(w: _Writer, scale: float) -> str:
    edges = "; ".join(
        f"{w.status(status.value)} ≥ {w.signed(edge * scale) if edge else 0}"
        for edge, status in BANDS
    )
    lowest = BANDS[-1][0] * scale
    return w._("Bands: {edges}; {worst} below {lowest}.").format(
        edges=edges, worst=w.status(GoalStatus.BETYDANDE_UTMANING.value), lowest=w.signed(lowest)
    )


__all__ = ["explain"]

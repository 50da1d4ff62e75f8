"""What the analysis reads: plain data frames, checked once on the way in.

The store fills an ``AnalysisData`` from the database; tests build one by hand. Everything
after this module may rely on the columns and types declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from glokal.errors import InputError
from glokal.i18n import N_

RIKET = "0000"

# Column name → type of each frame. Values are the total (gender T) series of each unit and KPI.
VALUES_SCHEMA = {"unit": pl.String, "kpi": pl.String, "period": pl.Int64, "value": pl.Float64}
UNITS_SCHEMA = {"unit": pl.String, "type": pl.String, "kommungrupp": pl.String}
KPIS_SCHEMA = {"kpi": pl.String, "title": pl.String, "polarity": pl.String}
GOAL_KPIS_SCHEMA = {"goal": pl.Int64, "kpi": pl.String, "unit_type": pl.String}
SIMILAR_SCHEMA = {"unit": pl.String, "member": pl.String}
TARGETS_SCHEMA = {"kpi": pl.String, "target": pl.Float64, "target_year": pl.Int64}

Schema = Mapping[str, pl.DataType | type[pl.DataType]]

POLARITY_SIGN = {"higher": 1, "lower": -1}  # neither and unknown give no direction


def _conform(frame: pl.DataFrame, schema: Schema, name: str) -> pl.DataFrame:
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise InputError(
            N_("the {name} data lacks the column(s) {missing}"),
            name=name,
            missing=missing,
            where=name,
        )
    try:
        return frame.select(pl.col(c).cast(t) for c, t in schema.items())
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            N_("the {name} data has a column of the wrong type: {error}"),
            name=name,
            error=str(exc),
            where=name,
        ) from None


def empty(schema: Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class AnalysisData:
    """The inputs of one analysis run.

    - ``values``: unit, kpi, period, value: the total (T) series; missing cells are absent.
    - ``units``: unit, type ("K" kommun, "L" region or Riket "0000"), kommungrupp (kommuner).
    - ``kpis``: kpi, title, polarity (higher, lower, neither, unknown).
    - ``goal_kpis``: goal, kpi, unit_type: the goal's key figures for kommuner ("K"),
      regioner ("L") or both (null).
    - ``similar``: unit, member: each kommun's "Liknande kommuner, övergripande" group.
    - ``targets``: kpi, target, target_year: target values, used by the Open SDG method.
    """

    values: pl.DataFrame
    units: pl.DataFrame
    kpis: pl.DataFrame
    goal_kpis: pl.DataFrame
    similar: pl.DataFrame
    targets: pl.DataFrame

    @classmethod
    def of(
        cls,
        *,
        values: pl.DataFrame,
        units: pl.DataFrame,
        kpis: pl.DataFrame,
        goal_kpis: pl.DataFrame,
        similar: pl.DataFrame | None = None,
        targets: pl.DataFrame | None = None,
    ) -> AnalysisData:
        """Check and normalise the frames (column types; unknown polarity where none is set)."""
        kpis = _conform(kpis, KPIS_SCHEMA, "kpis").with_columns(
            pl.col("polarity").fill_null("unknown")
        )
        # Ids that come as enums (the store reads them so: their codes are what the analysis
        # works with) stay enums; anything else is conformed to text.
        values_schema = {
            column: values.schema[column]
            if column in ("unit", "kpi") and isinstance(values.schema.get(column), pl.Enum)
            else kind
            for column, kind in VALUES_SCHEMA.items()
        }
        return cls(
            values=_conform(values, values_schema, "values").drop_nulls("value"),
            units=_conform(units, UNITS_SCHEMA, "units"),
            kpis=kpis,
            goal_kpis=_conform(goal_kpis, GOAL_KPIS_SCHEMA, "goal_kpis"),
            similar=_conform(
                similar if similar is not None else empty(SIMILAR_SCHEMA), SIMILAR_SCHEMA, "similar"
            ),
            targets=_conform(
                targets if targets is not None else empty(TARGETS_SCHEMA), TARGETS_SCHEMA, "targets"
            ),
        )

    def periods(self) -> tuple[int, int] | None:
        """The oldest and the newest year with any value (None without values)."""
        period = self.values.get_column("period")
        if period.null_count():
            period = period.drop_nulls()
        # (NumPy on Polars' chunks, as views: a Polars query costs more than the scan here.)
        chunks = [c.to_numpy() for c in period.get_chunks() if len(c)]
        if not chunks:
            return None
        return min(int(c.min()) for c in chunks), max(int(c.max()) for c in chunks)

    def newest_period(self) -> int | None:
        """The newest year with any value: the default reference year."""
        periods = self.periods()
        return None if periods is None else periods[1]

    def with_polarity(self, kpi: str, polarity: str) -> AnalysisData:
        """The same data with one KPI's polarity replaced (for what-if questions and tests)."""
        kpis = self.kpis.with_columns(
            pl.when(pl.col("kpi") == kpi)
            .then(pl.lit(polarity))
            .otherwise(pl.col("polarity"))
            .alias("polarity")
        )
        return AnalysisData(
            self.values, self.units, kpis, self.goal_kpis, self.similar, self.targets
        )


__all__ = ["POLARITY_SIGN", "RIKET", "AnalysisData"]

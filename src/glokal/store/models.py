"""The relational schema, as SQLAlchemy 2 declarative models.

Migrations in ``store/migrations`` create exactly this schema; a test compares the two.
Row classes stay inside the store: queries hand out the typed records of ``framework`` and
``places`` (or shapes of their own), never these.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from glokal.framework import GoalStatus

# Named constraints, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class GoalRow(Base):
    __tablename__ = "goal"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    short_sv: Mapped[str] = mapped_column(Text)
    short_en: Mapped[str] = mapped_column(Text)
    title_sv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    colour: Mapped[str] = mapped_column(String(7))
    aliases_sv: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)


class TargetRow(Base):
    __tablename__ = "target"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text_en: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str] = mapped_column(Text)
    short_sv: Mapped[str] = mapped_column(Text)
    short_en: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class IndicatorRow(Base):
    __tablename__ = "indicator"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    target: Mapped[str] = mapped_column(ForeignKey("target.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text_en: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str | None] = mapped_column(Text)
    same_as: Mapped[str | None] = mapped_column(ForeignKey("indicator.id"))
    source: Mapped[str] = mapped_column(Text)


class MillenniumGoalRow(Base):
    __tablename__ = "mdg"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title_sv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class CountyRow(Base):
    __tablename__ = "county"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # The region's id; no foreign key, since place.county refers back to this table.
    region: Mapped[str] = mapped_column(String(4))
    source: Mapped[str] = mapped_column(Text)


class KommungruppRow(Base):
    __tablename__ = "kommungrupp"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    main_group: Mapped[str] = mapped_column(String(1))
    name_sv: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kolada_group: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)


class PlaceRow(Base):
    __tablename__ = "place"
    __table_args__ = (CheckConstraint("type IN ('K', 'L')", name="type"),)

    id: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(1), index=True)
    county: Mapped[str | None] = mapped_column(ForeignKey("county.code"))
    region: Mapped[str | None] = mapped_column(ForeignKey("place.id"))
    kommungrupp: Mapped[str | None] = mapped_column(ForeignKey("kommungrupp.code"))
    source: Mapped[str] = mapped_column(Text)


# -- Kolada ---------------------------------------------------------------------------------


class KoladaKpiRow(Base):
    """A Kolada KPI's metadata as last fetched; ``missing_since`` once /kpi stops listing it."""

    __tablename__ = "kolada_kpi"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    is_divided_by_gender: Mapped[bool] = mapped_column(Boolean)
    municipality_type: Mapped[str] = mapped_column(String(1))
    auspice: Mapped[str | None] = mapped_column(String(4))
    operating_area: Mapped[str | None] = mapped_column(Text)
    perspective: Mapped[str | None] = mapped_column(Text)
    publication_date: Mapped[str | None] = mapped_column(String(10))
    prel_publication_date: Mapped[str | None] = mapped_column(String(10))
    publ_period: Mapped[str | None] = mapped_column(String(16))
    has_ou_data: Mapped[bool] = mapped_column(Boolean)
    discontinued_after: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    missing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KoladaGroupRow(Base):
    """A Kolada municipality group or KPI group (``kind`` "municipality" or "kpi")."""

    __tablename__ = "kolada_group"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KoladaGroupMemberRow(Base):
    __tablename__ = "kolada_group_member"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("kolada_group.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    member_title: Mapped[str] = mapped_column(Text)


class KpiGoalRow(Base):
    """The Agenda 2030 selection: which goal RKA files a KPI under, per unit type and group.

    ``first_seen``/``last_seen`` are fetch dates; ``removed_on`` is set when a refresh no longer
    finds the KPI in the group (RKA revises the selection yearly).
    """

    __tablename__ = "kpi_goal"

    kpi: Mapped[str] = mapped_column(String(16), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"), index=True)
    unit_type: Mapped[str | None] = mapped_column(String(1))
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)


class KoladaSeriesRow(Base):
    """The stored Kolada values (Källa: Kolada) of one KPI, unit and gender: every year's cell.

    ``cells`` is a JSON array of ``[period, value, count]`` in year order; ``value`` null is a
    genuine missing value (a count ≥ 1 without a figure). One row a series rather than one a
    value: a full sync writes some 47,000 rows instead of a million, which was most of its
    time (bench/README.md). Readers of single values use the ``kolada_value`` view.
    """

    __tablename__ = "kolada_series"

    kpi: Mapped[str] = mapped_column(String(16), primary_key=True)
    municipality: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    cells: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Views are not part of Base.metadata: migrations create them (0007) and the comparison of
# models and migrations looks at tables only.
VIEWS = MetaData(naming_convention=NAMING_CONVENTION)


class KoladaValueRow(Base):
    """One stored Kolada value (Källa: Kolada), read through the ``kolada_value`` view of the
    series: read only. ``value`` None is a genuine missing value."""

    __table__ = Table(
        "kolada_value",
        VIEWS,
        Column("kpi", String(16), primary_key=True),
        Column("municipality", String(4), primary_key=True),
        Column("period", Integer, primary_key=True),
        Column("gender", String(1), primary_key=True),
        Column("value", Float),
        Column("count", Integer),
        Column("fetched_at", DateTime(timezone=True)),
    )

    kpi: Mapped[str]
    municipality: Mapped[str]
    period: Mapped[int]
    gender: Mapped[str]
    value: Mapped[float | None]
    count: Mapped[int]
    fetched_at: Mapped[datetime]


class KpiPolarityRow(Base):
    """Whether a higher value of a KPI is better: higher, lower, neither or unknown."""

    __tablename__ = "kpi_polarity"
    __table_args__ = (
        CheckConstraint("polarity IN ('higher', 'lower', 'neither', 'unknown')", name="polarity"),
    )

    kpi: Mapped[str] = mapped_column(String(16), primary_key=True)
    polarity: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(16))  # "glokal" (bundled) or "user"
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KoladaSyncRunRow(Base):
    """One run of `glokal sync kolada`: what it fetched, and how far it got."""

    __tablename__ = "kolada_sync_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(16))  # "full" or "incremental"
    selection: Mapped[str] = mapped_column(Text)  # canonical description of the KPI selection
    base_url: Mapped[str] = mapped_column(Text)
    from_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)  # running, done
    requests: Mapped[int] = mapped_column(Integer, default=0)
    values_written: Mapped[int] = mapped_column(Integer, default=0)
    values_deleted: Mapped[int] = mapped_column(Integer, default=0)
    changed_kpis: Mapped[list[str]] = mapped_column(JSON, default=list)


class KoladaSyncCheckpointRow(Base):
    """A KPI whose values a run has committed; a rerun of that run skips it."""

    __tablename__ = "kolada_sync_checkpoint"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("kolada_sync_run.id", ondelete="CASCADE"), primary_key=True
    )
    kpi: Mapped[str] = mapped_column(String(16), primary_key=True)
    values_written: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- analysis ---------------------------------------------------------------------------------

_STATUS_CHECK = "status IN (" + ", ".join(f"'{s.value}'" for s in GoalStatus) + ")"


class KpiResultRow(Base):
    """Glokal's analysis of one unit's KPI by a method: the latest value, Riket's value, the
    trend, the positions and the KPI's score. Derived figures: never attributed to Kolada.
    """

    __tablename__ = "kpi_result"

    method: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)
    kpi: Mapped[str] = mapped_column(String(16), primary_key=True)
    reference_year: Mapped[int] = mapped_column(Integer)
    polarity: Mapped[str] = mapped_column(String(8))
    period: Mapped[int] = mapped_column(Integer)  # the year of the latest value
    value: Mapped[float] = mapped_column(Float)
    current: Mapped[bool] = mapped_column(Boolean)
    riket_value: Mapped[float | None] = mapped_column(Float)
    vs_riket: Mapped[str | None] = mapped_column(String(8))
    trend: Mapped[str | None] = mapped_column(String(16))  # None: no verdict without a polarity
    change_per_year: Mapped[float | None] = mapped_column(Float)
    trend_first: Mapped[int | None] = mapped_column(Integer)
    trend_last: Mapped[int | None] = mapped_column(Integer)
    trend_points: Mapped[int] = mapped_column(Integer)
    position: Mapped[str | None] = mapped_column(String(24))
    better: Mapped[int | None] = mapped_column(Integer)  # units with a strictly better value
    worse: Mapped[int | None] = mapped_column(Integer)  # units with a strictly worse value
    compared: Mapped[int | None] = mapped_column(Integer)
    position_kommungrupp: Mapped[str | None] = mapped_column(String(24))
    better_kommungrupp: Mapped[int | None] = mapped_column(Integer)
    worse_kommungrupp: Mapped[int | None] = mapped_column(Integer)
    compared_kommungrupp: Mapped[int | None] = mapped_column(Integer)
    position_similar: Mapped[str | None] = mapped_column(String(24))
    better_similar: Mapped[int | None] = mapped_column(Integer)
    worse_similar: Mapped[int | None] = mapped_column(Integer)
    compared_similar: Mapped[int | None] = mapped_column(Integer)
    flags: Mapped[str] = mapped_column(Text)  # comma-separated, e.g. "too_few_points"
    base_year: Mapped[int | None] = mapped_column(Integer)  # opensdg: the series' base
    base_value: Mapped[float | None] = mapped_column(Float)
    cagr: Mapped[float | None] = mapped_column(Float)
    ratio: Mapped[float | None] = mapped_column(Float)
    progress: Mapped[str | None] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float)  # the KPI's score in its goals
    unused: Mapped[str | None] = mapped_column(String(16))  # why it does not count, if not
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GoalSuggestionRow(Base):
    """The status a method suggests for one unit and goal, with what it rests on."""

    __tablename__ = "goal_suggestion"
    __table_args__ = (CheckConstraint(_STATUS_CHECK, name="status"),)

    method: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"), primary_key=True)
    reference_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float)
    kpis_total: Mapped[int] = mapped_column(Integer)
    kpis_used: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GoalAssessmentRow(Base):
    """A status people decided for a unit and goal. Append-only: each change is a new row."""

    __tablename__ = "goal_assessment"
    __table_args__ = (CheckConstraint(_STATUS_CHECK, name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), index=True)
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"))
    status: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)  # "Så ligger … till i korthet"
    assessor: Mapped[str] = mapped_column(Text)  # the municipality's group, or a consultant
    method_note: Mapped[str] = mapped_column(Text)
    cutoff: Mapped[date] = mapped_column(Date)  # the data cut-off date
    justification: Mapped[str | None] = mapped_column(Text)
    suggested_status: Mapped[str | None] = mapped_column(String(24))
    suggestion_method: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None: a draft the public pages do not show yet; the CLI publishes as it records.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- Register: local agenda, activities, programmes -----------------------------------------

ACTIVITY_KINDS = ("project", "partnership", "eu_project", "iop", "twin_town", "programme", "policy")
PARTNER_TYPES = ("municipality", "civil_society", "business", "academia", "authority", "other")
FUNDING_SOURCES = (
    "icld", "esf", "eruf", "erasmus", "interreg", "leader", "own", "other",
)  # fmt: skip
ICLD_PHASES = ("forberedelse", "styrgrupp", "projekt", "spridning", "kommunikationsbidrag")
ICLD_VARIANTS = ("trepart", "flerpart", "utveckling")  # none: two parties
LINK_ORIGINS = ("person", "classifier")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PriorityGoalRow(Base):
    """A goal the unit has chosen to prioritise in its local agenda."""

    __tablename__ = "priority_goal"

    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")


class LocalGoalRow(Base):
    """A unit's own goal, with its own code ("SE.17", "GM.3.11"), in a hierarchy."""

    __tablename__ = "local_goal"
    __table_args__ = (UniqueConstraint("unit", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("local_goal.id"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class LocalGoalTargetRow(Base):
    """A global target a local goal contributes to."""

    __tablename__ = "local_goal_target"

    local_goal_id: Mapped[int] = mapped_column(
        ForeignKey("local_goal.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(ForeignKey("target.id"), primary_key=True)


class LocalIndicatorRow(Base):
    """How a unit follows a local goal: a Kolada KPI or its own series, with a target value."""

    __tablename__ = "local_indicator"
    __table_args__ = (UniqueConstraint("unit", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    local_goal_id: Mapped[int | None] = mapped_column(ForeignKey("local_goal.id"))
    title: Mapped[str] = mapped_column(Text)
    kpi: Mapped[str | None] = mapped_column(String(16))  # a Kolada KPI id, or None: own series
    measure: Mapped[str] = mapped_column(Text, default="")  # e.g. "procent", "ton CO2e"
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column(Integer)


class LocalIndicatorValueRow(Base):
    """One value of a unit's own series (indicators without a Kolada KPI)."""

    __tablename__ = "local_indicator_value"

    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("local_indicator.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[float] = mapped_column(Float)


class ProgrammeRow(Base):
    """A programme or network that units join (Glokala Sverige, Millenniekommun, …)."""

    __tablename__ = "programme"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # a slug: "glokala-sverige"
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    organiser: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")


class ActivityRow(Base):
    """Something a unit does for the goals: a project, partnership, EU project, IOP, …"""

    __tablename__ = "activity"
    __table_args__ = (CheckConstraint(_one_of("kind", ACTIVITY_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), index=True)
    department: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="")
    programme_id: Mapped[str | None] = mapped_column(ForeignKey("programme.id"))
    results: Mapped[str] = mapped_column(Text, default="")
    # The evaluation at the end: None until someone says whether it was done.
    evaluated: Mapped[bool | None] = mapped_column(Boolean)
    lessons: Mapped[str] = mapped_column(Text, default="")
    knowledge_transfer: Mapped[str] = mapped_column(Text, default="")
    # ICLD municipal partnerships: phase, variant and application round ("2025 vår").
    icld_phase: Mapped[str | None] = mapped_column(String(24))
    icld_variant: Mapped[str | None] = mapped_column(String(16))
    icld_round: Mapped[str | None] = mapped_column(String(16))
    # Title, description and partners casefolded, for text search that knows å, ä and ö.
    search_text: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_by: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActivityGoalRow(Base):
    """A goal an activity serves: primary or secondary, entered by a person or suggested."""

    __tablename__ = "activity_goal"
    __table_args__ = (CheckConstraint(_one_of("origin", LINK_ORIGINS), name="origin"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    goal: Mapped[int] = mapped_column(ForeignKey("goal.number"), primary_key=True, index=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="person")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    score: Mapped[float | None] = mapped_column(Float)  # the classifier's, for suggestions


class ActivityTargetRow(Base):
    """A target an activity serves, like its goals."""

    __tablename__ = "activity_target"
    __table_args__ = (CheckConstraint(_one_of("origin", LINK_ORIGINS), name="origin"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(ForeignKey("target.id"), primary_key=True, index=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="person")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    score: Mapped[float | None] = mapped_column(Float)


class ActivityPartnerRow(Base):
    """An organisation an activity works with, and its country (ISO 3166-1 alpha-2)."""

    __tablename__ = "activity_partner"
    __table_args__ = (CheckConstraint(_one_of("type", PARTNER_TYPES), name="type"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    type: Mapped[str] = mapped_column(String(16), default="other")


class ActivityFundingRow(Base):
    """Money for an activity: amount in SEK from a source, for one year or the whole period."""

    __tablename__ = "activity_funding"
    __table_args__ = (CheckConstraint(_one_of("source", FUNDING_SOURCES), name="source"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), index=True)
    amount_sek: Mapped[float | None] = mapped_column(Float)


class IcldReportRow(Base):
    """A report an ICLD partnership owes for one accounting year (year 1, 2 or 3)."""

    __tablename__ = "icld_report"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    accounting_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "partial" or "final"
    due: Mapped[date] = mapped_column(Date, index=True)
    submitted: Mapped[date | None] = mapped_column(Date)


class ProgrammeStepRow(Base):
    """A step a programme asks of its members (Millenniekommun: viljebeslut, …)."""

    __tablename__ = "programme_step"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)


class ProgrammeTargetRow(Base):
    """A programme's own target ("100 kommuner utnämnda") and how its progress is counted."""

    __tablename__ = "programme_target"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)  # see glokal.register.programmes.MEASURES
    goal_value: Mapped[int] = mapped_column(Integer)


class ProgrammeMemberRow(Base):
    """A unit's membership of a programme, with its dates and intake round."""

    __tablename__ = "programme_member"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)
    joined: Mapped[date | None] = mapped_column(Date)
    left: Mapped[date | None] = mapped_column(Date)
    intake: Mapped[str] = mapped_column(String(16), default="")


class ProgrammeStepTakenRow(Base):
    """A step of a programme that a member has taken, and when."""

    __tablename__ = "programme_step_taken"
    __table_args__ = (
        ForeignKeyConstraint(
            ["programme_id", "step"],
            ["programme_step.programme_id", "programme_step.code"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["programme_id", "unit"],
            ["programme_member.programme_id", "programme_member.unit"],
            ondelete="CASCADE",
        ),
    )

    programme_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit: Mapped[str] = mapped_column(String(4), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    taken: Mapped[date | None] = mapped_column(Date)


class ProgrammeEventRow(Base):
    """A training, webinar or conference of a programme (Mötesplats Agenda 2030, …)."""

    __tablename__ = "programme_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # training, webinar, conference, meeting
    title: Mapped[str] = mapped_column(Text)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(Text, default="")


class ProgrammeEventUnitRow(Base):
    """A unit that took part in a programme event."""

    __tablename__ = "programme_event_unit"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("programme_event.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)


# -- Web: users, sessions, API tokens, comments, the audit log ------------------------------

ROLES = ("admin", "editor", "reviewer")
COMMENT_STATES = ("pending", "approved", "rejected")


class UserRow(Base):
    """Someone who logs in: an admin, an editor of some units, or a reviewer of comments."""

    __tablename__ = "web_user"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserUnitRow(Base):
    """A unit an editor may change."""

    __tablename__ = "web_user_unit"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("web_user.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), primary_key=True)


class SessionRow(Base):
    """A login, by the SHA-256 of its cookie: stored, so that any app worker knows it."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A bearer token for the JSON API's writes, by its SHA-256; scoped like its user."""

    __tablename__ = "api_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CommentRow(Base):
    """A citizen's comment on a unit's goal page, shown once a reviewer approves it."""

    __tablename__ = "comment"
    __table_args__ = (CheckConstraint(_one_of("status", COMMENT_STATES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(ForeignKey("place.id"), index=True)
    goal: Mapped[int | None] = mapped_column(ForeignKey("goal.number"))
    author: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)  # for the rate limit
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    moderated_by: Mapped[str | None] = mapped_column(Text)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One change: who, when, what, and the record before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(4), index=True)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)


class DataChangeRow(Base):
    """One row: a counter that database triggers raise whenever anything the public pages
    show is written (migration 0006 lists the tables), by any path: the editor, the CLI, an
    import, a restore. The page cache compares it, so a change shows on the next request;
    counts and sums of ids alone missed an edit in place. Not part of a backup."""

    __tablename__ = "data_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer)

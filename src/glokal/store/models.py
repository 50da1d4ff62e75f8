"""The relational schema, as SQLAlchemy 2 declarative models.

Migrations in ``store/migrations`` create exactly this schema; a test compares the two.
Row classes stay inside the store: queries hand out the typed records of ``framework`` and
``places`` (or shapes of their own), never these.
"""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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

"""The register's store on SQLite and PostgreSQL: activities and their queries, evaluation
reminders, ICLD report due dates, the local agenda and programmes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from glokal.errors import InputError, NotFound
from glokal.register import import_activities, install_builtin_programmes, programme_progress
from glokal.store import Store
from glokal.store.activities import (
    ActivityQuery,
    IcldReport,
    activities_lacking_evaluation,
    count_activities,
    find_activities,
    get_activity,
    replace_activity,
    reports_due,
)
from glokal.store.agenda import (
    LocalGoal,
    LocalIndicator,
    local_agenda,
    save_local_goals,
    save_local_indicator,
    set_priority_goals,
)
from glokal.store.programmes import (
    Membership,
    ProgrammeEvent,
    add_event,
    programme_record,
    save_membership,
)
from tests.register.examples import write_examples

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def register(initialised_store: Store, tmp_path: Path) -> Store:
    with initialised_store.session() as session, session.begin():
        install_builtin_programmes(session)
        import_activities(session, write_examples(tmp_path / "a.csv"), by="strateg", now=NOW)
    return initialised_store


def _titles(store: Store, query: ActivityQuery) -> list[str]:
    with store.session() as session, session.begin():
        return [a.title for a in find_activities(session, query)]


def test_who_runs_a_partnership_in_kenya_on_goal_5(register: Store) -> None:
    query = ActivityQuery(kind=["partnership"], country="KE", goal=5)
    assert _titles(register, query) == ["Actions for Gender Equality"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            ActivityQuery(goal=7),
            ["Energiplan i linje med Agenda 2030", "Innovation Vattenkraft 2.0"],
        ),
        (ActivityQuery(target="5.2"), ["Vänort Stellenbosch"]),
        (
            ActivityQuery(country="ZA"),
            ["Vänort Stellenbosch", "Energiplan i linje med Agenda 2030"],
        ),
        (ActivityQuery(funding_source="esf"), ["Match2Job"]),
        (ActivityQuery(kind=["iop"]), ["Värme och vila", "Brottsofferjouren"]),
        (ActivityQuery(unit=["2409"]), ["Actions for Gender Equality", "Climate action"]),
        # Period overlap: running at some time within 2023 (open ends count as running).
        (
            ActivityQuery(
                unit=["1781"], active_from=date(2023, 1, 1), active_to=date(2023, 12, 31)
            ),
            ["Innovation Vattenkraft 2.0", "Värme och vila", "Brottsofferjouren"],
        ),
        (
            ActivityQuery(active_to=date(2017, 6, 1)),
            ["Vänort Stellenbosch", "Actions for Gender Equality"],
        ),
        # Text search knows Swedish letters in any case, and % is a letter, not a wildcard.
        (ActivityQuery(text="SKOLFRÅNVARO"), ["No Dropouts"]),
        (ActivityQuery(text="värme"), ["Värme och vila"]),
        (ActivityQuery(text="budesti"), ["No Dropouts"]),  # partners' names are searched too
        (ActivityQuery(text="100%"), []),
    ],
)
def test_queries_across_all_units(
    register: Store, query: ActivityQuery, expected: list[str]
) -> None:
    assert _titles(register, query) == expected


def test_a_suggested_goal_does_not_count_until_confirmed(register: Store) -> None:
    from glokal.store.activities import GoalLink, with_links

    with register.session() as session, session.begin():
        (match,) = find_activities(session, ActivityQuery(text="match2job"))
        suggestion = GoalLink(10, primary=False, origin="classifier", confirmed=False, score=0.6)
        replace_activity(
            session, match.id or 0, with_links(match, [*match.goals, suggestion]), now=NOW
        )
    assert _titles(register, ActivityQuery(goal=10)) == []
    with register.session() as session, session.begin():
        stored = get_activity(session, match.id or 0)
        assert stored.goals[-1] == suggestion
        confirmed = [GoalLink(g.goal, g.primary) for g in stored.goals]
        replace_activity(session, match.id or 0, with_links(stored, confirmed), now=NOW)
    assert _titles(register, ActivityQuery(goal=10)) == ["Match2Job"]


def test_ended_activities_without_an_evaluation(register: Store) -> None:
    with register.session() as session, session.begin():
        lacking = [a.title for a in activities_lacking_evaluation(session, date(2021, 1, 1))]
        # By unit (0780, 1440, 2409), then start.
        assert lacking == ["Energiplan i linje med Agenda 2030", "No Dropouts",
                           "Actions for Gender Equality"]  # fmt: skip
        from dataclasses import replace

        (ale,) = find_activities(session, ActivityQuery(unit=["1440"]))
        replace_activity(
            session, ale.id or 0, replace(ale, evaluated=True, lessons="Tidigt"), now=NOW
        )
        later = [
            a.title
            for a in activities_lacking_evaluation(session, date(2021, 1, 1), ["1440", "2409"])
        ]
        assert later == ["Actions for Gender Equality"]
        # An activity that ends today has not ended yet.
        assert activities_lacking_evaluation(session, date(2019, 12, 31), ["2409"]) == []


def test_icld_reports_coming_due(register: Store) -> None:
    from dataclasses import replace

    with register.session() as session, session.begin():
        (climate,) = find_activities(session, ActivityQuery(text="climate action"))
        reports = (
            IcldReport(1, "final", date(2021, 3, 31), submitted=date(2021, 3, 1)),
            IcldReport(2, "partial", date(2021, 9, 30)),
            IcldReport(2, "final", date(2022, 3, 31)),
            IcldReport(3, "final", date(2023, 3, 31)),
        )
        replace_activity(session, climate.id or 0, replace(climate, reports=reports), now=NOW)
        due = reports_due(session, date(2021, 10, 15), date(2022, 4, 1))
        # The submitted report is not due; the overdue one is; the one after the window is not.
        assert [(d.report.accounting_year, d.report.kind, d.report.due) for d in due] == [
            (2, "partial", date(2021, 9, 30)), (2, "final", date(2022, 3, 31)),
        ]  # fmt: skip
        assert reports_due(session, date(2021, 10, 15), date(2022, 4, 1), ["0780"]) == []


def test_an_activity_is_read_back_whole_and_missing_ones_are_named(register: Store) -> None:
    with register.session() as session, session.begin():
        assert count_activities(session) == 9
        (ale,) = find_activities(session, ActivityQuery(unit=["1440"]))
        assert get_activity(session, ale.id or 0) == ale
        assert ale.unit_name == "Ale" and ale.created_by == "strateg"
        with pytest.raises(NotFound, match="there is no activity 999"):
            get_activity(session, 999)


def test_the_local_agenda_keeps_its_hierarchy(initialised_store: Store) -> None:
    goals = [
        LocalGoal(
            "0680", "SE.1.8", "Minskad fattigdom bland barn", parent="SE.1", targets=("1.2",)
        ),
        LocalGoal("0680", "SE.1", "Ingen fattigdom i Jönköping", targets=("1.2", "1.3")),
        LocalGoal("0680", "GM.3", "God hälsa"),
    ]
    with initialised_store.session() as session, session.begin():
        assert save_local_goals(session, goals) == (3, 0)
        set_priority_goals(session, "0680", [5, 1, 13, 5])
        save_local_indicator(
            session,
            LocalIndicator(
                "0680", "GM.3.11", "Andel rökfria elever", goal="GM.3", measure="procent",
                target_value=95, target_year=2030, values=((2022, 88.0), (2023, 90.5)),
            ),
        )  # fmt: skip
        save_local_indicator(session, LocalIndicator("0680", "K1", "Invånare", kpi="N01951"))
    with initialised_store.session() as session, session.begin():
        agenda = local_agenda(session, "0680")
        assert agenda.priority_goals == (1, 5, 13)
        assert [(g.code, g.parent) for g in agenda.goals] == [
            ("GM.3", None), ("SE.1", None), ("SE.1.8", "SE.1"),
        ]  # fmt: skip
        assert agenda.goals[1].targets == ("1.2", "1.3")
        gm = agenda.indicators[0]
        assert (gm.goal, gm.values, gm.target_value) == ("GM.3", ((2022, 88.0), (2023, 90.5)), 95)
        assert agenda.indicators[1].kpi == "N01951"
        # Saving again by code changes, it does not duplicate.
        changed = LocalGoal("0680", "GM.3", "God hälsa och välbefinnande", targets=("3.4",))
        assert save_local_goals(session, [changed]) == (0, 1)
        with pytest.raises(InputError, match=r"names the parent 'SE\.9'"):
            save_local_goals(session, [LocalGoal("0680", "SE.9.1", "x", parent="SE.9")])
        with pytest.raises(NotFound, match="has no local goal 'XX'"):
            save_local_indicator(session, LocalIndicator("0680", "I2", "x", goal="XX"))


def test_programme_progress_from_memberships_and_steps(register: Store) -> None:
    with register.session() as session, session.begin():
        # Kristinehamn takes all three steps (designated); Karlstad two; Nacka one.
        steps = {
            "1781": ["viljebeslut", "analys", "kommunikationsplan"],
            "1780": ["viljebeslut", "kommunikationsplan"],
            "0182": ["viljebeslut"],
        }
        for unit, taken in steps.items():
            save_membership(
                session, "millenniekommun", Membership(unit, date(2010, 6, 1), intake="2010")
            )
            save_membership(
                session, "millenniekommun",
                Membership(unit, steps_taken=tuple((s, date(2011, 6, 16)) for s in taken)),
            )  # fmt: skip
        # An activity in the programme counts as an own initiative of its unit.
        (ale,) = find_activities(session, ActivityQuery(unit=["1440"]))
        save_membership(session, "millenniekommun", Membership("1440"))
        from dataclasses import replace

        replace_activity(session, ale.id or 0, replace(ale, programme="millenniekommun"), now=NOW)
        event = ProgrammeEvent("conference", "Millenniedagen", date(2011, 9, 1), units=("1781",))
        add_event(session, "millenniekommun", event)
        with pytest.raises(NotFound, match="has no step 'webbplats'"):
            save_membership(
                session, "millenniekommun", Membership("1781", steps_taken=(("webbplats", None),))
            )
    with register.session() as session, session.begin():
        record = programme_record(session, "millenniekommun")
    assert [m.unit for m in record.members] == ["0182", "1440", "1780", "1781"]
    assert record.members[0].joined == date(2010, 6, 1) and record.members[0].intake == "2010"
    progress = {p.target.code: (p.achieved, p.units) for p in programme_progress(record, {})}
    assert progress == {
        "utnamnda": (1, ("1781",)),
        "kommunikation": (2, ("1780", "1781")),
        "initiativ": (1, ("1440",)),
    }
    assert record.events[0].units == ("1781",)


def test_a_step_is_taken_while_the_unit_is_a_member_of_a_running_programme(
    register: Store,
) -> None:
    # Millenniekommun ran 2010-01-01 to 2012-12-31; Kristinehamn joined on 2010-09-01.
    with register.session() as session, session.begin():
        save_membership(session, "millenniekommun", Membership("1781", date(2010, 9, 1)))
    refused = {
        date(2009, 1, 1): "cannot be taken on 2009-01-01: 1781 joined it on 2010-09-01 "
        "and it started on 2010-01-01",
        date(2010, 5, 1): "cannot be taken on 2010-05-01: 1781 joined it on 2010-09-01",
        date(2013, 2, 1): "cannot be taken on 2013-02-01: it ended on 2012-12-31",
    }
    for taken, message in refused.items():
        with (
            register.session() as session,
            session.begin(),
            pytest.raises(InputError, match=message) as caught,
        ):
            save_membership(
                session, "millenniekommun", Membership("1781", steps_taken=(("analys", taken),))
            )
        assert caught.value.where == "--taken"
        assert "step 'analys' of programme 'millenniekommun'" in caught.value.message
    # A member without a date of joining: the programme's own dates still hold.
    with register.session() as session, session.begin():
        save_membership(session, "millenniekommun", Membership("0180"))
        with pytest.raises(InputError, match=r"on 2009-12-31: it started on 2010-01-01$"):
            save_membership(
                session, "millenniekommun",
                Membership("0180", steps_taken=(("analys", date(2009, 12, 31)),)),
            )  # fmt: skip
    with register.session() as session:
        record = programme_record(session, "millenniekommun")
    assert [(m.unit, m.steps_taken) for m in record.members] == [("0180", ()), ("1781", ())]
    with register.session() as session, session.begin():
        for taken in (date(2010, 9, 1), date(2012, 12, 31), None):  # the bounds, and no date
            save_membership(
                session, "millenniekommun", Membership("1781", steps_taken=(("analys", taken),))
            )
        save_membership(
            session, "millenniekommun",
            Membership("1781", steps_taken=(("viljebeslut", date(2011, 6, 16)),)),
        )  # fmt: skip
    # Moving the date of joining past a step taken is refused as well.
    with (
        register.session() as session,
        session.begin(),
        pytest.raises(InputError, match=r"'viljebeslut' .* on 2011-06-16: 1781 joined it on"),
    ):
        save_membership(session, "millenniekommun", Membership("1781", date(2012, 1, 1)))
    with register.session() as session:
        (_, kristinehamn) = programme_record(session, "millenniekommun").members
    assert kristinehamn.joined == date(2010, 9, 1)
    assert kristinehamn.steps_taken == (("analys", None), ("viljebeslut", date(2011, 6, 16)))

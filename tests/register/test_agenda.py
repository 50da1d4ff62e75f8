"""The local goal template and a goal given as options: the same rules, and no parent that
would put a goal under itself, against the file and what is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from glokal.errors import InputError
from glokal.framework import load_framework
from glokal.places import load_places
from glokal.register import read_local_goals
from glokal.register.agenda import local_goal_from_options
from glokal.store.agenda import LocalGoal

# What 1781 has stored: SE.1 with SE.1.8 under it.
STORED = {"1781": {"SE.1": None, "SE.1.8": "SE.1"}}


def _read(tmp_path: Path, *rows: str) -> list[LocalGoal]:
    path = tmp_path / "mal.csv"
    path.write_text("\n".join(("unit,code,title,parent", *rows)) + "\n", encoding="utf-8")
    return read_local_goals(path, load_places(), load_framework(), STORED)


def test_a_row_may_name_a_stored_parent_or_turn_the_hierarchy_around(tmp_path: Path) -> None:
    goals = _read(tmp_path, "1781,SE.1.8.1,C,SE.1.8", "1781,SE.1.8,B,", "1781,SE.1,A,SE.1.8")
    assert [(g.code, g.parent) for g in goals] == [
        ("SE.1.8.1", "SE.1.8"), ("SE.1.8", None), ("SE.1", "SE.1.8"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        # A row pointing at a stored child of its own.
        (
            ["1781,SE.1,A,SE.1.8"],
            [
                "row 2, parent: local goal 'SE.1' cannot have the parent 'SE.1.8': 'SE.1.8' is "
                "under 'SE.1', so the parents would form a loop (SE.1 → SE.1.8 → SE.1)"
            ],
        ),
        # Through a goal in the file.
        (
            ["1781,SE.1.8.1,C,SE.1.8", "1781,SE.1,A,SE.1.8.1"],
            [
                "row 2, parent: local goal 'SE.1.8.1' cannot have the parent 'SE.1.8': 'SE.1.8' "
                "is under 'SE.1.8.1', so the parents would form a loop "
                "(SE.1.8.1 → SE.1.8 → SE.1 → SE.1.8.1)",
                "row 3, parent: local goal 'SE.1' cannot have the parent 'SE.1.8.1': 'SE.1.8.1' is "
                "under 'SE.1', so the parents would form a loop (SE.1 → SE.1.8.1 → SE.1.8 → SE.1)",
            ],
        ),
        # Within the file alone, and a goal that is its own parent.
        (
            ["1781,N.1,x,N.2", "1781,N.2,y,N.1", "1781,N.3,z,N.3"],
            [
                "row 4, parent: 'N.3' cannot be its own parent",
                "row 2, parent: local goal 'N.1' cannot have the parent 'N.2': 'N.2' is under "
                "'N.1', so the parents would form a loop (N.1 → N.2 → N.1)",
                "row 3, parent: local goal 'N.2' cannot have the parent 'N.1': 'N.1' is under "
                "'N.2', so the parents would form a loop (N.2 → N.1 → N.2)",
            ],
        ),
        (["1781,SE.2,x,NOPE"], ["row 2, parent: 'NOPE' is not a local goal of 1781"]),
        (["1781,SE.2,,"], ["row 2, title: must not be empty"]),
    ],
)
def test_a_bad_parent_is_named_with_its_row(
    tmp_path: Path, rows: list[str], problems: list[str]
) -> None:
    with pytest.raises(InputError) as raised:
        _read(tmp_path, *rows)
    message = raised.value.message
    assert message.startswith(f"{len(problems)} problem")
    for problem in problems:
        assert problem in message


def _options(**cells: str) -> LocalGoal:
    return local_goal_from_options(
        {"unit": "1781", "code": "SE.4", "title": "Fyra"} | cells, load_framework(), STORED["1781"]
    )


def test_options_are_checked_like_a_row_of_the_template() -> None:
    goal = _options(parent=" SE.1.8 ", description="Mer", targets="5.5;10.2")
    assert goal == LocalGoal(
        "1781", "SE.4", "Fyra", "Mer", parent="SE.1.8", targets=("5.5", "10.2")
    )
    assert local_goal_from_options(
        {"unit": "1781", "code": "SE.4", "title": "x"}, load_framework(), {}, published=False
    ).published is False  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"title": ""}, "--title: must not be empty"),
        ({"title": "   "}, "--title: must not be empty"),
        ({"code": ""}, "CODE: must not be empty"),
        ({"code": "SE;4"}, "CODE: 'SE;4' is not a code"),
        ({"code": "X" * 33}, "is not a code: 1–32 characters"),
        ({"code": "SE\t4"}, "CODE: 'SE\\t4' is not a code: no line breaks, tabs"),
        ({"targets": "99.9"}, "--targets: there is no goal 99"),
        ({"parent": "NOPE"}, "--parent: 1781 has no local goal 'NOPE'; add it first"),
        ({"parent": "SE.4"}, "--parent: 'SE.4' cannot be its own parent"),
        (
            {"code": "SE.1", "parent": "SE.1.8"},
            "--parent: local goal 'SE.1' cannot have the parent 'SE.1.8': 'SE.1.8' is under "
            "'SE.1', so the parents would form a loop (SE.1 → SE.1.8 → SE.1)",
        ),
    ],
)
def test_bad_options_are_named(cells: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        _options(**cells)
    assert message in str(raised.value)


def test_the_swedish_local_goal_template_reads_and_is_written(tmp_path: Path) -> None:
    import io

    from glokal.register import write_local_goals

    path = tmp_path / "lokala-mal.csv"
    path.write_text(
        "Enhet;Kod;Titel;Överordnat;Delmål\n1781;SE.1.9;Fler i arbete;SE.1;8.5\n",
        encoding="utf-8",
    )
    [goal] = read_local_goals(path, load_places(), load_framework(), STORED)
    assert (goal.unit, goal.code, goal.parent, goal.targets) == ("1781", "SE.1.9", "SE.1", ("8.5",))
    out = io.BytesIO()
    write_local_goals(out, [goal], "csv", "sv")
    written = tmp_path / "igen.csv"
    written.write_bytes(out.getvalue())
    assert (
        out.getvalue().decode().splitlines()[0] == "enhet,kod,titel,överordnat,beskrivning,delmål"
    )
    assert read_local_goals(written, load_places(), load_framework(), STORED) == [goal]


def test_a_code_is_kept_as_written_spaces_and_all(tmp_path: Path) -> None:
    [goal, pasted] = _read(tmp_path, "1781, Mål  3 ,Hälsa,", "1781,Mål\u00a04,Från Word,")
    assert (goal.code, pasted.code) == ("Mål  3", "Mål\u00a04")

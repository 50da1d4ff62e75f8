"""The shape of the code: public surfaces, layers, and a Swedish translation for every message."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from glokal.i18n import translations

SRC = Path(__file__).resolve().parents[1] / "src" / "glokal"

# What each room of the house may import from glokal (DESIGN.md: imports point downward).
BASE = {"errors", "settings", "i18n"}
ALLOWED = {
    "errors": {"i18n"},
    "settings": {"errors", "i18n"},
    "i18n": set(),
    "framework": {"errors", "i18n"},
    "places": {"errors", "i18n"},
    "store": BASE | {"framework", "places"},
    "kolada": BASE | {"framework", "places", "store"},
    "analysis": BASE | {"framework", "places"},
    "mapping": BASE | {"framework"},
    "register": BASE | {"framework", "places", "store"},
    "publish": BASE | {"framework", "places", "store", "analysis", "register", "mapping"},
    "web": BASE | {"framework", "places", "store", "analysis", "register", "mapping", "publish"},
    "cli": {"*"},
    "__init__": set(),
    "__main__": {"cli"},
}
PACKAGES = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("glokal"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "glokal" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_downward(path: Path) -> None:
    room = path.relative_to(SRC).parts[0].removesuffix(".py")
    allowed = ALLOWED[room]
    imported = _imports(path) - {room, "__version__"}
    if "*" not in allowed:
        assert imported <= allowed, f"{path.relative_to(SRC)} imports {imported - allowed}"


@pytest.mark.parametrize("package", PACKAGES)
def test_public_surface_is_declared_and_sorted(package: str) -> None:
    module = importlib.import_module(f"glokal.{package}")
    names = module.__all__
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    order = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    assert names == order, f"glokal.{package}.__all__ is not sorted"
    for name in names:
        assert hasattr(module, name), f"glokal.{package}.__all__ names missing {name}"


def test_every_interface_message_has_a_swedish_translation() -> None:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "N_": None, "gettext": None}
    messages = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(SRC), method_map, keywords=keywords
        )
        if isinstance(message, str)
    }
    assert len(messages) > 20
    swedish = translations("sv")
    missing = sorted(m for m in messages if swedish.gettext(m) == m and m not in SAME_IN_SWEDISH)
    assert missing == []


# Messages whose Swedish is the same as the English.
SAME_IN_SWEDISH = {
    "Id",
    "status",
    "Text",
    "Region",
    "Kommungrupp",
    "kommun",
    "region",
    "neutral",
    "kommuner",
    "regioner",
    "Status",
    "Period",
    "IOP",
    "policy",
    "Trend",
    "Agenda 2030",
    # Messages that only join others (errors' problems with their place).
    "{where}: {problem}",
    "{field}: {problem}",
    "{problems}",
}

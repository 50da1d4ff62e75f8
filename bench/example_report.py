"""An example report and site from the Kolada replay data (no network needed).

Starts the replay server of tests/kolada/replay.py on 127.0.0.1 (generated values for real
Kolada KPIs and units), syncs 30 KPIs into a fresh SQLite store with `glokal sync kolada`,
assesses them, imports the register's example activities, records a decided status for
Kristinehamn's goal 13, and writes Kristinehamn's report as PDF and HTML and a static site of
three units. Everything goes into OUT (default: ./example/), which is not committed.

Run: `make example` or `PYTHONPATH=. .venv/bin/python bench/example_report.py [OUT]`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(REPO))
    from tests.conftest import KOLADA_DATA
    from tests.kolada.replay import ReplayDataset, ReplayServer
    from tests.register.examples import write_examples

    from glokal.cli import main as glokal

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "example").resolve()
    out.mkdir(parents=True, exist_ok=True)
    database = out / "glokal.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["GLOKAL_DATABASE_URL"] = f"sqlite:///{database}"
    steps: list[list[str]] = [["init"]]
    with ReplayServer(ReplayDataset(KOLADA_DATA, kpi_count=30)) as server:
        steps.append(["sync", "kolada", "--base-url", server.base_url, "--rate", "0"])
        for step in steps:
            if glokal(step) != 0:
                return 1
    activities = write_examples(out / "aktiviteter.csv")
    decision = [
        "assessment", "set", "1781", "13", "--status", "utmaning",
        "--text", "Så ligger Kristinehamn till i korthet: utsläppen minskar, men inte i den "
        "takt som målet kräver.", "--assessor", "Hållbarhetsgruppen", "--cutoff", "2026-11-01",
        "--justification", "Exempel: kommunens egen bedömning", "--by", "exempel",
    ]  # fmt: skip
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        if glokal(["assess", "--format", "json"]) != 0:  # every unit: positions need them all
            return 1
    for step in (
        ["activities", "import", str(activities), "--by", "exempel"],
        decision,
        ["report", "1781", "--format", "pdf", "-o", str(out / "kristinehamn.pdf")],
        ["report", "1781", "--format", "html", "-o", str(out / "kristinehamn.html")],
        ["export", "site", str(out / "site"), "--unit", "1781,2409,1440"],
    ):
        sys.stdout.flush()
        code = glokal(step)
        if code != 0:
            print(f"glokal {' '.join(step[:3])} failed with exit code {code}", file=sys.stderr)
            return code
    print(f"\nopen {out / 'kristinehamn.pdf'} and {out / 'site' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

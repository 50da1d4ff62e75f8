"""Benchmark: the static site and the PDF report.

1. `glokal export site` of every unit (312 × (1 unit page + 17 goal pages + 1 comparison), the
   start page, the activity search and the 17 goals across units, with JSON twins), Swedish,
   over the replay dataset synced and assessed (the store of bench/assess.py), with as many
   processes as the machine has cores. Goal: ≤ 60 s for the 312 × 18 unit and goal pages.
   Peer, in the same run: the same kind of pages fetched from the running web app (uvicorn, one
   worker per core, two requests at a time), for a sample of units; per-page times compared.
2. The PDF report of a kommun and of a region (`glokal report --format pdf`): seconds, pages,
   seconds per page. Goal: a 20-page report ≤ 10 s.

Run: `PYTHONPATH=. .venv/bin/python bench/publish.py [--sample N] [--jobs N]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.gettempdir()) / "glokal-bench-publish"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def pdf_pages(pdf: bytes, directory: Path) -> int:
    path = directory / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return -1


def bench_site(database: Path, jobs: int) -> tuple[float, int, int]:
    from glokal.store import Store
    from glokal.web.site import export_site

    store = Store(make_url(f"sqlite:///{database}"))
    target = WORK / "site"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    report = export_site(store, target, languages=("sv",), jobs=jobs)
    seconds = time.perf_counter() - started
    store.close()
    return seconds, report.pages, report.units


def bench_web(database: Path, units: list[str], workers: int) -> tuple[float, int]:
    """Seconds and pages for each sampled unit's page and 17 goal pages through the web app."""
    from bench.web import free_port, start_glokal, stop

    port = free_port()
    process = start_glokal(database, port, workers)
    paths = [p for u in units for p in (f"/{u}", *(f"/{u}/mal/{n}" for n in range(1, 18)))]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=2) as pool:
                statuses = list(pool.map(lambda p: client.get(p).status_code, paths))
            seconds = time.perf_counter() - started
    finally:
        stop(process)
    assert set(statuses) == {200}, statuses
    return seconds, len(paths)


def bench_report(database: Path, unit: str, directory: Path) -> tuple[float, float, int]:
    """(seconds to build the report's contexts, seconds to make the PDF, pages)."""
    from glokal.publish.report import build_report, report_pdf
    from glokal.store import Store

    store = Store(make_url(f"sqlite:///{database}"))
    started = time.perf_counter()
    with store.session() as session, session.begin():
        built = build_report(session, unit, "sv", 2025, date.today())
    build = time.perf_counter() - started
    started = time.perf_counter()
    pdf = report_pdf(built)
    seconds = time.perf_counter() - started
    store.close()
    return build, seconds, pdf_pages(pdf, directory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=24, help="units fetched from the web app")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached store")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from bench.web import prepare_store

    WORK.mkdir(parents=True, exist_ok=True)
    database = prepare_store(args.rebuild)
    from glokal.store import Store, list_places

    store = Store(make_url(f"sqlite:///{database}"))
    with store.session() as session:
        units = [p.id for p in list_places(session)]
    store.close()
    step = max(1, len(units) // args.sample)
    sample = units[::step][: args.sample]

    print(f"load before: {load()}")
    site_s, pages, exported = bench_site(database, args.jobs)
    unit_pages = exported * 18
    per_page = site_s / pages * 1000
    print(f"static export: {exported} units, {pages} pages in {site_s:.1f} s "
          f"({per_page:.1f} ms a page, {args.jobs} processes); load {load()}")  # fmt: skip
    web_s, web_pages = bench_web(database, sample, args.jobs)
    print(f"web app: {web_pages} pages of {len(sample)} units in {web_s:.1f} s "
          f"({web_s / web_pages * 1000:.1f} ms a page); load {load()}")  # fmt: skip
    print(f"per page, export / web app: {site_s / pages / (web_s / web_pages):.2f}×")
    goal = "met" if site_s <= 60 else "not met"
    print(f"goal: 312 × 18 pages ≤ 60 s: {site_s:.1f} s for {unit_pages} unit and goal pages "
          f"(and {pages - unit_pages} more) – {goal}")  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        for unit in ("1781", "0017"):
            build, seconds, count = bench_report(database, unit, Path(directory))
            twenty = seconds / count * 20 if count > 0 else float("nan")
            each = seconds / count
            print(f"report {unit}: {count} pages; contexts {build:.1f} s, PDF {seconds:.1f} s "
                  f"({each:.2f} s a page; 20 pages ≈ {twenty:.1f} s); load {load()}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

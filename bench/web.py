"""Benchmark: the public goal page /{unit}/mal/{n} served by glokal against nginx serving the
same pages saved as static files, in the same run; and editor writes on SQLite.

Set-up, untimed: the synced replay store of bench/assess.py (193 real KPIs × 312 units ×
2000–2025, about 2 million values; built once and cached under the temporary directory), with
polarity for every KPI and `glokal assess` (default method) run on a working copy. The pages:
every unit (311 kommuner and regioner, and Riket), unit i on goal 1 + i mod 17, so all units
and all 17 goals appear (``--all-goals``: every unit × every goal, 5,304 pages).

1. glokal: ``uvicorn bench.web:app --factory --workers W`` on 127.0.0.1 (W = 2 by default, the
   machine's cores), the app of `glokal serve` over the working copy (the worker health
   check is allowed 120 s: on a loaded machine a worker once took seconds for a first render).
   Every page is fetched once through it (untimed; its HTML is what nginx serves) and then, to
   warm every worker's page cache, fetched again on fresh connections until a whole pass
   answers every page within 1 s, or 30 passes (a page left cold in one worker would stall
   it in the timed run),
   and wrk runs for a few seconds, untimed.
2. nginx: /usr/sbin/nginx with its own configuration on another free 127.0.0.1 port, as a
   non-daemon child, W worker processes, the saved pages as files (sendfile, no compression:
   wrk asks for none, so neither server compresses), stopped after.
3. The ceiling of the server itself: ``uvicorn bench.web:bare --factory`` with the same
   workers and options as glokal, an ASGI app that holds the saved pages in a dict and sends
   each with its content type and length, nothing else (no headers of glokal's, no cookie,
   no store). No app served by uvicorn on this machine can do better than this.
4. wrk (/usr/bin/wrk) -c 32 -t 2 --latency for ``--seconds`` against each, a Lua script
   cycling through the page list, glokal, nginx and the bare server in turn, best of
   ``--rounds``; requests/s and p50/p99 latency. Goal: glokal ≥ 0.5× nginx's throughput,
   p99 ≤ 50 ms.
5. A change shows at once: a decision recorded (the editor's path: record_assessment and the
   audit entry, one transaction) and the next request of the page shows it. Checked.
6. Editor writes on SQLite: ``--writes`` decisions, each in its own transaction as the editor
   writes them (record_assessment + record_change in the audit log, commit), while glokal
   serves; and as many through the write API, PUT /api/v1/units/{unit}/goals/{n}/assessment
   with an admin's bearer token, one after another; writes/s. Goal ≥ 100/s.

The load average is printed with the figures: the machine is shared. Run:
``PYTHONPATH=. .venv/bin/python bench/web.py`` (options: ``--seconds``, ``--rounds``,
``--workers``, ``--all-goals``, ``--writes``, ``--rebuild``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

REPO = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.gettempdir()) / "glokal-bench-web"
NGINX = "/usr/sbin/nginx"
WRK = "/usr/bin/wrk"
CONNECTIONS = 32
GOAL_RATIO = 0.5
GOAL_P99_MS = 50.0
GOAL_WRITES = 100.0


def app() -> FastAPI:
    """The app `glokal serve` runs, over GLOKAL_DATABASE_URL (uvicorn --factory, per worker)."""
    from glokal.settings import Settings
    from glokal.web import create_app

    return create_app(Settings())


def bare() -> ASGIApp:
    """The bare-server peer: the saved pages (GLOKAL_BENCH_PAGES) from a dict, nothing else."""
    root = Path(os.environ["GLOKAL_BENCH_PAGES"])
    pages = {f"/{f.relative_to(root)}": f.read_bytes() for f in root.rglob("*") if f.is_file()}
    content_type = (b"content-type", b"text/html; charset=utf-8")

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = pages.get(scope["path"], b"")
        length = (b"content-length", str(len(body)).encode())
        status = 200 if body else 404
        await send({"type": "http.response.start", "status": status,
                    "headers": [content_type, length]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    return serve


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def wait_until_up(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer at {url}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the data -------------------------------------------------------------------------------


def prepare_store(rebuild: bool) -> Path:
    """A working copy of the synced replay store with polarity, assessed (default method)."""
    from bench.assess import KPI_COUNT, build_database, end_to_end, prepare

    cached = build_database(KPI_COUNT, rebuild=rebuild)
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("prepared.sqlite3*"):
        old.unlink()
    path, values, _bundled, _assumed = prepare(cached, WORK)
    started = time.perf_counter()
    end_to_end(path, "default")
    print(f"store: {path} ({values:,} values), assessed in {time.perf_counter() - started:.1f} s")
    return path


def page_paths(database: Path, all_goals: bool) -> list[str]:
    from sqlalchemy.engine import make_url

    from glokal.store import Store, list_places

    store = Store(make_url(f"sqlite:///{database}"))
    with store.session() as session:
        units = [p.id for p in list_places(session)]
    store.close()
    if all_goals:
        return [f"/{u}/mal/{n}" for u in units for n in range(1, 18)]
    return [f"/{u}/mal/{1 + i % 17}" for i, u in enumerate(units)]


# -- servers --------------------------------------------------------------------------------


def start_glokal(
    database: Path, port: int, workers: int, *, bare_pages: Path | None = None
) -> subprocess.Popen[bytes]:
    """glokal's app under uvicorn; with ``bare_pages``, the bare-server peer instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOKAL_")} | {
        "GLOKAL_DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(REPO),
    }
    if bare_pages is not None:
        env["GLOKAL_BENCH_PAGES"] = str(bare_pages)
    factory = "bench.web:bare" if bare_pages is not None else "bench.web:app"
    command = [
        sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning",
        "--no-access-log", "--timeout-worker-healthcheck", "120",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=REPO)
    health = "/" if bare_pages is not None else "/healthz"
    wait_until_up(f"http://127.0.0.1:{port}{health}", process, "uvicorn")
    return process


NGINX_CONF = """
worker_processes {workers};
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type "text/html; charset=utf-8";
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


def start_nginx(root: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    prefix = WORK / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, prefix=prefix, port=port, root=root))
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)])
    wait_until_up(f"http://127.0.0.1:{port}/", process, "nginx")
    return process


def save_pages(base: str, paths: list[str], root: Path) -> tuple[float, int]:
    """Fetch every page from glokal and save it as a file for nginx; (seconds, bytes)."""
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    size = 0
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in paths:
            response = client.get(path)
            response.raise_for_status()
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.content)
            size += len(response.content)
    return time.perf_counter() - started, size


def warm_workers(base: str, paths: list[str], limit_s: float = 1.0, passes: int = 30) -> int:
    """Fetch every page, each on a new connection (so any worker may answer), 4 at a time,
    until a whole pass answers every page within ``limit_s``; returns the passes taken."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(path: str) -> float:
        started = time.perf_counter()
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get(path).raise_for_status()
        return time.perf_counter() - started

    for done in range(1, passes + 1):
        with ThreadPoolExecutor(4) as pool:
            slowest = max(pool.map(fetch, paths))
        if slowest < limit_s:
            return done
    return passes


# -- wrk ------------------------------------------------------------------------------------

LUA = """
local paths = {{}}
for line in io.lines("{list}") do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: str
    load: str


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(base: str, script: Path, seconds: int) -> Load:
    output = subprocess.run(
        [WRK, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "-s",
         str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    # The "Latency Distribution" lines ("     50%    1.23ms"), not a Stdev column's "90.50%".
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = []
    for pattern in (r"Socket errors: [^\n]+", r"Non-2xx or 3xx responses: \d+"):
        found = re.search(pattern, output)
        if found:
            errors.append(found.group(0))
    return Load(rate, p50, p99, "; ".join(errors), load())


# -- writes ---------------------------------------------------------------------------------


def write_decision(store: object, unit: str, goal: int, text: str) -> None:
    """One decision as the editor records it: the decision and its audit entry, one commit."""
    from glokal.framework import GoalStatus
    from glokal.store import Store
    from glokal.store.assessments import current_assessment, record_assessment
    from glokal.store.audit import record_change

    assert isinstance(store, Store)
    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        before = current_assessment(session, unit, goal)
        after = record_assessment(
            session, unit, goal, status=GoalStatus.UTMANING, text=text,
            assessor="Benchmark", method_note="", cutoff=date(2026, 11, 30),
            justification=None, suggested_status=None, suggestion_method=None,
            recorded_by="bench@example.se", recorded_at=now, published=True,
        )  # fmt: skip
        record_change(
            session, actor="bench@example.se", action="decide", entity="goal_assessment",
            entity_id=after.id, unit=unit, before=before, after=after, at=now,
        )  # fmt: skip


def bench_writes(database: Path, paths: list[str], count: int) -> float:
    from sqlalchemy.engine import make_url

    from glokal.store import Store

    store = Store(make_url(f"sqlite:///{database}"))
    pairs = [(p.split("/")[1], int(p.rsplit("/", 1)[1])) for p in paths]
    write_decision(store, *pairs[0], "warm-up")
    started = time.perf_counter()
    for i in range(count):
        unit, goal = pairs[i % len(pairs)]
        write_decision(store, unit, goal, f"Benchmark decision {i}.")
    seconds = time.perf_counter() - started
    store.close()
    return count / seconds


def bench_put_writes(database: Path, base: str, paths: list[str], count: int) -> float:
    """Decisions through the write API, PUT /api/v1/units/{unit}/goals/{n}/assessment with an
    admin's bearer token, one after another on one connection; writes/s."""
    from sqlalchemy.engine import make_url

    from glokal.store import Store
    from glokal.store.users import add_api_token, add_user

    store = Store(make_url(f"sqlite:///{database}"))
    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        email = f"bench{time.time_ns()}@example.se"
        add_user(session, email, "benchmark-password-1", "admin", [], now=now)
        token = add_api_token(session, email, "bench", now=now)
    store.close()
    pairs = [(p.split("/")[1], int(p.rsplit("/", 1)[1])) for p in paths]
    body = {"status": "utmaning", "text": "", "assessor": "Benchmark", "cutoff": "2026-11-30",
            "justification": "Benchmark.", "publish": True}  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        client.put(f"/api/v1/units/{pairs[0][0]}/goals/{pairs[0][1]}/assessment",
                   json=body | {"text": "warm-up"}).raise_for_status()  # fmt: skip
        started = time.perf_counter()
        for i in range(count):
            unit, goal = pairs[i % len(pairs)]
            text = f"Benchmark decision {i}."
            path = f"/api/v1/units/{unit}/goals/{goal}/assessment"
            client.put(path, json=body | {"text": text}).raise_for_status()
        seconds = time.perf_counter() - started
    return count / seconds


def check_change_shows(database: Path, base: str, path: str) -> bool:
    """Record a decision and fetch the page at once: it must show the new text."""
    from sqlalchemy.engine import make_url

    from glokal.store import Store

    store = Store(make_url(f"sqlite:///{database}"))
    marker = f"Ny bedömning {time.time_ns()}"
    unit, goal = path.split("/")[1], int(path.rsplit("/", 1)[1])
    ok = True
    with httpx.Client(base_url=base) as client:
        for _ in range(4):  # every worker in turn, likely
            client.get(path)
        write_decision(store, unit, goal, marker)
        for _ in range(8):
            ok = ok and marker in client.get(path).text
    store.close()
    return ok


# -- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warm-seconds", type=int, default=5)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--all-goals", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    for tool in (NGINX, WRK):
        if not Path(tool).exists():
            raise SystemExit(f"{tool} is missing")
    database = prepare_store(args.rebuild)
    paths = page_paths(database, args.all_goals)
    listing = WORK / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = WORK / "paths.lua"
    script.write_text(LUA.format(list=listing))
    root = WORK / "static"
    glokal_port, nginx_port, bare_port = free_port(), free_port(), free_port()
    glokal_base = f"http://127.0.0.1:{glokal_port}"
    nginx_base = f"http://127.0.0.1:{nginx_port}"
    bare_base = f"http://127.0.0.1:{bare_port}"
    glokal = start_glokal(database, glokal_port, args.workers)
    nginx = bare_server = None
    try:
        seconds, size = save_pages(glokal_base, paths, root)
        print(f"pages: {len(paths)} ({size / len(paths) / 1024:.0f} KiB each on average), "
              f"saved through glokal in {seconds:.1f} s (first render; load {load()})")  # fmt: skip
        nginx = start_nginx(root, nginx_port, args.workers)
        bare_server = start_glokal(database, bare_port, args.workers, bare_pages=root)
        passes = warm_workers(glokal_base, paths)
        print(f"every worker warm after {passes} more passes (untimed; load {load()})")
        run_wrk(glokal_base, script, args.warm_seconds)  # untimed
        run_wrk(nginx_base, script, 2)
        run_wrk(bare_base, script, 2)
        results: dict[str, list[Load]] = {"glokal": [], "nginx": [], "bare": []}
        for _ in range(args.rounds):
            results["glokal"].append(run_wrk(glokal_base, script, args.seconds))
            results["nginx"].append(run_wrk(nginx_base, script, args.seconds))
            results["bare"].append(run_wrk(bare_base, script, args.seconds))
        shows = check_change_shows(database, glokal_base, paths[len(paths) // 2])
        writes = bench_writes(database, paths, args.writes)
        writes_load = load()
        put_writes = bench_put_writes(database, glokal_base, paths, args.writes)
        put_load = load()
    finally:
        if nginx is not None:
            stop(nginx)
        if bare_server is not None:
            stop(bare_server)
        stop(glokal)
    best = {name: max(runs, key=lambda r: r.requests_per_second) for name, runs in
            results.items()}  # fmt: skip
    print(f"\n{len(paths)} pages /{{unit}}/mal/{{n}}, {CONNECTIONS} connections, "
          f"{args.seconds} s × {args.rounds} rounds each, {args.workers} workers each")  # fmt: skip
    print(f"{'server':8} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8}  load (1/5/15 min)  errors")
    for name, runs in results.items():
        for run in runs:
            mark = "*" if run is best[name] else " "
            print(f"{name:8}{mark}{run.requests_per_second:>11.1f} {run.p50_ms:>8.2f} "
                  f"{run.p99_ms:>8.2f}  {run.load:17}  {run.errors or '-'}")  # fmt: skip
    ratio = best["glokal"].requests_per_second / best["nginx"].requests_per_second
    p99 = best["glokal"].p99_ms
    ceiling = best["bare"].requests_per_second / best["nginx"].requests_per_second
    verdict = {True: "met", False: "not met"}
    print(f"\nratio glokal/nginx (best rounds): {ratio:.3f}× (goal ≥ {GOAL_RATIO}×: "
          f"{verdict[ratio >= GOAL_RATIO]})")  # fmt: skip
    of_bare = best["glokal"].requests_per_second / best["bare"].requests_per_second
    print(f"ceiling of the server (bare uvicorn, the same pages from a dict)/nginx: "
          f"{ceiling:.3f}×; glokal/bare: {of_bare:.3f}×")  # fmt: skip
    print(f"glokal p99: {p99:.1f} ms (goal ≤ {GOAL_P99_MS:.0f} ms: {verdict[p99 <= GOAL_P99_MS]})")
    print(f"a change shows at once: {'yes' if shows else 'NO'}")
    print(f"editor writes (record_assessment + audit, one transaction each, SQLite): "
          f"{writes:.0f}/s (goal ≥ {GOAL_WRITES:.0f}/s: {verdict[writes >= GOAL_WRITES]}; "
          f"load {writes_load})")  # fmt: skip
    print(f"editor writes through PUT /api/v1/units/{{unit}}/goals/{{n}}/assessment (bearer "
          f"token, one connection): {put_writes:.0f}/s (goal ≥ {GOAL_WRITES:.0f}/s: "
          f"{verdict[put_writes >= GOAL_WRITES]}; load {put_load})")  # fmt: skip
    return 0 if shows else 1


if __name__ == "__main__":
    sys.exit(main())

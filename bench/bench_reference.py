"""Benchmark: loading the reference data (`Store.init`) into a fresh SQLite file.

Peer, measured in the same run: the same rows written by plain `sqlite3.executemany` into the
same schema (no ORM, no comparison with what is there). The ratio says what the idempotent,
validated ORM path costs over the cheapest possible write. Also timed: a second init (nothing
changes), which is what every `make run` does.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from glokal.framework import load_framework
from glokal.places import load_places
from glokal.store import Store
from glokal.store.models import Base

ROUNDS = 5


def _init_once(directory: Path) -> tuple[float, float]:
    store = Store(make_url(f"sqlite:///{directory / 'glokal.sqlite3'}"))
    started = time.perf_counter()
    store.init()
    first = time.perf_counter() - started
    started = time.perf_counter()
    store.init()
    second = time.perf_counter() - started
    store.close()
    return first, second


def _peer_once(directory: Path) -> float:
    path = directory / "peer.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    framework, places = load_framework(), load_places()
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executemany(
            "INSERT INTO goal VALUES (?,?,?,?,?,?,?,?)",
            [(g.number, g.short_sv, g.short_en, g.title_sv, g.title_en, g.colour, "[]", g.source)
             for g in framework.goals],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO target VALUES (?,?,?,?,?,?,?,?)",
            [(t.id, t.goal, n, t.text_en, t.text_sv, t.short_sv, t.short_en, t.source)
             for n, t in enumerate(framework.targets)],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO indicator VALUES (?,?,?,?,?,?,?)",
            [(i.id, i.target, n, i.text_en, i.text_sv, i.same_as, i.source)
             for n, i in enumerate(framework.indicators)],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO mdg VALUES (?,?,?,?)",
            [(m.number, m.title_sv, m.title_en, m.source) for m in framework.mdgs],
        )
        connection.executemany(
            "INSERT INTO county VALUES (?,?,?,?)",
            [(c.code, c.name, c.region, c.source) for c in places.counties],
        )
        connection.executemany(
            "INSERT INTO kommungrupp VALUES (?,?,?,?,?,?)",
            [(k.code, k.main_group, k.name_sv, k.name_en, k.kolada_group, k.source)
             for k in places.kommungrupper],
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO place VALUES (?,?,?,?,?,?,?)",
            [(p.id, p.name, p.type, p.county, p.region, p.kommungrupp, p.source)
             for p in sorted(places.places, key=lambda p: (p.type == "K", p.id))],
        )  # fmt: skip
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    load_framework(), load_places()  # parse package data outside the timings
    firsts, seconds, peers = [], [], []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            first, second = _init_once(Path(tmp))
            firsts.append(first)
            seconds.append(second)
            peers.append(_peer_once(Path(tmp)))
    first, second, peer = (statistics.median(x) for x in (firsts, seconds, peers))
    print(f"Store.init on an empty SQLite file (migrate + load): {first * 1000:8.1f} ms")
    print(f"Store.init again (nothing changes):                 {second * 1000:8.1f} ms")
    print(f"peer: sqlite3.executemany of the same rows:         {peer * 1000:8.1f} ms")
    print(f"ratio init/peer: {first / peer:.1f}x   re-init/peer: {second / peer:.1f}x")


if __name__ == "__main__":
    main()

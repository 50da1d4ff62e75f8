"""Ctrl-C during a sync: a one-line message, exit 130, quickly; the next run finishes the job."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import KOLADA_DATA, clean_environ
from tests.kolada.replay import Faults, ReplayDataset, ReplayServer


def test_ctrl_c_stops_a_sync_cleanly_and_a_rerun_completes(tmp_path: Path) -> None:
    environ = clean_environ() | {"GLOKAL_DATA_DIR": str(tmp_path)}
    dataset = ReplayDataset(KOLADA_DATA, kpi_count=12)
    with ReplayServer(dataset) as server:
        # Slow answers, so that the sync is surely in the middle of its work when stopped.
        server.faults = Faults(rate_slow=0.5, slow_seconds=0.5, first_requests_clean=8)
        command = [sys.executable, "-m", "glokal", "sync", "kolada", "--base-url",
                   server.base_url, "--rate", "0", "--concurrency", "2"]  # fmt: skip
        for attempt in range(3):
            before = server.request_count
            process = subprocess.Popen(
                command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            # Stop it once it is fetching values (metadata takes a handful of requests), however
            # long Python takes to start on a busy machine.
            deadline = time.monotonic() + 60
            while server.request_count < before + 10 + 3 * attempt and process.poll() is None:
                assert time.monotonic() < deadline, "the sync never got going"
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            stopped = time.monotonic()
            _out, err = process.communicate(timeout=30)
            if process.returncode == 0:  # it finished before the signal came
                break
            assert time.monotonic() - stopped < 15, "the sync took too long to stop"
            assert process.returncode == 130, err
            # Said in the interface language: Swedish, the default.
            assert err.strip().splitlines()[-1] == (
                "glokal: avbrutet; kör kommandot igen för att fortsätta"
            )
            assert "Traceback" not in err
        server.faults = Faults()
        done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    values = subprocess.run(
        [sys.executable, "-m", "glokal", "values", "--format", "json"],
        env=environ, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    stored = {
        (v["kpi"], v["municipality"], v["period"], v["gender"], v["value"])
        for v in json.loads(values.stdout)["values"]
    }
    assert stored == dataset.live_values()

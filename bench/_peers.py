"""Shared by the benchmarks: a peer store to compare with (InfluxDB 1.6, Debian's `influxdb`
package, on a free port in a temp dir) and CPU time of process trees read from /proc."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _stack import free_port, stop

TICK = os.sysconf("SC_CLK_TCK")

INFLUXD_CONFIG = """\
reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"

[meta]
  dir = "{root}/meta"
  logging-enabled = false

[data]
  dir = "{root}/data"
  wal-dir = "{root}/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  bind-address = "127.0.0.1:{port}"
  log-enabled = false
  write-tracing = false

[continuous_queries]
  enabled = false
"""


def influxd_binary() -> str | None:
    """`influxd`, installed from Debian when missing and we may (root with apt-get)."""
    found = shutil.which("influxd")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("==> installing Debian's influxdb (apt-get install -y influxdb)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "influxdb"], env=env, check=False)
    return shutil.which("influxd")


@contextmanager
def influxd(database: str) -> Iterator[tuple[int, int]]:
    """InfluxDB 1.x on a free port with `database` created: (port, pid). Data in a temp dir,
    WAL fsynced on every write (its default), as a deployed one would be."""
    binary = influxd_binary()
    if binary is None:
        raise FileNotFoundError("influxd")
    with tempfile.TemporaryDirectory(prefix="chiron-influx-") as root:
        port, rpc = free_port(), free_port()
        config = Path(root) / "influxdb.conf"
        config.write_text(INFLUXD_CONFIG.format(root=root, port=port, rpc=rpc))
        log = (Path(root) / "influxd.log").open("wb")
        proc = subprocess.Popen([binary, "-config", str(config)], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError((Path(root) / "influxd.log").read_text()[-2000:])
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 204:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("influxd did not answer /ping in 30 s")
                time.sleep(0.2)
            created = httpx.post(
                f"http://127.0.0.1:{port}/query", params={"q": f'CREATE DATABASE "{database}"'}
            )
            created.raise_for_status()
            yield port, proc.pid
        finally:
            stop(proc)
            log.close()


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of one process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree(root: int) -> set[int]:
    """`root` and every descendant (uvicorn's workers, a server's helpers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[0]
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    return {pid: stat[1] for pid in pids if (stat := _stat(pid)) is not None}


class CpuMeter:
    """CPU seconds spent by a set of processes between `start()` and `stop()`; processes
    that appear in between (a pool opening a connection) count from zero."""

    def __init__(self, pids: Iterable[int] = ()) -> None:
        self.before = cpu_seconds(pids)
        self.spent = 0.0

    def stop(self, pids: Iterable[int]) -> float:
        after = cpu_seconds(set(pids) | set(self.before))
        self.spent = sum(after[p] - self.before.get(p, 0.0) for p in after)
        return self.spent

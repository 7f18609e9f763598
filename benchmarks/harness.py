"""Servers, browsers and neighbours for the browser benchmarks, all bounded and always cleaned up.

Every server is a ``streamlit run`` on 127.0.0.1 with the same flags (the app and the bare
apps alike), its output in ``benchmarks/results/logs/``; every child process (servers, busy
neighbours) is killed on the way out, and also dies with this process (PR_SET_PDEATHSIG).
Chromium is Debian's, driven by Playwright, with the flags that stop it calling Google.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
LOGS = RESULTS / "logs"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags, chromium calls Google's hosts at every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
FIRST_FIGURE = '[data-testid="stMetricValue"]'  # the first st.metric value: "first figure"
RUNNING = "[data-testid=stStatusWidget]"  # shown while a script (or fragment) runs
# Bytes of the first figure's label in its websocket message: the pitch's first metric is
# "Today's rule reaches" (or "A random pick reaches"); the bare apps' are below.
APP_FIGURE_BYTES = b" reaches"
BARE_FIGURE_BYTES = {"bare_one_line": b"A figure", "bare_room": b"Reached"}

# The bare apps the app is compared with, written to a temporary folder.
BARE_ONE_LINE = 'import streamlit as st; st.metric("A figure", "42")\n'
BARE_SLIDER = '''import streamlit as st

value = st.slider("How many get the action", 0, 1000, 500)
st.markdown(f"##### {value:,} get the action")
for number, column in enumerate(st.columns(6), start=1):
    column.metric(f"Figure {number}", f"{value * number:,}", delta=f"{value - 500:+,}")
'''
BARE_ROOM = '''import streamlit as st

st.title("A bare app")
left, middle, right = st.columns(3)
left.metric("Reached", "1,234", delta="+56")
middle.metric("Spend", "$40,000")
right.metric("Net value", "$123,456", delta="+$7,890")
st.markdown("A paragraph of text under three figures, as a page of a few plain elements would have.")
'''


class BenchError(RuntimeError):
    """A part could not measure what it wanted (a server that did not start, a timeout)."""


def have_chromium() -> bool:
    return Path(CHROMIUM).exists()


def browser_missing() -> str | None:
    """Why the browser parts cannot run here, or None."""
    if not have_chromium():
        return "Debian chromium not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -r requirements-dev.txt)"
    return None


def _die_with_parent() -> None:
    """In a child before exec: be killed when the benchmark process goes away."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def child_process(args: list[str], **kwargs) -> subprocess.Popen:
    """A child process that dies with this one."""
    return subprocess.Popen(args, preexec_fn=_die_with_parent, **kwargs)  # noqa: S603


def stop(process: subprocess.Popen, grace: float = 15.0) -> None:
    """Terminate a child we started, then kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process now (VmRSS), in MB; NaN once it is gone."""
    return _status_mb(pid, "VmRSS:")


def tree_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process and all its descendants now, in MB."""
    total, pending, seen = 0.0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        mb = rss_mb(current)
        if current == pid and math.isnan(mb):  # the process itself is gone
            return mb
        total += 0.0 if math.isnan(mb) else mb  # a child that just ended
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                pending += [int(child) for child in task.read_text().split()]
    return total


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a process's resident memory (VmHWM), in MB."""
    return _status_mb(pid, "VmHWM:")


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system), in seconds; NaN once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its children, living or finished (user + system), in seconds.

    A finished child that was waited for counts in its parent's ``cutime``/``cstime``; a living
    one (an upload still being read in its own process) is found by walking ``/proc``'s parents.
    NaN once the process is gone.
    """
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stats[int(entry.name)] = (entry / "stat").read_text().rpartition(")")[2].split()
    if pid not in stats:
        return float("nan")
    total, queue = 0, [pid]
    while queue:
        current = queue.pop()
        fields = stats[current]
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        queue += [child for child, f in stats.items() if int(f[1]) == current]
    return total / tick


def _task_waits(pid: int) -> dict[tuple[int, int], int]:
    """Nanoseconds each thread of a process and of its living children waited for a core."""
    waits, queue, seen = {}, [pid], set()
    while queue:
        current = queue.pop()
        seen.add(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    waits[(current, int(task.name))] = int((task / "schedstat").read_text().split()[1])
                with contextlib.suppress(OSError, ValueError):
                    queue += [int(c) for c in (task / "children").read_text().split() if int(c) not in seen]
    return waits


class CoreWait:
    """Seconds a process's threads (and its living children's) spent ready to run but waiting
    for a core (``/proc/<pid>/task/*/schedstat``), sampled every 50 ms so threads that end (a
    Streamlit script run, the upload's reader) still count up to their last sample: on a busy
    machine, the part of a wait that a quiet one would not have.

    ``mark()`` starts a span; ``since()`` is the wait since the mark.
    """

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self._last: dict[tuple[int, int], int] = {}
        self._start: dict[tuple[int, int], int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        waits = _task_waits(self.pid)
        with self._lock:
            self._last.update(waits)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def mark(self) -> None:
        self._sample()
        with self._lock:
            self._start = dict(self._last)

    def since(self) -> float:
        self._sample()
        with self._lock:
            return sum(value - self._start.get(key, 0) for key, value in self._last.items()) / 1e9

    def __enter__(self) -> CoreWait:
        self._thread.start()
        self.mark()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def watch_for_bytes(page, marker: bytes, start: float, seen: dict) -> None:
    """Note in ``seen["at"]`` when the first websocket message holding ``marker`` arrives.

    Streamlit sends each element as a protobuf message with its text in plain UTF-8, so the
    arrival of the first figure's label splits a wait into the server's part (until it
    arrives) and the browser's (drawing it). Works with the sync and the async API alike.
    """

    def frame(payload) -> None:
        data = payload if isinstance(payload, bytes | bytearray) else str(payload).encode()
        if "at" not in seen and marker in data:
            seen["at"] = time.perf_counter() - start

    page.on("websocket", lambda socket: socket.on("framereceived", frame))


def _status_mb(pid: int | str, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class Server:
    """A running ``streamlit run`` on 127.0.0.1."""

    process: subprocess.Popen
    url: str
    log_path: Path
    started: float  # time.perf_counter() just before the process was launched
    health: str = "/_stcore/health"  # a path that answers once the server serves (Streamlit's)

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def wait_healthy(self, timeout: float, poll: float = 0.05) -> float:
        """Wait until the server answers its health check; returns the time since launch."""
        deadline = time.perf_counter() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}{self.health}", timeout=2):  # noqa: S310 - 127.0.0.1
                    return time.perf_counter() - self.started
            except OSError:
                if self.process.poll() is not None:
                    raise BenchError(f"the server exited ({self.process.returncode}); see {self.log_path}") from None
                if time.perf_counter() > deadline:
                    raise BenchError(f"the server did not answer within {timeout:.0f} s; see {self.log_path}") from None
                time.sleep(poll)


def start_server(script: str | Path, cwd: Path, log_name: str, env: dict[str, str] | None = None,
                 count_fits: bool = False) -> Server:
    """Launch ``streamlit run script`` on a free port of 127.0.0.1 (not waiting for it).

    ``count_fits`` starts it through :mod:`benchmarks.fit_counter`, which prints one line per
    model fit to the log. The app and the bare apps get the same flags.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    launcher = [sys.executable, "-m", "benchmarks.fit_counter"] if count_fits else [sys.executable, "-m"]
    args = [*launcher, "streamlit", "run", str(script), "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log_path = LOGS / f"{log_name}.log"
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    if count_fits:  # the wrapper is imported from this repository, whatever the app's folder
        environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p)
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = child_process(args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=environment)
    return Server(process, f"http://127.0.0.1:{port}", log_path, started)


@contextmanager
def running_server(script: str | Path, cwd: Path, log_name: str, env: dict[str, str] | None = None,
                   count_fits: bool = False, timeout: float = 120.0) -> Iterator[Server]:
    """A started and healthy server, stopped on the way out whatever happens."""
    server = start_server(script, cwd, log_name, env, count_fits)
    try:
        server.wait_healthy(timeout)
        yield server
    finally:
        stop(server.process)


def write_bare_apps(folder: Path) -> dict[str, Path]:
    """The bare apps, as files in a folder: one line, a slider with six metrics, a room page."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in (("bare_one_line", BARE_ONE_LINE), ("bare_slider", BARE_SLIDER), ("bare_room", BARE_ROOM)):
        paths[name] = folder / f"{name}.py"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@contextmanager
def busy_neighbours(count: int | None = None, warm: float = 0.5) -> Iterator[list[subprocess.Popen]]:
    """``count`` (default: one per core) processes spinning on a core each, killed on the way out."""
    processes: list[subprocess.Popen] = []
    try:
        for _ in range(count or os.cpu_count() or 1):
            processes.append(child_process([sys.executable, "-c", "while True: pass"]))
        time.sleep(warm)  # let them get going before anything is timed
        yield processes
    finally:
        for process in processes:
            process.kill()
        for process in processes:
            process.wait(timeout=30)


def launch_browser(playwright):
    """Debian's chromium (sync or async Playwright alike)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def refuse_network(context) -> list[str]:
    """Refuse every request but the local server's; the refused addresses are listed."""
    refused: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "file:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", handle)
    return refused


def settle(page, timeout_ms: float, quiet_ms: int = 300) -> None:
    """Wait until the page's script (and fragments) stopped running, twice in a row."""
    for _ in range(2):
        page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=timeout_ms)
        page.wait_for_timeout(quiet_ms)


def machine() -> dict:
    """What the figures were measured on: cores, load, versions, the commit."""
    import platform

    def version(module: str) -> str:
        try:
            return __import__(module).__version__
        except Exception:  # noqa: BLE001 - a missing package is just "absent" here
            return "absent"

    try:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "absent"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    try:
        total = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        total = float("nan")
    return {
        "cores": os.cpu_count(), "load_average": os.getloadavg(), "memory_gb": round(total, 1),
        "platform": platform.platform(), "python": platform.python_version(), "commit": commit,
        "chromium": chromium, **{m: version(m) for m in ("streamlit", "sklearn", "pandas", "numpy", "playwright")},
    }

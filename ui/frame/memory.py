"""Keeping a long-running server's memory flat.

Streamlit's collection after every run is off (.streamlit/config.toml: it blocked every viewer
for up to half a second), so reference cycles left by finished runs and closed sessions (a
rerun's traceback holds the frames, and they hold a page's tables and arrays) wait for Python's
own full collection. That one is paced by how many objects were made, not how many bytes they
hold, so a server a team leaves running grows. One thread per server process collects them when
the server has grown by ``GROWTH_MB`` since the last time, or every ``INTERVAL_S`` at the
latest, and hands the freed heap back to the system (glibc's ``malloc_trim``), so the resident
size follows what is really in use: bounded caches, live sessions.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from pathlib import Path

LOG = logging.getLogger("proofdeck")

CHECK_S = 15.0  # how often the thread looks at the server's size
GROWTH_MB = 48.0  # grown this much since the last collection: collect now
INTERVAL_S = 600.0  # and at least this often while the server runs

_started = threading.Lock()
_thread: threading.Thread | None = None


def resident_mb() -> float:
    """This process's resident size (VmRSS) in MB; NaN where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _trim_function():
    """glibc's malloc_trim, or None on a C library without it (macOS, musl)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def collect_and_trim(trim=None) -> None:
    """One full collection, then the freed heap back to the system where the C library allows."""
    gc.collect()
    if trim is not None:
        trim(0)


def _keep(check_s: float, growth_mb: float, interval_s: float) -> None:
    trim = _trim_function()
    last_size, last_time = resident_mb(), time.monotonic()
    while True:
        time.sleep(check_s)
        size = resident_mb()
        if size - last_size < growth_mb and time.monotonic() - last_time < interval_s:
            continue
        started = time.perf_counter()
        collect_and_trim(trim)
        last_size, last_time = resident_mb(), time.monotonic()
        LOG.info("memory: collected in %.0f ms, %.0f MB -> %.0f MB",
                 (time.perf_counter() - started) * 1000, size, last_size)


def keep_memory_flat(check_s: float = CHECK_S, growth_mb: float = GROWTH_MB,
                     interval_s: float = INTERVAL_S) -> bool:
    """Start the server's one keeper thread (later calls do nothing); True when this call started it."""
    global _thread
    with _started:
        if _thread is not None:
            return False
        _thread = threading.Thread(target=_keep, args=(check_s, growth_mb, interval_s),
                                   name="proofdeck-memory", daemon=True)
        _thread.start()
        return True

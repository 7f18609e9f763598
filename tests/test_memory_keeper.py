"""The server's memory keeper (ui/frame/memory.py): it frees what cycles hold, starts once."""

import gc
import threading
import weakref

import numpy as np

from ui.frame import memory


class _Holder:
    pass


def test_a_collection_frees_an_array_that_only_a_cycle_holds():
    gc.disable()  # so that nothing but the keeper's collection can free the cycle
    try:
        holder = _Holder()
        holder.self = holder  # a cycle, as a rerun's traceback and its frames make
        holder.table = np.zeros(1_000_000)
        watched = weakref.ref(holder)
        del holder
        assert watched() is not None  # reference counting alone cannot free a cycle
        memory.collect_and_trim(memory._trim_function())
        assert watched() is None
    finally:
        gc.enable()


def test_the_trim_is_glibcs_here_and_returns_a_status():
    trim = memory._trim_function()
    if trim is not None:  # Linux with glibc, as the servers run
        assert trim(0) in (0, 1)


def test_the_keeper_starts_once_per_process(monkeypatch):
    started = []
    monkeypatch.setattr(memory, "_thread", None)
    monkeypatch.setattr(memory, "_keep", lambda *args: started.append(args))
    assert memory.keep_memory_flat(1.0, 2.0, 3.0) is True
    assert memory.keep_memory_flat() is False
    memory._thread.join(timeout=5)
    assert started == [(1.0, 2.0, 3.0)]
    assert isinstance(memory._thread, threading.Thread) and memory._thread.daemon


def test_resident_size_is_a_positive_figure_on_linux():
    size = memory.resident_mb()
    assert size != size or size > 1  # NaN only where /proc is missing

"""Reading an upload in a separate, limited process, so a hostile file costs other viewers nothing.

openpyxl parses workbooks in pure Python and holds the GIL: a thread reading a large sheet
inside the Streamlit server slows every other session (about ten times, measured in issue 17).
So the app reads each upload with :func:`read_isolated`, in a child process that

- is a plain ``python -m proofdeck.upload.isolated``, not :mod:`multiprocessing`: its
  "spawn" and "forkserver" start methods re-run the parent's ``__main__`` in the child,
  which inside ``streamlit run`` is the page being run (a child imports only the readers, in
  about half a second);
- runs at a lower priority (nice 10), so the server's own work comes first on a busy machine;
- sets limits on itself before reading: address space (``RLIMIT_AS``) and processor time
  (``RLIMIT_CPU``), and reads with the same :class:`~proofdeck.data.limits.ReadBudget` as an
  in-process read (cells, bytes unpacked and decoded, time);
- is killed by the parent once the time budget (and a grace) has passed, whatever it is doing.

Nothing crosses the process boundary as a pickle: the request is JSON on the command line
(numbers and the file name's extension) and the file's bytes on stdin; the answer is one line
of JSON (the kind, notes and conversions, or the error's message, and what was read) and, when
the file was read, the frame as an Arrow IPC stream on stdout.
:func:`~proofdeck.upload.ingest.read_upload` stays the plain in-process reader (tests, CLI).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path, PurePath

import pyarrow as pa

from proofdeck.data.coercion import Conversion
from proofdeck.data.delimited import DataError, Table
from proofdeck.data.limits import ReadBudget, TooLarge, TooSlow, seconds
from proofdeck.upload.ingest import MAX_UPLOAD_BYTES, check_size, read_budget, read_upload

LOG = logging.getLogger("proofdeck")
MEMORY_BYTES = 8 * 1024**3  # address space of the child: 200 MB of "0,0" lines (50 million rows) peak near 5 GB
GRACE_SECONDS = 10.0  # past the wall-clock backstop before the parent kills the child
# The child counts its own processor time against the budget, so how busy the machine is never
# decides the verdict; the parent's wall clock is only a backstop for a starved child (it runs
# at nice 10, and two other busy processes can leave it a few percent of the processor).
WALL_FACTOR = 5
NICENESS = 10
MODULE = "proofdeck.upload.isolated"
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the proofdeck package
_COUNTS = ("rows_read", "cells_read", "cells_built", "bytes_unpacked", "bytes_decoded")
_ERRORS = {"TooLarge": TooLarge, "TooSlow": TooSlow, "DataError": DataError}
_HEADER_LIMIT = 64 * 1024 * 1024  # the answer's JSON line (notes, conversions) at most


def read_isolated(name: str, raw: bytes, max_bytes: int = MAX_UPLOAD_BYTES, budget: ReadBudget | None = None,
                  memory_bytes: int = MEMORY_BYTES) -> Table:
    """Read an upload like :func:`~proofdeck.upload.ingest.read_upload`, in a child process.

    Parameters
    ----------
    name : the file's name as uploaded (only its extension is sent to the child).
    raw : the file's bytes; never modified.
    max_bytes : the largest file accepted.
    budget : the bounds (default :func:`~proofdeck.upload.ingest.read_budget`); after the
        read it holds the child's counts of what was read.
    memory_bytes : the child's address space at most.

    Returns
    -------
    Table
        The same table the in-process reader returns.

    Raises
    ------
    DataError
        The reader's own message; :class:`~proofdeck.data.limits.TooSlow` when the child ran
        past the time budget and was stopped, :class:`~proofdeck.data.limits.TooLarge` when it
        ran out of memory.
    """
    check_size(raw, max_bytes)  # before a process is started for it
    budget = read_budget(max_bytes) if budget is None else budget
    request = {
        "suffix": PurePath(name).suffix[:16], "max_bytes": max_bytes, "seconds": budget.seconds,
        "cells": budget.cells, "unpacked_bytes": budget.unpacked_bytes, "decoded_bytes": budget.decoded_bytes,
        "memory_bytes": memory_bytes,
    }
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    process = subprocess.Popen(  # noqa: S603 - our own module, arguments are numbers and a suffix
        [sys.executable, "-m", MODULE, json.dumps(request)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=environment,
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(WALL_FACTOR * budget.seconds + GRACE_SECONDS, stop)
    timer.daemon = True
    feeder = threading.Thread(target=_feed, args=(process.stdin, raw), daemon=True)
    errors = _Tail(process.stderr)
    answer, frame = None, None
    try:
        timer.start()
        feeder.start()
        errors.start()
        line = process.stdout.readline(_HEADER_LIMIT)
        if line.endswith(b"\n"):
            answer = json.loads(line)
            if "error" not in answer:
                frame = pa.ipc.open_stream(process.stdout).read_all().to_pandas()
        process.wait()
    except (OSError, ValueError, pa.ArrowException):
        answer = None  # cut short (killed): said below from the exit status
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        feeder.join()
        errors.join()
        process.stdout.close()
        process.stderr.close()
    if answer is not None:
        for key in _COUNTS:
            setattr(budget, key, int(answer.get("counts", {}).get(key, 0)))
    if answer is not None and frame is not None:
        return _table(answer, frame)
    if answer is not None and answer.get("error") in _ERRORS:
        raise _ERRORS[answer["error"]](answer["message"], public=answer.get("public"))
    if timed_out.is_set():
        raise TooSlow(f"the file could not be read in time: the server was too busy for more than "
                      f"{seconds(WALL_FACTOR * budget.seconds)}, so reading it was stopped; try again, or upload a "
                      "smaller sample of rows")
    if process.returncode == -signal.SIGXCPU:
        raise TooSlow(f"the file took too long to read: more than {seconds(budget.seconds)}, the limit here, so "
                      "reading it was stopped; upload a smaller sample of rows (or save a workbook as CSV)")
    LOG.warning("the upload reader stopped (exit status %s): %s %s", process.returncode,
                (answer or {}).get("message", ""), errors.text())
    raise DataError(
        f"the file could not be read: the reader stopped (it may need more than the {memory_bytes / 1e9:,.0f} GB "
        "of memory this app gives one file, or be damaged); upload a smaller sample of rows"
    )


def _feed(stream, raw: bytes) -> None:
    # OSError (a broken pipe): the child stopped early (too large, killed); its answer says why.
    with contextlib.suppress(OSError):
        stream.write(raw)
    with contextlib.suppress(OSError):
        stream.close()


class _Tail(threading.Thread):
    """Reads a stream to its end, keeping its last few kilobytes (for the log)."""

    def __init__(self, stream, keep: int = 4096) -> None:
        super().__init__(daemon=True)
        self._stream, self._keep, self._data = stream, keep, b""

    def run(self) -> None:
        for chunk in iter(lambda: self._stream.read1(65536), b""):
            self._data = (self._data + chunk)[-self._keep :]

    def text(self) -> str:
        return self._data.decode("utf-8", errors="replace")


def _table(answer: dict, frame) -> Table:
    # Every field the child sent (asdict), lists back to tuples: a new field needs no change here.
    conversions = tuple(Conversion(**{k: tuple(v) if isinstance(v, list) else v for k, v in c.items()})
                        for c in answer["conversions"])
    return Table(frame, answer["kind"], tuple(answer["notes"]), conversions, answer["delimiter"], answer["encoding"])


def table_answer(table: Table) -> tuple[dict, pa.Table]:
    """A table as the child sends it: JSON-ready fields, and the frame as Arrow."""
    fields = {"kind": table.kind, "notes": list(table.notes), "conversions": [asdict(c) for c in table.conversions],
              "delimiter": table.delimiter, "encoding": table.encoding}
    return fields, pa.Table.from_pandas(table.frame, preserve_index=False)


# --- the child ---------------------------------------------------------------------------------


def _limit_self(memory_bytes: int, seconds: float) -> None:
    import resource

    os.nice(NICENESS)
    cpu = int(2 * seconds) + 10  # processor time of all threads; the parent's clock is wall time
    for kind, soft, hard in ((resource.RLIMIT_AS, memory_bytes, memory_bytes), (resource.RLIMIT_CPU, cpu, cpu + 5)):
        _, allowed = resource.getrlimit(kind)
        if allowed != resource.RLIM_INFINITY:  # a limit already set (a container) can only be lowered
            soft, hard = min(soft, allowed), min(hard, allowed)
        resource.setrlimit(kind, (soft, hard))


def main(argv: list[str]) -> int:
    """The child: read the request, the file from stdin, answer on stdout."""
    import warnings

    request = json.loads(argv[0])
    answer_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answer
    warnings.simplefilter("ignore")  # a hostile file can make openpyxl warn without end
    _limit_self(request["memory_bytes"], request["seconds"])
    budget = ReadBudget(seconds=request["seconds"], cells=request["cells"],
                        unpacked_bytes=request["unpacked_bytes"], decoded_bytes=request["decoded_bytes"],
                        clock=time.process_time)  # its own work, whatever else the machine does
    budget.start()
    arrow = None
    try:
        raw = sys.stdin.buffer.read()
        answer, arrow = table_answer(read_upload("upload" + request["suffix"], raw, request["max_bytes"], budget))
    except DataError as error:
        answer = {"error": type(error).__name__ if type(error).__name__ in _ERRORS else "DataError",
                  "message": str(error), "public": error.public}
    except (MemoryError, pa.ArrowMemoryError):
        answer = {"error": "TooLarge", "message": (
            f"the file is too large: reading it needs more than the {request['memory_bytes'] / 1e9:,.0f} GB of "
            f"memory this app gives one file (reading stopped after {budget.rows_read:,} rows); upload a smaller "
            "sample of rows")}
    except Exception as error:  # noqa: BLE001 - an unforeseen failure: the parent logs it and says so
        answer = {"error": "Failed", "message": f"{type(error).__name__}: {error}"[:2000]}
    answer["counts"] = {key: getattr(budget, key) for key in _COUNTS}
    try:
        answer_stream.write(json.dumps(answer).encode() + b"\n")
        if arrow is not None:  # written straight to the pipe: no copy of the frame as bytes
            with pa.ipc.new_stream(answer_stream, arrow.schema) as writer:
                writer.write_table(arrow)
        answer_stream.close()
    except (BrokenPipeError, pa.ArrowException, OSError):
        return 1  # the parent gave up waiting
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

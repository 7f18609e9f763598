"""What reading one uploaded file may cost, counted while it is read.

A file's description of itself can lie: a workbook's declared size (its ``<dimension>``), a
zip member's declared length, a Parquet file's row-group sizes. A few bytes can also stand for
a great deal of work: 1.3 MB of zipped XML holds twenty million cells, and 5 MB of Parquet
four hundred million zeros. So the readers count what they actually unpack, decode and parse,
and a :class:`ReadBudget` stops them as soon as a bound is passed, with :class:`TooLarge` (the
file holds more than this app reads) or :class:`TooSlow` (reading took longer than allowed).
Both are :class:`~proofdeck.data.delimited.DataError`, so pages show their message; neither
says "damaged", since the file is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from proofdeck.data.delimited import DataError

READ_SECONDS = 60.0  # any upload; a workbook at the cell limit reads in a few seconds


def megabytes(size: float) -> str:
    """A size for a message: "1,049 MB", "4.2 MB", "0.1 MB"."""
    return f"{size / 1e6:,.0f} MB" if size >= 10e6 else f"{size / 1e6:.2g} MB"


def seconds(time: float) -> str:
    """A time for a message: "60 s", "0.5 s"."""
    return f"{time:,.0f} s" if time >= 10 else f"{time:.2g} s"


class TooLarge(DataError):
    """The file holds more than this app reads (counted while reading it)."""


class TooSlow(DataError):
    """Reading the file took longer than its time budget."""


@dataclass
class ReadBudget:
    """The bounds on reading one file, and what the reading has cost so far.

    Attributes
    ----------
    seconds : time allowed for the whole read, from :meth:`start`.
    cells : workbook cells read at most (each row counts as one cell too, so a sheet of
        empty rows is bounded as well).
    unpacked_bytes : bytes unzipped from a workbook at most, counted as they are unzipped.
    decoded_bytes : bytes of Parquet columns decoded at most (Arrow's size, plain values).
    advice : what to do instead, ending the time-limit message (readers set it).
    clock : the time source (tests pass a fake one; never time.time, which can jump).
    rows_read, bytes_unpacked, bytes_decoded : what was read so far.
    cells_read : cells of a workbook unzipped so far (elements of its XML, ahead of the rows).
    cells_built : cells of the rows built so far (a row is as wide as its last cell, and a
        row counts as one cell at least, so padding and skipped rows count).
    """

    seconds: float = READ_SECONDS
    cells: int = 2_000_000
    unpacked_bytes: int = 2_400_000_000
    decoded_bytes: int = 1_000_000_000
    advice: str = "upload a smaller sample of rows"
    clock: Callable[[], float] = time.monotonic
    rows_read: int = 0
    cells_read: int = 0
    cells_built: int = 0
    bytes_unpacked: int = 0
    bytes_decoded: int = 0
    _started: float | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the clock (once: a second call keeps the first start)."""
        if self._started is None:
            self._started = self.clock()

    def check_time(self) -> None:
        """Raise :class:`TooSlow` once the time is spent."""
        if self._started is None:
            self.start()
        elif self.clock() - self._started > self.seconds:
            raise TooSlow(
                f"the file took too long to read: more than {seconds(self.seconds)}, the limit here "
                f"(reading stopped {self._so_far()}); {self.advice}"
            )

    def count_rows(self, rows: int) -> None:
        """Rows of any format read so far (for the messages), and the time."""
        self.rows_read += rows
        self.check_time()

    def count_cells(self, cells: int) -> None:
        """Cell elements of a workbook unzipped so far (they run ahead of the rows built)."""
        self.cells_read += cells
        if self.cells_read > self.cells:
            self._too_many_cells()
        self.check_time()

    def count_row(self, width: int) -> None:
        """One row of a workbook built, ``width`` values wide."""
        self.cells_built += max(width, 1)
        if self.cells_built > self.cells:
            self._too_many_cells()
        self.count_rows(1)

    def _too_many_cells(self) -> None:
        raise TooLarge(
            f"the first sheet is too large: it holds more than {self.cells:,} cells, more than "
            f"this app reads from a workbook (reading stopped {self._so_far()}); save it as CSV "
            "(or Parquet), which reads about fifty times faster"
        )

    def count_unpacked(self, size: int) -> None:
        """Bytes unzipped from a workbook so far."""
        self.bytes_unpacked += size
        if self.bytes_unpacked > self.unpacked_bytes:
            raise TooLarge(
                f"the workbook is too large: it unpacks to more than {megabytes(self.unpacked_bytes)} "
                f"(reading stopped {self._so_far()}); export the sheet as CSV instead"
            )
        self.check_time()

    def count_decoded(self, size: int, rows: int) -> None:
        """Bytes and rows of Parquet columns decoded so far (checked before they are kept)."""
        self.bytes_decoded += size
        if self.bytes_decoded > self.decoded_bytes:
            raise TooLarge(
                f"the Parquet file is too large: its columns decode to more than "
                f"{megabytes(self.decoded_bytes)} (reading stopped {self._so_far()}); "
                "upload fewer rows or columns"
            )
        self.count_rows(rows)

    def _so_far(self) -> str:
        return f"after {self.rows_read:,} row{'s' if self.rows_read != 1 else ''}"

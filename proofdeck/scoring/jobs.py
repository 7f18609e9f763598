"""Score a table where it lives: in pandas chunks, on a Dask cluster, or on Spark.

Each job reads a table (a Parquet file or folder, or a CSV file), runs
:func:`proofdeck.scoring.score.score_frame` on its pieces and writes one scores file (Parquet or
CSV, by the destination's suffix) with the id, score, rule flag and outcome: the file the Your
data page reads as "your own scores". The model travels to the workers as the skops file's
bytes and is opened there with the same trusted-types check; nothing is pickled to disk.

dask and pyspark are imported only inside their jobs: neither is needed to run the app.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from proofdeck.scoring.model_file import ModelFileError, ScoringModel, read_model
from proofdeck.scoring.score import check_columns, output_columns, score_frame
from proofdeck.words.csv_safe import to_safe_csv

ENGINES = ("pandas", "dask", "spark")
CHUNK_ROWS = 200_000

# Opened models per worker process, by the hash of the file's bytes: a worker opens each model
# once, however many pieces it scores.
_OPENED: dict[str, ScoringModel] = {}


def _opened(raw: bytes) -> ScoringModel:
    key = hashlib.sha256(raw).hexdigest()
    if key not in _OPENED:
        _OPENED.clear()
        _OPENED[key] = read_model(raw)
    return _OPENED[key]


def _needed_columns(model: ScoringModel, available) -> list[str]:
    """The columns to read: the id, features, the rule's columns and the outcome if present."""
    from proofdeck.rules.rule import Rule

    wanted = ([model.id_column] if model.id_column else []) + list(model.features)
    if model.rule:
        wanted += sorted(Rule(model.rule, model.rule_kinds).columns)
    wanted.append(model.target_column)
    present = set(map(str, available))
    return [name for name in dict.fromkeys(wanted) if name in present]


def _require_id(model: ScoringModel) -> None:
    if not model.id_column:
        raise ModelFileError("the model's data has no id column: a scores file needs one to bring the "
                             "scores back to their rows; add an id and export the model again")


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt", ".tsv")


def _columns_of(source: Path) -> list[str]:
    if _is_csv(source):
        return list(pd.read_csv(source, nrows=0).columns)
    return list(pq.ParquetDataset(source).schema.names)


# --- the one-file writer every engine ends with --------------------------------------------------


class _ScoresWriter:
    """Appends pieces of scores to one Parquet or CSV file, in the order they come."""

    def __init__(self, destination: Path):
        self.destination = destination
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._csv_header = True

    def write(self, piece: pd.DataFrame) -> None:
        if _is_csv(self.destination):
            text = to_safe_csv(piece)
            if not self._csv_header:
                # The header is what an empty piece writes (a column name may hold a line break).
                text = text[len(to_safe_csv(piece.iloc[:0])):]
            with open(self.destination, "wb" if self._csv_header else "ab") as handle:
                handle.write(text)
            self._csv_header = False
        else:
            table = pa.Table.from_pandas(piece, preserve_index=False)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.destination, table.schema)
            self._parquet.write_table(table.cast(self._parquet.schema))
        self.rows += len(piece)

    def close(self) -> int:
        if self._parquet is not None:
            self._parquet.close()
        return self.rows


def _pandas_pieces(source: Path, columns: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    if _is_csv(source):
        yield from pd.read_csv(source, usecols=columns, chunksize=chunk_rows)
        return
    for fragment in pq.ParquetDataset(source).fragments:
        for batch in fragment.to_batches(columns=columns, batch_size=chunk_rows):
            yield batch.to_pandas()


def _start_job(model_file: str | Path, source: str | Path) -> tuple[bytes, ScoringModel, list[str]]:
    """The model file's bytes and model, and the columns of a table to read; refuses a table
    without what scoring needs, or a model without an id column."""
    raw = Path(model_file).read_bytes()
    model = _opened(raw)
    columns = _needed_columns(model, _columns_of(Path(source)))
    check_columns(model, columns)
    _require_id(model)
    return raw, model, columns


# --- the engines ------------------------------------------------------------------------------------


def score_with_pandas(model_file: str | Path, source: str | Path, destination: str | Path,
                      chunk_rows: int = CHUNK_ROWS) -> int:
    """Score ``source`` in chunks of ``chunk_rows`` on this machine; returns the rows written."""
    raw, model, columns = _start_job(model_file, source)
    source, destination = Path(source), Path(destination)
    writer = _ScoresWriter(destination)
    try:
        for piece in _pandas_pieces(source, columns, chunk_rows):
            writer.write(score_frame(model, piece))
    finally:
        rows = writer.close()
    return rows


def _dask_piece(piece: pd.DataFrame, raw: bytes) -> pd.DataFrame:
    return score_frame(_opened(raw), piece)


def score_with_dask(model_file: str | Path, source: str | Path, destination: str | Path,
                    client=None, blocksize: str = "64MB") -> int:
    """Score ``source`` on a Dask cluster (``client``, or the default scheduler).

    Each partition is scored on a worker by :func:`score_frame`; the scored partitions are then
    written, in order, to one file. Returns the rows written.
    """
    import dask
    import dask.dataframe as dd

    raw, model, columns = _start_job(model_file, source)
    source, destination = Path(source), Path(destination)
    if _is_csv(source):
        # Every column as text first: Dask guesses types per partition, pandas for the whole
        # file; score_frame then reads numbers as the pipeline was fitted on them.
        table = dd.read_csv(source, usecols=columns, blocksize=blocksize, dtype=object)
    else:
        # One partition per row group: a single file read whole would be one partition, and
        # one worker would score the whole table while the others wait.
        table = dd.read_parquet(source, columns=columns, split_row_groups=True)
    meta = _empty_scores(model, table._meta)
    scored = table.map_partitions(_dask_piece, raw, meta=meta)
    writer = _ScoresWriter(destination)
    try:
        parts = scored.to_delayed()
        if client is None:
            for start in range(0, len(parts), 2):
                for piece in dask.compute(*parts[start:start + 2]):
                    writer.write(piece)
        else:
            _gather_in_order(client, parts, writer)
    finally:
        rows = writer.close()
    return rows


def _gather_in_order(client, parts, writer: _ScoresWriter) -> None:
    """Keep the workers busy while the driver writes: a window of partitions is always being
    scored ahead, and their results are written in the table's order as they come back, so the
    driver holds only the window's scores, never the whole table."""
    from collections import deque

    window = 2 * _worker_count(client)
    pending = deque(client.compute(part) for part in parts[:window])
    upcoming = iter(parts[window:])
    while pending:
        piece = pending.popleft().result()
        following = next(upcoming, None)
        if following is not None:
            pending.append(client.compute(following))
        writer.write(piece)


def _worker_count(client) -> int:
    if client is None:
        return 1
    return max(1, len(client.scheduler_info().get("workers", {})))


def _empty_scores(model: ScoringModel, meta: pd.DataFrame) -> pd.DataFrame:
    """The scores' columns and types for an empty piece (Dask's ``meta``)."""
    empty = meta.iloc[:0]
    return score_frame(model, empty)


def score_with_spark(spark, model_file: str | Path, source: str | Path, destination: str | Path) -> int:
    """Score ``source`` with Spark (a ``SparkSession``), through a pandas UDF.

    The UDF gets Arrow batches of the needed columns as pandas frames and returns the scores'
    columns; Spark writes them as Parquet part files, which are then joined, in part order, into
    one file. Returns the rows written.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    raw = Path(model_file).read_bytes()
    model = _opened(raw)
    source, destination = Path(source), Path(destination)
    if _is_csv(source):
        table = spark.read.option("header", True).csv(str(source))  # every column as text
    else:
        table = spark.read.parquet(str(source))
    columns = _needed_columns(model, table.columns)
    check_columns(model, columns)
    _require_id(model)
    types = {field.name: field.dataType for field in table.schema.fields}
    fields = [StructField(model.id_column, types[model.id_column]), StructField("score", DoubleType())]
    if model.rule:
        fields.append(StructField("rule_flag", StringType()))
    if model.target_column in columns:
        fields.append(StructField(model.target_column, types[model.target_column]))
    schema = StructType(fields)
    names = [field.name for field in fields]

    @pandas_udf(schema)
    def score_batch(batch: pd.DataFrame) -> pd.DataFrame:
        return score_frame(_opened(raw), batch).loc[:, names]

    scored = table.select(score_batch(F.struct(*[F.col(f"`{name}`") for name in columns])).alias("s")).select("s.*")
    parts = Path(tempfile.mkdtemp(prefix="proofdeck-spark-"))
    try:
        scored.write.mode("overwrite").parquet(str(parts / "scores"))
        writer = _ScoresWriter(destination)
        try:
            for part in sorted((parts / "scores").glob("part-*.parquet")):
                writer.write(pq.read_table(part).to_pandas())
        finally:
            rows = writer.close()
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return rows


def expected_columns(model: ScoringModel, source: str | Path) -> list[str]:
    """The columns the scores file of ``source`` will have (for docs and checks)."""
    available = _columns_of(Path(source))
    return output_columns(model, model.target_column in available)

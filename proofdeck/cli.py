"""The ``proofdeck`` command (also ``python -m proofdeck``).

``proofdeck run`` serves the app (any further options go to ``streamlit run``, such as
``--server.port 8502``). ``proofdeck report demos/churn.toml --threshold 0.3 -o report.html``
writes the one-file report of a demo (a bundled demo can be named: ``proofdeck report churn``);
``--top K`` sets the model by how many held-out examples it acts on instead (default: as many
as today's rule), ``--predictions out.csv`` also writes the held-out predictions. Any mistake
(a missing or broken spec, a threshold that is not a share between 0 and 1, a file that cannot
be written) ends with one line on stderr and a non-zero exit code, never a traceback.
(``python -m proofdeck.samples`` regenerates the sample data.)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import logging
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from proofdeck.workspace.config import WORKSPACE_DIR_ENV

PROG = "proofdeck"
EXIT_USAGE = 2  # a bad argument (as argparse exits)
EXIT_FAILED = 1  # a bad spec, data that cannot be used, a file that cannot be written


class CommandError(Exception):
    """A mistake to report in one line (the message), with the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (argparse prints the usage first)."""

    def error(self, message: str):
        raise CommandError(f"{message} (see {PROG} report --help)", EXIT_USAGE)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, not {text[:40]!r}") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"must be a score between 0 and 1 (such as 0.3), not {text[:40]!r}")
    return value


def _whole(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise argparse.ArgumentTypeError(f"must be a whole number of held-out examples, not {text[:40]!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    main = _Parser(prog=PROG, description="Proofdeck: sell a machine-learning proof of concept.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="command")
    report = commands.add_parser(
        "report", help="write the one-file HTML report of a demo",
        description="Write the one-file HTML report of a demo (it opens offline), and optionally "
                    "the held-out predictions as CSV.",
    )
    report.add_argument("spec", help="the demo's spec file (demos/churn.toml) or a bundled demo's name (churn); "
                                     "with --model, the held-out data file (CSV, Parquet or Excel)")
    setting = report.add_mutually_exclusive_group()
    setting.add_argument("--threshold", type=_share, metavar="SCORE",
                         help="act on every held-out example scoring at least this (0 to 1)")
    setting.add_argument("--top", type=_whole, metavar="K",
                         help="act on the K highest-scoring held-out examples (default: as many as today's rule)")
    report.add_argument("-o", "--output", type=Path, help="the report file (default: <demo>-report.html)")
    report.add_argument("--predictions", type=Path, metavar="CSV", help="also write the held-out predictions here")
    report.add_argument("--stability", action="store_true",
                        help="also refit the model on 10 other splits and report how much its gain moves (slow)")
    report.add_argument("--date", action="store_true", help="print today's date in the report's footer")
    report.add_argument("-v", "--verbose", action="store_true",
                        help="also log the details of a problem (paths, values from the files) to stderr")
    own = report.add_argument_group(
        "your own fitted model", "Report on a model fitted elsewhere: --model names its skops file (never a pickle), "
        "and the positional argument is the held-out data, rows the model never trained on (docs/own-model.md).")
    own.add_argument("--model", type=Path, metavar="SKOPS", help="the fitted model, saved with skops.io.dump")
    own.add_argument("--outcome", help="the outcome column of the data (with --model)")
    own.add_argument("--positive", help="the outcome value to find (default: the model's positive class)")
    own.add_argument("--id", dest="id_column", help="a column naming each row")
    own.add_argument("--rule", help="today's rule, e.g. 'contract == \"month-to-month\"' (default: a random pick)")
    own.add_argument("--title", help="the demo's title")
    own.add_argument("--never-saw", action="store_true", help="confirm the model never trained on these rows")
    run = commands.add_parser(
        "run", help="serve the app (further options go to streamlit run)",
        description="Serve the Proofdeck app on the bundled demos. Any further options go to "
                    "`streamlit run`, e.g. `proofdeck run --server.port 8502`.",
    )
    del run  # it takes no options of its own: the rest go to streamlit run
    export = commands.add_parser(
        "export-model", help="write a demo's fitted model as a skops file, for scoring elsewhere",
        description="Write the fitted model of a demo (with its feature columns and today's rule) as a "
                    "skops file that `proofdeck score` and the Spark and Dask jobs read (docs/scoring.md).",
    )
    export.add_argument("spec", help="the demo's spec file (demos/churn.toml) or a bundled demo's name (churn)")
    export.add_argument("-o", "--output", type=Path, help="the model file (default: <demo>.skops)")
    export.add_argument("-v", "--verbose", action="store_true", help="also log the details of a problem")
    score = commands.add_parser(
        "score", help="score a table with an exported model (pandas chunks, Dask or Spark)",
        description="Score a table (Parquet file or folder, or CSV) with a model file from `proofdeck "
                    "export-model`, writing one file of id, score, rule flag and outcome that the Your "
                    "data page reads as your own scores (docs/scoring.md).",
    )
    score.add_argument("model", type=Path, help="the .skops model file")
    score.add_argument("table", type=Path, help="the table to score: a Parquet file or folder, or a CSV file")
    score.add_argument("-o", "--output", type=Path, required=True, help="the scores file (.parquet or .csv)")
    score.add_argument("--engine", choices=("pandas", "dask", "spark"), default="pandas",
                       help="pandas: chunks on this machine (default); dask: a local Dask cluster, or the "
                            "one at --scheduler; spark: a Spark session (--master, default local[*])")
    score.add_argument("--chunk-rows", type=_whole, default=200_000, metavar="N", help="rows per chunk (pandas)")
    score.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler's address (dask)")
    score.add_argument("--master", default="local[*]", help="the Spark master (spark)")
    score.add_argument("-v", "--verbose", action="store_true", help="also log the details of a problem")
    return main


def run_app(streamlit_options: list[str]) -> int:
    """Replace this process with ``streamlit run app.py`` (signals and exit code are Streamlit's)."""
    from proofdeck.app_files import app_root

    try:
        app = app_root() / "app.py"
    except FileNotFoundError as error:
        raise CommandError(str(error)) from None
    command = [sys.executable, "-m", "streamlit", "run", str(app), *streamlit_options]
    # An installed app lives in site-packages: its saved proofs of concept go where it was started.
    os.environ.setdefault(WORKSPACE_DIR_ENV, str(Path.cwd() / "workspace"))
    os.execv(sys.executable, command)
    return 0  # not reached: execv does not return


def _check_top(arguments, held_out: int) -> None:
    """Refuse a --top larger than the held-out part before anything is fitted."""
    if arguments.top is not None and arguments.top > held_out:
        raise CommandError(f"--top {arguments.top} is more than the {held_out:,} held-out examples", EXIT_USAGE)


def _count(scenario, arguments) -> int:
    if arguments.threshold is not None:
        return scenario.sweep.count_at(arguments.threshold)
    if arguments.top is not None:
        return arguments.top
    return scenario.default_count


def _spec_path(name: str) -> Path:
    from proofdeck.app_files import bundled_spec

    path = Path(name)
    if path.is_file():
        return path
    bundled = bundled_spec(name)
    if bundled is None:
        raise CommandError(f"no spec file at {name}")
    return bundled


def _write(path: Path, data: bytes, what: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write the {what} to {path}: {error.strerror or error}") from None


def report(arguments) -> str:
    """Build and write the report (and the predictions); returns what was done, in one line."""
    from proofdeck.data.datasets import load_dataset
    from proofdeck.data.spec import SpecError
    from proofdeck.data.spec_files import load_spec
    from proofdeck.model.scenario import build_scenario
    from proofdeck.model.training import holdout_split
    from proofdeck.sharing.predictions import predictions_csv
    from proofdeck.sharing.report import report_html, setting_text

    started = time.perf_counter()
    if arguments.model is not None:
        return own_model_report(arguments, started)
    spec_path = _spec_path(arguments.spec)
    try:
        spec = load_spec(spec_path)
        dataset = load_dataset(spec)
        if arguments.top is not None:  # cheap: the split, without the fit
            _check_top(arguments, holdout_split(dataset.labels, spec.model.test_size, spec.model.seed).test.size)
        scenario = build_scenario(spec, dataset)
    except SpecError as error:
        if error.detail:
            logging.getLogger("proofdeck").info("%s", error.detail)
        raise CommandError(str(error)) from None
    count = _count(scenario, arguments)
    stability = None
    if arguments.stability:
        from proofdeck.comparison.stability import model_stability

        stability = model_stability(spec)
    made_on = datetime.date.today().isoformat() if arguments.date else None
    page = report_html(scenario, spec.economics, count, stability=stability, made_on=made_on)
    output = arguments.output or Path(f"{spec.key}-report.html")
    _write(output, page.encode("utf-8"), "report")
    done = f"wrote {output} ({len(page.encode('utf-8')) / 1024:,.0f} KB"
    if arguments.predictions is not None:
        _write(arguments.predictions, predictions_csv(scenario, count), "predictions")
        done += f"; predictions in {arguments.predictions}"
    return done + f"): the model acts on {setting_text(scenario, count)}, in {time.perf_counter() - started:.1f} s"


def own_model_report(arguments, started: float) -> str:
    """The report of a team's own model file on its held-out data file."""
    from proofdeck.api import Proof, ProofError, read_data_file
    from proofdeck.data.delimited import DataError
    from proofdeck.data.spec import SpecError
    from proofdeck.model.model_files import ModelFileError, open_skops

    if not arguments.outcome:
        raise CommandError("--model needs --outcome, the outcome column of the data", EXIT_USAGE)
    data = Path(arguments.spec)
    for path, what in ((arguments.model, "model file"), (data, "data file")):
        if not path.is_file():
            raise CommandError(f"no {what} at {path}")
    try:
        model = open_skops(arguments.model)
        proof = Proof(model, read_data_file(data.name, data.read_bytes()), outcome=arguments.outcome, positive=arguments.positive,
                      id_column=arguments.id_column, rule=arguments.rule, title=arguments.title or data.stem,
                      never_saw=True if arguments.never_saw else None)
        scenario = proof.scenario
    except (ModelFileError, DataError, ProofError, SpecError) as error:
        raise CommandError(str(error)) from None
    _check_top(arguments, scenario.labels.size)
    count = _count(scenario, arguments)
    output = arguments.output or Path(f"{data.stem}-report.html")
    from proofdeck.sharing.report import report_html, setting_text

    made_on = datetime.date.today().isoformat() if arguments.date else None
    page = report_html(scenario, scenario.spec.economics, count, made_on=made_on)
    _write(output, page.encode("utf-8"), "report")
    notes = "".join(f"\nnote: {note}" for note in scenario.held_out_notes)
    return (f"wrote {output} ({len(page.encode('utf-8')) / 1024:,.0f} KB): your {scenario.model.name} acts on "
            f"{setting_text(scenario, count)}, in {time.perf_counter() - started:.1f} s{notes}")


def export_model(arguments) -> str:
    """Fit a demo and write its model file; returns what was done, in one line."""
    from proofdeck.data.spec import SpecError
    from proofdeck.data.spec_files import load_spec
    from proofdeck.model.scenario import build_scenario
    from proofdeck.scoring.model_file import ModelFileError, model_bytes, scoring_model_of

    try:
        spec = load_spec(_spec_path(arguments.spec))
        model = scoring_model_of(build_scenario(spec))
    except (SpecError, ModelFileError) as error:
        raise CommandError(str(error)) from None
    output = arguments.output or Path(f"{spec.key}.skops")
    data = model_bytes(model)
    _write(output, data, "model")
    return f"wrote {output} ({len(data) / 1024:,.0f} KB): {len(model.features)} feature columns" + (
        ", today's rule" if model.rule else "")


def score_table(arguments) -> str:
    """Score a table with a model file on the chosen engine; returns what was done, in one line."""
    from proofdeck.data.delimited import DataError
    from proofdeck.scoring import jobs
    from proofdeck.scoring.model_file import ModelFileError

    started = time.perf_counter()
    for path, what in ((arguments.model, "model file"), (arguments.table, "table")):
        if not path.exists():
            raise CommandError(f"no {what} at {path}")
    try:
        if arguments.engine == "pandas":
            rows = jobs.score_with_pandas(arguments.model, arguments.table, arguments.output, arguments.chunk_rows)
        elif arguments.engine == "dask":
            from dask.distributed import Client

            with Client(arguments.scheduler) if arguments.scheduler else Client(processes=True) as client:
                rows = jobs.score_with_dask(arguments.model, arguments.table, arguments.output, client=client)
        else:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.master(arguments.master).appName("proofdeck-score").getOrCreate()
            try:
                rows = jobs.score_with_spark(spark, arguments.model, arguments.table, arguments.output)
            finally:
                spark.stop()
    except ImportError as error:
        raise CommandError(f"the {arguments.engine} engine needs {error.name}: pip install 'proofdeck[{arguments.engine}]'") from None
    except (ModelFileError, DataError, OSError) as error:
        raise CommandError(str(error)) from None
    return f"wrote {arguments.output}: {rows:,} rows scored with {arguments.engine} in {time.perf_counter() - started:.1f} s"


COMMANDS = {"report": report, "export-model": export_model, "score": score_table}


@contextlib.contextmanager
def _details_on_stderr(verbose: bool):
    """The package logs a problem's detail for a server's log; here it would be a second line
    after the message, so it goes to stderr only with --verbose (and only while the command runs,
    so the command can also be called in-process, as the tests do)."""
    logger = logging.getLogger("proofdeck")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    before = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.ERROR)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before[0])
        logger.propagate = before[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = None
    try:
        command_line = parser()
        arguments, others = command_line.parse_known_args(argv)
        if arguments.command == "run":
            return run_app(others)
        if others:
            command_line.error(f"unrecognized arguments: {' '.join(others)}")
        with _details_on_stderr(arguments.verbose):
            sys.stdout.write(COMMANDS[arguments.command](arguments) + "\n")
        return 0
    except CommandError as error:
        sys.stderr.write(f"{PROG}: error: {error}\n")
        return error.code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except Exception as error:  # one line, never a traceback; the type says where to look
        what = getattr(arguments, "command", None) or "command"
        sys.stderr.write(f"{PROG}: error: the {what} command failed ({type(error).__name__}: "
                         f"{str(error).splitlines()[0] if str(error) else 'no detail'})\n")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

"""How big and how often each benchmark runs: the full run, ``--quick``, and the smallest.

The full run is what the figures in the README come from (a quiet machine, minutes); ``--quick``
checks that every part still works (a shared machine, figures not meaningful); the smallest
is what the smoke test runs (seconds, and the browser parts only against the bare apps).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Config:
    """Sizes, repeat counts and time limits of every part.

    Variants name what a part measures ("app", "bare", ...); a part skips the ones left out,
    so the smoke test can run the browser harness against the bare apps alone.
    """

    name: str = "full"
    # 1. cold start: launches per variant, each from `streamlit run` to the first figure
    launches: int = 5
    cold_variants: tuple[str, ...] = ("app", "bare", "app_busy", "bare_busy")
    launch_timeout: float = 240.0
    # 2. slider: key presses per variant, and the rows of the big generated demo
    moves: int = 20
    slider_variants: tuple[str, ...] = ("app", "app_big", "bare")
    big_rows: int = 1_000_000
    big_load_timeout: float = 900.0
    # 3. compute alone
    sweep_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    build_repeats: int = 5
    lookups: int = 5_000
    explain_repeats: int = 50
    explain_models: tuple[str, ...] = ("gradient_boosting", "logistic_regression")
    importance_rows: int = 2_000
    # 4. a million rows through the Your data path
    ingest_rows: int = 1_000_000
    ingest_runs: int = 3
    train_sample_rows: int = 200_000
    ingest_all_rows: bool = True
    ingest_timeout: float = 1800.0
    # 5. a room of viewers
    viewers: int = 20
    rooms: int = 3
    room_variants: tuple[str, ...] = ("app", "app_upload", "bare")
    upload_rows: int = 100_000
    viewer_timeout: float = 300.0
    refits_timeout: float = 300.0
    # 6. a viewer's slider during uploads: bombs and a large file, the app and the app reading in-process
    upload_rounds: int = 3
    upload_moves: int = 10  # quiet moves per round
    upload_variants: tuple[str, ...] = ("isolated", "in_process")
    upload_kinds: tuple[str, ...] = ("xlsx_bomb", "parquet_bomb", "csv")
    bomb_cells: int = 20_000_000  # the workbook: 1.3 MB
    bomb_zeros: int = 400_000_000  # the Parquet file (3.5 MB here); over the 1 GB decoded bound
    large_upload_rows: int = 300_000
    upload_timeout: float = 300.0
    # 7. the telco export (7,043 rows) uploaded and built, to the pitch's first figure (issue 22)
    telco_rounds: int = 5
    # extra: the stability refits (only with --only stability)
    stability_repeats: int = 10
    stability_demos: tuple[str, ...] = ("churn", "fraud", "leads")
    # extra: fitting threads (only with --only threads): fits per demo and variant
    thread_runs: int = 5
    # extra: the soak (only with --only soak): fresh sessions on one server, memory and errors
    soak_iterations: int = 80  # about 10 s each on 2 busy cores: the cap is rarely what stops it
    soak_time_cap: float = 780.0  # seconds of loop at most, whatever the iteration count
    soak_upload_every: int = 5  # every n-th iteration also uploads and builds a generated CSV
    soak_upload_rows: int = 2_000
    soak_moves: int = 3  # slider key presses per iteration
    soak_step_timeout: float = 120.0
    soak_demos: tuple[str, ...] = ("churn", "fraud", "leads")
    # extra: accessibility (only with --only accessibility): axe-core on every view, and a bare app
    a11y_variants: tuple[str, ...] = ("app", "bare")
    a11y_demos: tuple[str, ...] = ("churn", "fraud", "leads")
    a11y_timeout: float = 180.0
    # extra: Proofdeck against explainerdashboard on one fitted model (only with --only peer, issue 22)
    peer_rounds: int = 3  # alternating rounds (Proofdeck, the peer, ...), each a fresh server
    peer_moves: int = 5  # cut-off key presses per round and tool
    peer_rows: int = 7043  # the telco export's rows; 30% held out
    peer_python: str = "/work/peer-venv/bin/python"  # the peer's own venv, never the project's
    peer_timeout: float = 300.0

    @property
    def quick(self) -> bool:
        return self.name != "full"

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Config()

QUICK = Config(
    name="quick",
    launches=2,
    launch_timeout=180.0,
    moves=3,
    big_rows=50_000,
    big_load_timeout=300.0,
    sweep_sizes=(10_000, 100_000),
    build_repeats=3,
    lookups=500,
    explain_repeats=5,
    explain_models=("gradient_boosting",),
    importance_rows=200,
    ingest_rows=50_000,
    ingest_runs=2,
    train_sample_rows=10_000,
    ingest_timeout=600.0,
    viewers=3,
    rooms=2,
    upload_rows=20_000,
    viewer_timeout=180.0,
    refits_timeout=180.0,
    upload_rounds=1,
    upload_moves=3,
    bomb_cells=3_000_000,
    large_upload_rows=20_000,
    telco_rounds=2,
    stability_repeats=2,
    thread_runs=2,
    stability_demos=("churn",),
    soak_iterations=4,
    soak_time_cap=300.0,
    soak_upload_every=2,
    soak_upload_rows=1_000,
    peer_rounds=1,
    peer_moves=2,
)

# What the smoke test runs: every module's code path, seconds each, no busy neighbours, the
# browser parts against the bare apps only (the app's own browser tests cover the app).
SMALLEST = Config(
    name="smallest",
    launches=1,
    cold_variants=("bare",),
    launch_timeout=60.0,
    moves=1,
    slider_variants=("bare",),
    big_rows=0,
    sweep_sizes=(1_000,),
    build_repeats=1,
    lookups=20,
    explain_repeats=1,
    explain_models=("logistic_regression",),
    importance_rows=50,
    ingest_rows=3_000,
    ingest_runs=1,
    train_sample_rows=1_000,
    ingest_timeout=120.0,
    viewers=1,
    rooms=1,
    room_variants=("bare",),
    upload_rows=0,
    viewer_timeout=60.0,
    refits_timeout=30.0,
    upload_rounds=1,
    upload_moves=1,
    upload_variants=(),
    telco_rounds=0,
    stability_repeats=1,
    thread_runs=1,
    stability_demos=("churn",),
    soak_iterations=1,
    soak_time_cap=60.0,
    soak_upload_every=1,
    soak_upload_rows=600,
    soak_moves=1,
    soak_step_timeout=60.0,
    a11y_variants=("bare",),
    a11y_timeout=60.0,
    peer_rounds=1,
    peer_moves=1,
    peer_rows=1_000,
)

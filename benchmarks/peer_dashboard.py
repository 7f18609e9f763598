"""The peer's side of ``bench_peer``: explainerdashboard on the benchmark's fitted model.

Run by the peer's own interpreter (``--peer-python``, a separate venv), never the project's:
it imports only what that venv has. ``bench_peer`` writes the bundle (the fitted pipeline, the
held-out rows, their outcome and ids) with joblib into its own temporary folder, and starts this
script as the peer's server, or once with ``--html`` for the peer's static HTML export.

    python peer_dashboard.py BUNDLE --port 8050             # serve on 127.0.0.1:8050
    python peer_dashboard.py BUNDLE --html out.html         # write the static export and exit
    python peer_dashboard.py BUNDLE --scores scores.npy     # the probabilities it explains, and exit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def explainer(bundle: Path):
    """A ClassifierExplainer on the bundle's model and held-out rows, as its docs show it."""
    from explainerdashboard import ClassifierExplainer

    saved = load(bundle)
    return ClassifierExplainer(saved["model"], saved["X"], saved["y"], labels=saved["labels"],
                               idxs=saved["ids"], index_name=saved["id_name"])


def load(bundle: Path) -> dict:
    """The bundle, its rows made a DataFrame by this venv's pandas (they travel as numpy arrays,
    so neither side's pandas storage, e.g. pyarrow strings, has to exist on the other)."""
    import joblib
    import pandas as pd

    saved = joblib.load(bundle)  # the benchmark's own file, written moments ago by the benchmark
    saved["X"] = pd.DataFrame(saved["X"])
    saved["y"] = pd.Series(saved["y"], name=saved["outcome"])
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--scores", type=Path)
    args = parser.parse_args(argv)
    if args.scores:
        import numpy as np

        np.save(args.scores, explainer(args.bundle).pred_probas(1))
        return 0
    from explainerdashboard import ExplainerDashboard

    dashboard = ExplainerDashboard(explainer(args.bundle))
    if args.html:
        dashboard.save_html(args.html)
        return 0
    if args.port is None:
        parser.error("give --port, --html or --scores")
    dashboard.run(port=args.port, host="127.0.0.1")
    return 0


if __name__ == "__main__":
    sys.exit(main())

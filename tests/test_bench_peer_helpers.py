"""bench_peer's helpers that need no peer venv and no browser: counting what an HTML file
fetches from the network, and the per-round table's medians and ratios."""

from __future__ import annotations

from benchmarks.peer_exports import round_table
from benchmarks.peer_inputs import external_resources

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="https://cdn.example.org/bootstrap.min.css">
<link rel="stylesheet" href="local.css">
<link rel="preload" href="https://cdn.example.org/font.woff2">
<LINK REL="Stylesheet" HREF="//cdn.example.org/theme.css">
<script src="https://cdn.plot.ly/plotly-4.1.1.min.js"></script>
<script src="http://cdn.example.org/popper.js"></script>
<script src="//cdn.example.org/relative.js"></script>
<script src="assets/app.js"></script>
<script>var url = "https://not-a-src.example.org/x.js";</script>
</head><body><script SRC=" https://cdn.plot.ly/plotly-4.1.1.min.js"></script></body></html>"""


def test_external_scripts_and_stylesheets_are_those_fetched_from_the_network():
    found = external_resources(PAGE)
    assert found["scripts"] == ["https://cdn.plot.ly/plotly-4.1.1.min.js", "http://cdn.example.org/popper.js",
                                "//cdn.example.org/relative.js", " https://cdn.plot.ly/plotly-4.1.1.min.js"]
    assert found["stylesheets"] == ["https://cdn.example.org/bootstrap.min.css", "//cdn.example.org/theme.css"]


def test_a_file_with_everything_inline_fetches_nothing():
    assert external_resources("<html><script>Plotly.newPlot()</script><style>p{}</style></html>") == {
        "scripts": [], "stylesheets": []}


def test_round_table_gives_each_round_its_median_and_proofdeck_over_the_peer():
    rounds = {"proofdeck": [{"idle": [0.1, 0.3, 0.2]}, {"idle": [0.4, 0.5, 0.6]}],
              "peer": [{"idle": [1.0, 1.0, 1.0]}, {"idle": [0.8, 0.9, 0.9]}]}
    lines = round_table(rounds, {"idle": ("cut-off key to idle", "ms", 1000)}).splitlines()
    ours, theirs = lines[-2].split(), lines[-1].split()
    # Proofdeck: rounds' medians 200 and 500 ms, all six moves' median (0.3 + 0.4) / 2 = 350 ms;
    # the peer: 1000 and 900 ms, median of all 950 ms; 350 / 950 = 0.368...
    assert ours[-3:] == ["200", "500", "350"]
    assert theirs == ["peer", "1000", "900", "950", "0.37x"]

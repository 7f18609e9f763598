"""The pitch's first screen from cached held-out results, before the heavy libraries load."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, bundled, open_page, page_text

from proofdeck.model.results_cache import HeldOutResults, load_results, results_key, save_results


def test_the_first_paint_imports_neither_sklearn_nor_pandas():
    code = ("import sys; sys.path.insert(0, '.'); import ui.pitch.first_paint; "
            "print(sorted(m for m in ('sklearn', 'pandas', 'scipy', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_results_round_trip_and_any_change_of_spec_or_data_is_a_miss(tmp_path):
    spec, data = tmp_path / "d.toml", tmp_path / "d.csv"
    spec.write_text("title = 'x'\n")
    data.write_text("a,b\n1,2\n")
    results = HeldOutResults(np.array([0.9, 0.1]), np.array([True, False]), np.ones(2), np.array([False, True]), 5)
    key = results_key(spec, data)
    save_results(tmp_path / "cache", "d", key, results)
    back = load_results(tmp_path / "cache", "d", key)
    np.testing.assert_array_equal(back.scores, results.scores)
    assert back.train_rows == 5
    spec.write_text("title = 'y'\n")
    assert results_key(spec, data) != key and load_results(tmp_path / "cache", "d", results_key(spec, data)) is None
    data.write_text("a,b\n1,2\n3,4\n")
    assert load_results(tmp_path / "cache", "d", results_key(spec, data)) is None


def test_a_damaged_cache_file_is_a_miss_never_an_error(tmp_path):
    spec, data = tmp_path / "d.toml", tmp_path / "d.csv"
    spec.write_text("x")
    data.write_text("y")
    key = results_key(spec, data)
    (tmp_path / f"d-{key}.npz").write_bytes(b"not a zip")
    assert load_results(tmp_path, "d", key) is None


@pytest.mark.parametrize("demo", ["churn", "fraud"])
def test_cached_and_fitted_pitches_say_the_same(demo, tmp_path, monkeypatch):
    from ui.frame.state import _scenario

    monkeypatch.setenv("PROOFDECK_CACHE_DIR", str(tmp_path))
    _scenario.clear()  # fit again, so the fit writes into this empty cache folder
    fitted = open_page("app.py", demo)  # nothing cached yet: the usual path, which writes the cache
    assert list(tmp_path.glob(f"{demo}-*.npz"))
    cached = open_page("app.py", demo)  # a new session: the first screen comes from the cache
    assert not cached.exception
    assert [t.value for t in cached.title] == [t.value for t in fitted.title]  # one title, the same
    assert cached.subheader[0].value == fitted.subheader[0].value
    assert {m.label: m.value for m in cached.metric} == {m.label: m.value for m in fitted.metric}
    assert page_text(cached) == page_text(fitted)


def test_a_bundled_demos_leak_check_is_read_from_the_cache_on_a_fresh_server(tmp_path, monkeypatch):
    from proofdeck.upload import leakage
    from ui.frame import state

    monkeypatch.setenv("PROOFDECK_CACHE_DIR", str(tmp_path))
    checked = []
    real = leakage.check_columns
    monkeypatch.setattr(leakage, "check_columns", lambda *args, **kw: checked.append(1) or real(*args, **kw))
    churn = bundled("churn")
    state._bundled_check.clear()
    first = state._bundled_check("churn@1", churn)
    assert checked == [1] and len(list(tmp_path.glob("churn-leak-check-*.json"))) == 1
    state._bundled_check.clear()  # as a restarted server: its memory is empty, the folder is not
    again = state._bundled_check("churn@1", churn)
    assert checked == [1] and again == first  # read back, not checked again
    (next(tmp_path.glob("churn-leak-check-*.json"))).write_text("{not json", encoding="utf-8")
    state._bundled_check.clear()
    assert state._bundled_check("churn@1", churn) == first and checked == [1, 1]  # a damaged record: checked again
    state._bundled_check.clear()

"""Shared helpers: open a page through app.py as a user would, and read its text."""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from streamlit.testing.v1 import AppTest

# CI explores a fixed set of examples so a run never fails by luck of the draw; locally every
# run draws new ones (and hypothesis remembers failures in .hypothesis/). Under mutmut
# (MUTANT_UNDER_TEST set) the fixed set too, so every mutant meets the same examples and is
# never "killed" or "survives" by luck; and a failing example is not shrunk (a mutant only
# needs to fail, and shrinking took seconds per mutant).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("thorough", derandomize=False, print_blob=True)
settings.register_profile("mutmut", derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
_DEFAULT = "mutmut" if "MUTANT_UNDER_TEST" in os.environ else "ci" if os.environ.get("CI") else "default"
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or _DEFAULT
settings.load_profile(PROFILE)
CI_EXAMPLES = 100  # the most any property explores in CI: a fixed set, the same every run


def examples(full: int) -> int:
    """How many examples a property test explores: ``full`` locally and under
    ``HYPOTHESIS_PROFILE=thorough``; in CI's fixed profile at most :data:`CI_EXAMPLES` (the
    derandomized set is the same every run, so more examples there only repeat the same walk
    longer; local runs keep drawing new ones, and hypothesis remembers their failures)."""
    return min(full, CI_EXAMPLES) if PROFILE in ("ci", "mutmut") else full

# The background refits (how stable the model is) would compete with every test for the two
# cores; they are off unless a test turns them on (tests/test_page_pitch.py does).
os.environ.setdefault("PROOFDECK_REFITS", "0")
# Saves made by page tests go to a throwaway workspace, never the checkout's workspace/ folder.
os.environ.setdefault("PROOFDECK_WORKSPACE_DIR", tempfile.mkdtemp(prefix="proofdeck-test-workspace-"))

ROOT = Path(__file__).resolve().parents[1]
DEMOS = sorted(path.stem for path in (ROOT / "demos").glob("*.toml"))
PAGE_SCRIPTS = ["app.py", "pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py", "pages/4_Your_data.py",
                "pages/5_Share.py"]
TECHNICAL_WORDS = re.compile(r"\b(precision|recall|F1|AUC|threshold)\b", re.IGNORECASE)


def open_page(script: str, demo: str = "churn", analyst: bool = False) -> AppTest:
    """Run app.py first (as a browser session does), then switch to the page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    if demo_picker(at).value != demo:
        demo_picker(at).set_value(demo).run()
    if analyst:
        analyst_toggle(at).set_value(True).run()
    if script != "app.py":
        at.switch_page(script).run()
    return at


def demo_picker(at: AppTest):
    """The sidebar's demo picker."""
    return next(box for box in at.sidebar.get("selectbox") if box.label == "Demo")


def analyst_toggle(at: AppTest):
    """The sidebar's analyst switch (each page draws its own widget for it)."""
    return next(toggle for toggle in at.sidebar.get("toggle") if toggle.label == "Analyst view")


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _strings(value, key=""):
    """Every human-readable string inside a Plotly spec (not its binary arrays)."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in ("bdata", "dtype", "template"):
                yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield value


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def readable(markdown: str) -> str:
    """Markdown source as a person reads it: escapes resolved, invisible word joiners gone."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def page_text(at: AppTest, include_sidebar: bool = True) -> str:
    """All the text a person can read on the page: prose, labels, figures, tables, charts."""
    parts = []
    roots = [at.main] + ([at.sidebar] if include_sidebar else [])
    for root in roots:
        for element in _walk(root):
            for attribute in ("label", "value", "delta", "help", "placeholder", "body"):
                try:
                    item = getattr(element, attribute, None)
                except Exception:  # some elements raise for attributes they do not have
                    continue
                if isinstance(item, str):
                    parts.append(item)
                elif hasattr(item, "to_string"):
                    parts.append(item.to_string())
            proto = getattr(element, "proto", None)
            spec = getattr(proto, "spec", None)
            if isinstance(spec, str) and spec.startswith("{"):
                parts.extend(_strings(json.loads(spec)))
            options = getattr(element, "options", None)
            if isinstance(options, list):
                parts.extend(map(str, options))
    return readable("\n".join(parts))


def open_tab(at: AppTest, tabs_key: str, name: str) -> AppTest:
    """Click a tab (only the open tab's content runs, as in the browser). AppTest has no tab
    click, so the tab's value and what its on_change callback remembers are set together."""
    at.session_state[tabs_key] = name
    at.session_state[f"pd_{tabs_key}"] = name
    at.run()
    assert not at.exception, at.exception
    return at


def dialog_title(at: AppTest) -> str | None:
    """The title of the dialog open on the page, or None (AppTest has no dialog element)."""
    for root in at._tree.children.values():  # dialogs live in the "event" root
        for element in _walk(root):
            proto = getattr(element, "proto", None)
            if type(element).__name__ == "Block" and proto is not None and proto.HasField("dialog"):
                return proto.dialog.title
    return None


def metric_values(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


@pytest.fixture(params=DEMOS)
def demo(request):
    return request.param


@pytest.fixture(scope="session")
def browser():
    """One Debian chromium for every browser test (each test opens its own pages)."""
    from browser_kit import ARTIFACTS, launch, playwright_api

    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api().sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


# --- the bundled demos, fitted once per test process ------------------------------------------
# Many modules need a bundled demo's scenario (or the leak guard's finding on it); fitting and
# checking once per process instead of once per module keeps the suite fast. Tests must not
# change what they get (replace() a copy instead).


@functools.cache
def bundled(demo: str):
    """The bundled demo's fitted scenario, shared by every test of this process."""
    from proofdeck.data.spec_files import load_spec
    from proofdeck.model.scenario import build_scenario

    return build_scenario(load_spec(ROOT / "demos" / f"{demo}.toml"))


@functools.cache
def bundled_check(demo: str):
    """The leak guard's finding on a bundled demo (a few refits), made once per process, and read
    from the app's own disk cache when a server or another worker already made it."""
    from proofdeck.model.results_cache import cache_dir
    from proofdeck.upload.leakage import check_demo

    return check_demo(bundled(demo), cache_dir(ROOT))


# Modules whose tests each get their own xdist group (a walk or a simulation per demo, sharing
# nothing slow): they can run on both workers at once. Every other module is one group, so its module-scoped
# fixtures (a server, fitted demos) are made once.
_SPLIT_BY_TEST = {"test_rehearsal.py", "test_interval_coverage.py", "test_reference_stats.py"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Browser modules first: they are the longest (a server and a walk each), and pytest-xdist
    hands out groups in this order, so long ones started early finish together instead of
    leaving one worker alone at the end. Then each test is put in its xdist group."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("browser") else 1)  # stable: order kept within
    for item in items:
        module = item.path.name
        group = item.name if module in _SPLIT_BY_TEST else module
        item.add_marker(pytest.mark.xdist_group(f"{module}::{group}"))

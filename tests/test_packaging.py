"""Proofdeck as a package: declared dependencies, files kept in step, and an installed copy that works.

The oracles are the files themselves (pyproject.toml is the one list; the requirements files
and the lock must agree with it), the source's own imports (every third-party module imported
must be declared) and an installed wheel run from outside the checkout.
"""

from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(text) for text in PYPROJECT["project"]["optional-dependencies"]["dev"]]
# Extras for scoring where the data lives: imported only inside proofdeck/scoring's jobs and the CLI.
SCORING_EXTRAS = [Requirement(text) for extra in ("dask", "spark")
                  for text in PYPROJECT["project"]["optional-dependencies"][extra]]


def requirement_lines(path: Path) -> list[Requirement]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def as_set(requirements) -> set[tuple[str, str]]:
    return {(canonicalize_name(req.name), str(req.specifier)) for req in requirements}


def test_requirements_files_say_what_pyproject_says():
    assert as_set(requirement_lines(ROOT / "requirements.txt")) == as_set(RUNTIME)
    dev_file = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev_file.read_text(encoding="utf-8")
    assert as_set(requirement_lines(dev_file)) == as_set(DEV)


def locked_versions() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


def test_the_lock_pins_every_declared_dependency_within_its_bounds():
    locked = locked_versions()
    for requirement in [*RUNTIME, *DEV]:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is declared in pyproject.toml but not pinned in requirements.lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name]}, outside {requirement.specifier}")
    assert "--hash=sha256:" in (ROOT / "requirements.lock").read_text(encoding="utf-8")


def third_party_imports(paths) -> set[str]:
    """Top-level module names imported anywhere in these files (at any depth: lazy imports count)."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"proofdeck", "ui", "__future__"}


def test_every_module_the_app_imports_is_declared():
    app_files = [*ROOT.joinpath("proofdeck").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py"),
                 *ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py"]
    declared = {canonicalize_name(req.name) for req in RUNTIME}
    optional = {canonicalize_name(req.name) for req in SCORING_EXTRAS}
    providers = metadata.packages_distributions()
    for module in sorted(third_party_imports(app_files)):
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        assert distributions & (declared | optional), (
            f"'import {module}' needs one of {sorted(distributions)} in pyproject.toml")
    # The app itself runs without the scoring extras: only the jobs and the CLI import them.
    jobs = {ROOT / "proofdeck" / "scoring" / "jobs.py", ROOT / "proofdeck" / "cli.py"}
    for module in sorted(third_party_imports([path for path in app_files if path not in jobs])):
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        assert distributions & declared, f"'import {module}' is outside the scoring jobs but only in an extra"
    assert all(req.specifier for req in SCORING_EXTRAS)
    assert as_set(SCORING_EXTRAS) <= as_set(DEV), "the dev extra must hold the scoring extras, so CI tests the jobs"


def streamlit_bundle() -> str:
    static = Path(metadata.distribution("streamlit").locate_file("streamlit/static"))
    return "".join(path.read_text(encoding="utf-8", errors="ignore") for path in static.rglob("*.js"))


def test_the_streamlit_internals_we_rely_on_still_exist():
    """style.css styles Streamlit's data-testid values and presentation mode finds buttons by their
    st-key- class; an upgrade that renames one breaks the look silently. This names what is gone."""
    bundle = streamlit_bundle()
    css = (ROOT / "ui" / "frame" / "style.css").read_text(encoding="utf-8")
    test_ids = set(re.findall(r'data-testid="([A-Za-z]+)"', css))
    assert len(test_ids) >= 10
    missing = sorted(test_id for test_id in test_ids if test_id not in bundle)
    assert not missing, f"Streamlit no longer draws {missing}: see DEVELOPERS.md, 'Upgrading Streamlit'"
    assert "st-key-" in bundle  # the class Streamlit gives a keyed element (present/mode.py, style.css)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel of this checkout installed in a fresh venv (its dependencies from this interpreter)."""
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling (requirements-dev.txt)")
    work = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(work / "dist"), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next((work / "dist").glob("proofdeck-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    home = work / "elsewhere"  # not the checkout: nothing may come from it
    home.mkdir()
    return venv / "bin", home


def test_pip_install_gives_the_report_command(installed):
    bin_dir, home = installed
    result = subprocess.run([str(bin_dir / "proofdeck"), "report", "churn", "--top", "300", "-o", "r.html"],
                            cwd=home, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "(300 of the 3,000 held out)" in (home / "r.html").read_text(encoding="utf-8")
    where = subprocess.run([str(bin_dir / "python"), "-c", "import proofdeck; print(proofdeck.__file__)"],
                           cwd=home, capture_output=True, text=True, timeout=60).stdout
    assert str(ROOT) not in where  # the installed copy, not the checkout


def test_pip_install_gives_the_run_command_serving_the_app(installed):
    bin_dir, home = installed
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "proofdeck"), "run", "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1"],
                              cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "PROOFDECK_CACHE_DIR": "off"})
    try:
        deadline, healthy = time.monotonic() + 120, False
        while time.monotonic() < deadline and not healthy and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    healthy = answer.read() == b"ok"
            except OSError:
                time.sleep(0.2)
        assert healthy, "proofdeck run did not serve the app"
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The page itself, from the installed files (the server only said it is up).
    script = ("import sys; from streamlit.testing.v1 import AppTest; "
              "at = AppTest.from_file(sys.argv[1], default_timeout=240); at.run(); "
              "assert not at.exception, at.exception; print(at.title[0].value if at.title else '')")
    site = subprocess.run([str(bin_dir / "python"), "-c", "import proofdeck.app_files as f; print(f.app_root())"],
                          cwd=home, capture_output=True, text=True, timeout=60).stdout.strip()
    assert site.endswith("proofdeck_app") and str(ROOT) not in site
    result = subprocess.run([str(bin_dir / "python"), "-c", script, str(Path(site) / "app.py")], cwd=home,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PROOFDECK_REFITS": "0", "PROOFDECK_CACHE_DIR": "off"})
    assert result.returncode == 0, result.stderr[-2000:]

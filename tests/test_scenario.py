"""Scenario identity: per-scenario caches key on a serial number that is never reused."""

from dataclasses import replace

from conftest import ROOT

from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario


def test_each_built_scenario_has_its_own_serial_for_caches():
    spec = load_spec(ROOT / "demos" / "leads.toml")
    first, second = build_scenario(spec), build_scenario(spec)
    assert first.serial != second.serial
    # A copy with other arrays must not inherit the original's cache key.
    assert replace(first).serial not in (first.serial, second.serial)

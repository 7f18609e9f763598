"""The POC charter in a spec: the action and who takes it, the promised move, readiness."""

import pytest
from conftest import DEMOS, ROOT

from proofdeck.data.spec import READINESS, Charter, SpecError
from proofdeck.data.spec_files import load_spec


@pytest.mark.parametrize("demo", DEMOS)
def test_every_demo_states_its_ask(demo):
    charter = load_spec(ROOT / "demos" / f"{demo}.toml").charter
    assert charter.action and charter.owner and charter.metric
    assert " from " in charter.promise and " to " in charter.promise
    steps = charter.checklist
    assert [text for text, _ in steps] == list(READINESS.values())
    assert dict(steps)["A backtest on held-out data"] is True


def test_charter_is_optional_and_defaults_to_a_backtest_only(tmp_path):
    text = (ROOT / "demos" / "churn.toml").read_text().split("[charter]")[0]
    (tmp_path / "demos").mkdir()
    spec_path = tmp_path / "demos" / "plain.toml"
    spec_path.write_text(text.replace('path = "../data/churn.csv"', f'path = "{ROOT / "data" / "churn.csv"}"'))
    charter = load_spec(spec_path, root=ROOT).charter
    assert charter == Charter()
    assert charter.promise == "" and [done for _, done in charter.checklist] == [True, False, False, False]


def test_unknown_readiness_step_is_refused(tmp_path):
    text = (ROOT / "demos" / "churn.toml").read_text().replace('done = ["backtest"]', 'done = ["backtest", "vibes"]')
    (tmp_path / "demos").mkdir()
    spec_path = tmp_path / "demos" / "odd.toml"
    spec_path.write_text(text.replace('path = "../data/churn.csv"', f'path = "{ROOT / "data" / "churn.csv"}"'))
    with pytest.raises(SpecError, match=r"\[charter\] done: must name steps among backtest"):
        load_spec(spec_path, root=ROOT)

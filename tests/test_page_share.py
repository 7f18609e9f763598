"""The Share page: the link that reopens the view, and the two downloads, through AppTest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEMOS, ROOT, TECHNICAL_WORDS, bundled, open_page, page_text
from streamlit.testing.v1 import AppTest

from ui.share.sections import MODEL_LABEL, PREDICTIONS_LABEL, REPORT_LABEL, url_path

SHARE = "pages/5_Share.py"


def downloads(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def link(at: AppTest) -> str:
    (block,) = [code.value for code in at.code if code.value.startswith("?") or "://" in code.value]
    return block


@pytest.mark.parametrize("demo", DEMOS)
def test_share_page_renders_with_both_downloads_for_every_demo(demo):
    at = open_page(SHARE, demo)
    assert not at.exception, at.exception
    assert downloads(at) == [REPORT_LABEL, PREDICTIONS_LABEL, MODEL_LABEL]
    assert link(at) == f"?demo={demo}"
    assert at.radio(key="share_link_page").options == ["The pitch", "Decide", "Examples", "Rule vs model"]
    text = page_text(at, include_sidebar=False)
    assert "uploaded file" in text and "never data" in text and "saved to the team workspace" in text
    assert "offline" in text and "apostrophe" in text
    assert not TECHNICAL_WORDS.search(text), TECHNICAL_WORDS.search(text)


def test_share_page_describes_the_current_setting_and_assumptions():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"demo": "leads", "top": "700", "cost_per_action": "180"})
    at.run()
    at.switch_page(SHARE).run()
    assert not at.exception, at.exception
    assert link(at) == "?demo=leads&top=700&cost_per_action=180"
    text = page_text(at, include_sidebar=False)
    assert "at this setting, call the 1,167 leads" in text and "with your assumptions" in text
    assert "the demo, the setting and the assumptions you changed, never data" in text


def test_share_link_carries_the_analyst_switch():
    at = open_page(SHARE, "churn", analyst=True)
    assert link(at) == "?demo=churn&analyst=1"
    assert "the analyst switch" in page_text(at, include_sidebar=False)


def test_share_page_is_in_every_pages_navigation():
    at = open_page("pages/1_Decide.py")
    assert "Share" in [page_link.label for page_link in at.sidebar.get("page_link")]


def test_page_addresses_are_streamlits():
    assert url_path("app.py") == ""
    assert url_path("pages/1_Decide.py") == "Decide"
    assert url_path("pages/3_Compare.py") == "Compare"
    assert url_path(SHARE) == "Share"


def test_share_page_works_on_an_upload_and_says_the_link_will_not_travel():
    from test_page_your_data import upload

    rng = np.random.default_rng(5)
    labels = rng.random(800) < 0.2
    frame = pd.DataFrame({
        "account": [f"=A{i:05d}" for i in range(800)],
        "risk_score": np.clip(0.2 + 0.5 * labels + rng.normal(0, 0.2, 800), 0, 1).round(4),
        "churned": np.where(labels, "yes", "no"),
        "plan": rng.choice(["basic", "pro"], 800),
    })
    at = upload("scores.csv", frame.to_csv(index=False).encode(), mode="Bring my own scores")
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_build"))).click().run()
    assert not at.exception and not at.error
    at.switch_page(SHARE).run()
    assert not at.exception, at.exception
    assert downloads(at) == [REPORT_LABEL, PREDICTIONS_LABEL]
    assert "reopens it here, but nowhere else" in " ".join(warning.value for warning in at.warning)


def test_report_download_includes_the_background_refits_once_they_are_done(monkeypatch):
    from ui.frame import state
    from ui.frame.stability import _refits
    from ui.share.sections import report_bytes, stability_if_ready

    monkeypatch.setenv("PROOFDECK_REFITS", "2")
    sc = bundled("churn")
    econ = sc.spec.economics
    _refits(state.cache_key(sc), 2, sc).result(timeout=900)  # what the pitch page starts
    assert stability_if_ready(sc, econ).repeats == 2
    page = report_bytes(sc, econ, sc.default_count, sc.spec.charter).decode("utf-8")
    assert "Tested again on 2 other test groups of about 5,000 customers" in page


def test_report_download_shows_the_stories_the_session_shows():
    from proofdeck.explanation.stories import pick_stories
    from ui.share.sections import report_bytes

    sc = bundled("churn")
    flags = sc.flags_at(sc.default_count)
    for seed in (0, 3):
        page = report_bytes(sc, sc.spec.economics, sc.default_count, sc.spec.charter, seed).decode("utf-8")
        for story in pick_stories(sc.labels, flags, sc.rule_flags, seed=seed):
            assert f"Customer {sc.ids.iloc[story.position]} · one of" in page


def test_the_model_download_opens_as_a_scoring_model_that_gives_the_pages_scores():
    from proofdeck.scoring.model_file import read_model
    from proofdeck.scoring.score import score_frame
    from ui.frame import state
    from ui.share.sections import _model_file

    at = open_page(SHARE, "fraud")
    assert "--engine spark" in " ".join(code.value for code in at.code)
    scenario = bundled("fraud")
    model = read_model(_model_file(state.cache_key(scenario), scenario))
    scored = score_frame(model, scenario.heldout)
    assert np.array_equal(scored["score"].to_numpy(), scenario.scores)
    assert np.array_equal(scored["rule_flag"].eq("yes").to_numpy(), scenario.rule_acts)

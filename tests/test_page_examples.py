"""The Examples page through AppTest: stories, filters, opening an example, what-if."""

import re

import pytest
from conftest import DEMOS, ROOT, bundled, dialog_title, open_page, page_text, readable

EXAMPLES = "pages/2_Examples.py"


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


@pytest.fixture
def examples():
    at = open_page(EXAMPLES)
    assert not at.exception
    return at


def story_ids(at):
    return [re.match(r"Customer (\S+) · one of", c.value).group(1) for c in at.caption if " · one of " in c.value]


def table(at):
    return at.dataframe[0].value


def opened(at) -> str | None:
    """The id of the example open in the dialog, from its title."""
    title = dialog_title(at)
    return re.match(r"Customer (\S+):", title).group(1) if title else None


def test_four_stories_are_distinct_and_keep_their_promise(examples, churn):
    ids = story_ids(examples)
    assert len(ids) == 4 and len(set(ids)) == 4
    model = churn.flags_at(churn.rule_count)  # the page starts at the rule's budget
    caught, rule_only, false_alarm, both_missed = (churn.position_of(i) for i in ids)
    assert churn.labels[caught] and model[caught] and not churn.rule_flags[caught]
    assert churn.labels[rule_only] and not model[rule_only] and churn.rule_flags[rule_only]
    assert model[false_alarm] and not churn.labels[false_alarm]
    assert churn.labels[both_missed] and not model[both_missed] and not churn.rule_flags[both_missed]


def test_story_sentences_never_contradict_their_titles(examples):
    text = page_text(examples, include_sidebar=False)
    assert not re.search(r"risk is (high|low|moderate)", text)
    sentences = [readable(m.value) for m in examples.markdown if readable(m.value).startswith("Churn risk is ")]
    assert len(sentences) == 4
    assert "above the cut-off" in sentences[0]  # caught by the model
    assert "below the cut-off" in sentences[1] and "below the cut-off" in sentences[3]  # missed by it


def test_show_others_draws_new_stories(examples):
    before = story_ids(examples)
    examples.button(key="stories_again_churn").click().run()
    after = story_ids(examples)
    assert len(after) == 4 and after != before


def test_opening_a_story_shows_its_explanation_in_a_dialog(examples):
    assert opened(examples) is None
    example_id = story_ids(examples)[0]
    examples.button(key="story_open_caught").click().run()
    assert not examples.exception
    assert opened(examples) == example_id
    assert "churner reached" in dialog_title(examples)
    sentences = [readable(info.value) for info in examples.info]
    assert any(s.startswith("Churn risk is") and "cut-off" in s for s in sentences)
    charts = examples.get("plotly_chart")
    assert any("pushes churn risk up" in chart.proto.spec for chart in charts)


def test_each_open_button_opens_its_own_story_even_after_another(examples):
    ids = story_ids(examples)
    examples.button(key="story_open_caught").click().run()
    assert opened(examples) == ids[0]
    examples.button(key="story_open_both_missed").click().run()
    assert opened(examples) == ids[3]


def test_a_search_narrows_the_table_to_one(examples, churn):
    wanted = str(churn.ids.iloc[7])
    examples.text_input(key="filter_search_churn").input(wanted).run()
    assert list(table(examples)["Customer"]) == [wanted]
    assert opened(examples) is None  # typing never opens an example by itself


def test_filters_narrow_the_table(examples):
    everything = table(examples)
    assert len(everything) == 3000
    examples.multiselect(key="filter_outcome_churn").select("churner missed").run()
    missed = table(examples)
    assert 0 < len(missed) < len(everything)
    assert set(missed["Outcome"]) == {"churner missed"}
    examples.checkbox(key="filter_disagree_churn").check().run()
    disagree = table(examples)
    assert len(disagree) <= len(missed)
    assert (disagree["Model: retention offer?"] != disagree["Rule: retention offer?"]).all()
    examples.slider(key="filter_score_churn").set_value((30, 100)).run()
    assert (table(examples)["Churn risk"] >= 0.30).all()


def test_what_if_changes_the_score_and_reset_restores_the_inputs(examples, churn):
    examples.button(key="story_open_caught").click().run()
    position = churn.position_of(opened(examples))
    real = churn.heldout.iloc[position]
    examples.selectbox(key="whatif_churn_contract").set_value("two-year")
    examples.number_input(key="whatif_churn_tenure_months").set_value(60)
    examples.number_input(key="whatif_churn_support_tickets_90d").set_value(0)
    examples.button(key="FormSubmitter:whatif_form_churn-Score it").click().run()
    assert not examples.exception
    new = [m for m in examples.metric if m.label == "New churn risk"][0]
    assert new.delta and new.delta.startswith("-")
    assert float(new.value.rstrip("%")) < churn.scores[position] * 100
    examples.button(key="whatif_reset_churn").click().run()
    assert not [m for m in examples.metric if m.label == "New churn risk"]
    # The inputs hold the real values again, so "Score it" scores the real example.
    assert examples.selectbox(key="whatif_churn_contract").value == real["contract"]
    assert examples.number_input(key="whatif_churn_tenure_months").value == real["tenure_months"]
    examples.button(key="FormSubmitter:whatif_form_churn-Score it").click().run()
    again = [m for m in examples.metric if m.label == "New churn risk"][0]
    assert not again.delta  # same values, same score


def test_download_neutralises_spreadsheet_formulas(examples):
    download = examples.get("download_button")[0]
    assert download.proto.label.startswith("Download")
    assert "What drives the churn risk overall" in page_text(examples, include_sidebar=False)


def test_analyst_view_shows_the_shap_arithmetic():
    at = open_page(EXAMPLES, analyst=True)
    at.button(key="story_open_caught").click().run()
    caption = [c.value for c in at.caption if c.value.startswith("Analyst view: bars are SHAP values")]
    assert caption and "log-odds" in caption[0]


def test_a_link_with_an_example_opens_it(churn):
    from streamlit.testing.v1 import AppTest

    wanted = str(churn.ids.iloc[42])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["example"] = wanted
    at.run()
    at.switch_page(EXAMPLES).run()
    assert not at.exception
    assert opened(at) == wanted


def test_a_link_opens_its_example_even_after_others_were_opened(churn):
    # The bug: Rule vs model's link landed on ?example=L05251 but showed another example.
    at = open_page(EXAMPLES)
    at.button(key="story_open_caught").click().run()
    wanted = str(churn.ids.iloc[99])
    at.switch_page("pages/3_Compare.py").run()
    at.query_params["example"] = wanted
    at.switch_page(EXAMPLES).run()
    assert opened(at) == wanted


def test_a_link_to_an_unknown_example_falls_back_to_the_list():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["example"] = "no-such-id"
    at.run()
    at.switch_page(EXAMPLES).run()
    assert not at.exception and opened(at) is None


# --- business concepts (the spec's groups) ------------------------------------------------------


def _chart(at, title: str) -> dict:
    """The figure whose title starts with ``title``: its bars as {label: value}."""
    import json

    for chart in at.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        if figure["layout"]["title"]["text"].startswith(title):
            return {label: value for trace in figure["data"] for label, value in zip(trace["y"], trace["x"])}
    raise AssertionError(f"no chart titled {title!r}")


def _named(spec) -> list[str]:
    return [name for name, _ in spec.groups]


@pytest.mark.parametrize("demo", DEMOS)
def test_drivers_chart_speaks_in_groups_and_opens_to_columns(demo):
    scenario = bundled(demo)
    spec, score = scenario.spec, scenario.spec.nouns.score
    assert spec.groups, "every bundled demo ships with groups"
    at = open_page(EXAMPLES, demo)
    assert not at.exception
    bars = _chart(at, f"What drives the {score} overall")
    grouped = {c for columns in (cols for _, cols in spec.groups) for c in columns}
    alone = [spec.label(c) for c in scenario.dataset.features if c not in grouped]
    assert set(bars) == set(_named(spec)) | set(alone)
    assert sum(bars.values()) == pytest.approx(1.0)
    expander = [e for e in at.expander if e.label == "Which columns make each concept"][0]
    members = readable(expander.markdown[0].value)
    for name, columns in spec.groups:
        assert f"{name}: {', '.join(spec.label(c) for c in columns)}" in members.replace("**", "")
    at.toggle(key=f"drivers_columns_{demo}").set_value(True).run()
    by_column = _chart(at, f"What drives the {score} overall")
    assert set(by_column) == {spec.label(c) for c in scenario.dataset.features}


@pytest.mark.parametrize("demo", DEMOS)
def test_an_example_speaks_in_groups_opens_to_columns_and_follows_the_example(demo):
    spec = bundled(demo).spec
    title = f"What pushes this {spec.nouns.score} up or down"
    at = open_page(EXAMPLES, demo)
    at.button(key="story_open_false_alarm").click().run()
    assert not at.exception and dialog_title(at)
    first = _chart(at, title)
    assert set(first) & set(_named(spec)), first  # bars name the groups
    sentence = [readable(i.value) for i in at.info if "cut-off" in readable(i.value)][0]
    assert any(name in sentence for name in _named(spec)), sentence
    at.toggle(key=f"example_columns_{demo}").set_value(True).run()
    columns = _chart(at, title)
    assert not set(columns) & set(_named(spec))
    assert sum(columns.values()) == pytest.approx(sum(first.values()))  # the same parts, split by column
    at.toggle(key=f"example_columns_{demo}").set_value(False).run()
    at.button(key="story_open_caught").click().run()
    second = _chart(at, title)
    assert second != first


def test_error_patterns_are_listed_under_their_group():
    at = open_page(EXAMPLES)
    text = page_text(at, include_sidebar=False)
    start = text.index("Where the model goes wrong")
    patterns = text[start:start + 3000]
    # Churn's missed churners: some pattern lies in a named group and reads under it.
    assert re.search(r"(Billing|Subscription|Usage and support): [a-z]", patterns), patterns


def test_what_if_says_whether_the_model_and_todays_rule_would_now_act(examples, churn):
    # Issue 23, item 2: a customer both miss, made new (tenure 1) on a monthly contract: today's
    # rule (month-to-month and tenure under 6) now acts, worked out from the rule's own text.
    examples.button(key="story_open_both_missed").click().run()
    position = churn.position_of(opened(examples))
    examples.selectbox(key="whatif_churn_contract").set_value("month-to-month")
    examples.number_input(key="whatif_churn_tenure_months").set_value(1)
    examples.button(key="FormSubmitter:whatif_form_churn-Score it").click().run()
    new = [m for m in examples.metric if m.label == "New churn risk"][0]
    risk = float(new.value.rstrip("%")) / 100
    model_now = risk >= churn.threshold_at(churn.rule_count)
    lines = [readable(m.value).replace("**", "") for m in examples.markdown
             if "The model at your setting:" in readable(m.value)]
    assert len(lines) == 1
    said = "a retention offer" if model_now else "no retention offer"
    before = "as before" if model_now == bool(churn.flags_at(churn.rule_count)[position]) else "before:"
    assert f"The model at your setting: {said} ({before}" in lines[0]
    assert "Today's rule: a retention offer (before: no retention offer)" in lines[0]

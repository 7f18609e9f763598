"""The one-file report and the predictions CSV: well-formed, self-contained, escaped, and saying
the same words and numbers as the pages at the same setting."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from conftest import DEMOS, ROOT, bundled, bundled_check, readable
from streamlit.testing.v1 import AppTest

from proofdeck.comparison.compare import same_budget
from proofdeck.comparison.stability import model_stability
from proofdeck.data.datasets import load_dataset
from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario, scenario_from_scores
from proofdeck.sharing.predictions import COLUMNS, predictions_csv, predictions_frame
from proofdeck.sharing.report import report_html
from proofdeck.upload.leakage import Driver, Leak, LeakCheck
from proofdeck.words import wording as w

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source", "area", "base", "embed", "track"}
BLOCKS = {"p", "div", "td", "th", "tr", "li", "dt", "dd", "h1", "h2", "h3", "section", "header", "footer", "table"}
# Every element the report writes itself; anything else came from data and was not escaped.
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "section", "footer", "h1", "h2", "h3",
               "p", "div", "span", "header", "strong", "em", "code", "a", "table", "tr", "th", "td", "ul", "li", "dl", "dt",
               "dd", "script"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        """The text as read: blocks (cells, paragraphs, cards) apart, inline elements run on."""
        if self.tag in ("script", "style"):
            return ""
        return "".join(c if isinstance(c, str) else (f" {c.text()} " if c.tag in BLOCKS else c.text())
                       for c in self.children)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find(self, cls: str | None = None, tag: str | None = None) -> list[Node]:
        return [n for n in self.walk() if (cls is None or cls in n.classes) and (tag is None or n.tag == tag)]


class Tree(HTMLParser):
    """A strict parse: every non-void element closed in order, or the test fails."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root
        self.doctype: str | None = None
        self.feed(page)
        self.close()
        assert self.current is self.root, f"<{self.current.tag}> never closed"

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}>"
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def section(tree: Tree, section_id: str) -> Node:
    (found,) = [n for n in tree.root.find(tag="section") if n.attrs.get("id") == section_id]
    return found


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def scenarios():
    return {demo: bundled(demo) for demo in DEMOS}


def report_of(scenario, economics, count, **options) -> str:
    """report_html, given the leak guard's finding when the scenario is a bundled demo (made
    once per process, see conftest.bundled_check) instead of a few refits per report."""
    key = scenario.spec.key
    if "check" not in options and key in DEMOS and scenario is bundled(key):
        options["check"] = bundled_check(key)
    return report_html(scenario, economics, count, **options)


def other_count(scenario) -> int:
    """A setting that is not the rule's budget, so the report cannot pass by showing the default."""
    return min(scenario.rule_count * 3 // 2, scenario.sweep.size)


@pytest.fixture(scope="module")
def reports(scenarios):
    return {demo: report_of(sc, sc.spec.economics, other_count(sc)) for demo, sc in scenarios.items()}


def script_text(node: Node) -> str:
    return "".join(c for c in node.children if isinstance(c, str))


def plotly_library(tree: Tree) -> list[Node]:
    """The inline scripts holding plotly.js itself (megabytes, with its licence header)."""
    return [s for s in tree.root.find(tag="script") if len(script_text(s)) > 1_000_000 and "plotly.js v" in script_text(s)]


# --- structure ------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_report_is_one_well_formed_html_document(reports, demo):
    tree = Tree(reports[demo])
    assert tree.doctype.lower() == "doctype html"
    (html_node,) = [n for n in tree.root.children if isinstance(n, Node)]
    assert html_node.tag == "html" and html_node.attrs.get("lang") == "en"
    assert [n.tag for n in html_node.children if isinstance(n, Node)] == ["head", "body"]
    head = html_node.children[[n.tag if isinstance(n, Node) else "" for n in html_node.children].index("head")]
    assert any(m.attrs.get("charset") == "utf-8" for m in head.find(tag="meta"))
    assert len(tree.root.find(tag="title")) == 1 and len(tree.root.find(tag="h1")) == 1
    sections = [(n.attrs.get("id"), words(n.find(tag="h2")[0].text()) if n.find(tag="h2") else None)
                for n in tree.root.find(tag="section")]
    # A demo with a past campaign adds who the action changes after the same-budget table.
    effect = ["Who the offer changes"] if demo == "campaign" else []
    assert [name for _, name in sections[1:]] == ["The data, today's rule and the model", "Rule against model, at the same budget",
                        *effect, "The chosen setting", "Every setting at a glance",
                        "Four examples, where the model wins and where it loses", "The assumptions",
                        "The ask", "Caveats"]
    assert [sid for sid, _ in sections] == ["answer", "data", "same-budget", *(["effect"] if effect else []),
                                            "setting", "charts", "examples", "assumptions", "ask", "caveats"]
    assert all(n.parent.tag == "main" for n in tree.root.find(tag="section"))


@pytest.mark.parametrize("demo", DEMOS)
def test_report_holds_its_charts_with_plotly_inlined_once(reports, demo):
    tree = Tree(reports[demo])
    charts = tree.root.find(cls="plotly-graph-div")
    # "Worth it at other prices?" only where every positive has one worth (not fraud's amounts).
    expected = ["money-chart", "gains-chart", "marginal-chart"] + (
        [] if bundled(demo).spec.economics.value_column else ["prices-chart"])
    assert [c.attrs["id"] for c in charts] == expected
    assert len(plotly_library(tree)) == 1
    calls = [s for s in tree.root.find(tag="script") if "Plotly.newPlot" in script_text(s)]
    assert len(calls) == len(expected)
    assert all('"x":' in script_text(s) or '"bdata"' in script_text(s) for s in calls)


@pytest.mark.parametrize("demo", DEMOS)
def test_report_fetches_nothing_and_names_no_outside_address(reports, demo):
    page = reports[demo]
    tree = Tree(page)
    for node in tree.root.walk():
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = node.attrs.get(name)
            assert value is None or value.startswith("#"), (node.tag, name, value)
        assert node.tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}
    library = plotly_library(tree)[0]
    rest = page.replace(script_text(library), "")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(", rest, re.IGNORECASE)
    csp = [m.attrs["content"] for m in tree.root.find(tag="meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "connect-src" not in csp[0]


def test_report_is_the_same_for_the_same_inputs(scenarios, reports):
    sc = scenarios["churn"]
    assert report_of(sc, sc.spec.economics, other_count(sc)) == reports["churn"]


# --- the same words and numbers as the pages ---------------------------------------------------------


def open_at(demo: str, count: int) -> AppTest:
    """A fresh session from a link at this setting: the pitch first, then the Decide page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["demo"] = demo
    at.query_params["top"] = str(count)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("demo", DEMOS)
def test_report_says_what_the_pitch_and_decide_pages_say_at_that_setting(scenarios, reports, demo):
    sc, count = scenarios[demo], other_count(scenarios[demo])
    tree = Tree(reports[demo])
    text = words(tree.root.text())
    at = open_at(demo, count)
    assert words(readable(at.subheader[0].value)) == words(tree.root.find(cls="headline")[0].text())
    at.switch_page("pages/1_Decide.py").run()
    assert not at.exception, at.exception
    readout = [m.value for m in at.markdown if m.value.startswith("##### ")][0].removeprefix("##### ")
    assert readout in [words(h.text()) for h in tree.root.find(tag="h3")]
    # Every key figure card of the page, with its change against the rule, in the same order.
    page_cards = [(m.label, m.value, m.delta) for m in at.metric]
    assert len(page_cards) == 7
    report_cards = []
    for card in section(tree, "setting").find(cls="card"):
        parts = {cls: words(card.find(cls=cls)[0].text()) if card.find(cls=cls) else None
                 for cls in ("label", "value", "delta")}
        report_cards.append((parts["label"], parts["value"], parts["delta"]))
    assert report_cards == page_cards
    captions = [words(readable(c.value)) for c in at.caption]
    how_sure = [c for c in captions if c.startswith("How sure: in 95% of redraws")]
    assert how_sure and how_sure[0] in text
    # The four outcomes: "**Churners reached**: 5,133" and the money under it.
    for cell in re.findall(r"^\*\*(.+?)\*\*: ([\d,]+)$", "\n".join(m.value for m in at.markdown), re.MULTILINE):
        assert f"{cell[0]} {cell[1]}" in text, cell
    money = [c for c in captions if "spent on" in c or "if they were reached" in c]
    assert money and all(m in text for m in money)
    assert f"({count:,} of the {sc.sweep.size:,} held out)" in text


def test_report_at_the_rules_budget_says_so(scenarios):
    sc = scenarios["leads"]
    text = words(Tree(report_of(sc, sc.spec.economics, sc.default_count)).root.text())
    assert "This is today's budget" in text and "same as rule" in text


def test_report_follows_changed_assumptions_and_names_the_change(scenarios):
    sc = scenarios["churn"]
    econ = replace(sc.spec.economics, cost_per_action=55.0)
    text = words(Tree(report_of(sc, econ, sc.default_count)).root.text())
    assert "changed from $40" in text and "$55" in text
    rule = sc.rule_outcome(econ)
    assert w.format_figure("spend", rule.spend, "$") in text
    assert "?demo=churn&cost_per_action=55" in text


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_report_at_either_end_of_the_slider_is_whole(scenarios, share):
    sc = scenarios["churn"]
    tree = Tree(report_of(sc, sc.spec.economics, round(share * sc.sweep.size)))
    setting = words(section(tree, "setting").text())
    assert ("No customer gets a retention offer at this setting" in setting) == (share == 0.0)
    assert ("customers (100%)" in setting) == (share == 1.0)
    assert len(tree.root.find(cls="plotly-graph-div")) == 4  # money, gains, what each 5% adds, prices


def test_report_of_a_rule_that_flags_nobody_says_no_test_can_be_sized(tmp_path):
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "churn.csv").write_bytes((ROOT / "data" / "churn.csv").read_bytes())
    spec = (ROOT / "demos" / "churn.toml").read_text(encoding="utf-8")
    spec = spec.replace('contract == "month-to-month" and tenure_months < 6', "tenure_months < 0")
    (tmp_path / "demos" / "churn.toml").write_text(spec, encoding="utf-8")
    sc = build_scenario(load_spec(tmp_path / "demos" / "churn.toml"))
    assert sc.rule_count == 0
    tree = Tree(report_html(sc, sc.spec.economics, sc.default_count))
    assert "No A/B test can be sized: today's rule acts on nobody" in words(section(tree, "ask").text())
    assert "do not show a clear difference" in words(section(tree, "answer").text())


def own_scores(scenarios, rule_text=None, unseen="not sure"):
    spec = scenarios["churn"].spec
    dataset = load_dataset(spec)
    rng = np.random.default_rng(3)
    scores = np.clip(0.3 * dataset.labels + rng.random(dataset.labels.size) * 0.7, 0, 1)
    return scenario_from_scores(spec, dataset, scores, rule_text=rule_text, unseen=unseen)


def test_report_on_the_users_own_scores_without_a_rule_says_what_it_cannot_check(scenarios):
    own = own_scores(scenarios)
    spec = own.spec
    tree = Tree(report_html(own, spec.economics, own.default_count))
    text = words(tree.root.text())
    answer = words(section(tree, "answer").text())
    assert "A random pick reaches on average" in answer
    # The random pick is its expectation: a pick of 10% of the held out reaches P / 10 on average,
    # scaled like every count to the population per quarter.
    expected = own.labels.sum() / 10 * spec.economics.population / own.labels.size
    assert f"instead of the {w.count(expected)} a random pick reaches on average" in answer
    assert "No rule was given, so the model is compared with picking 10% of customers at random" in text
    assert "churners on average; one pick typically lands between" in words(section(tree, "data").text())
    assert "comes from the business's own model" in words(section(tree, "data").text())
    examples = words(section(tree, "examples").text())
    assert "cannot say why" in examples and "Raised most" not in examples and "lowered" not in examples
    assert "the rule misses" not in examples and "only a rule could catch" in examples
    caveats = words(section(tree, "caveats").text())
    assert "cannot be checked here" in caveats and "No column looks like" not in caveats
    assert "nothing is refitted here" in caveats and "splits of the data, the" not in caveats
    # Nothing names a rule that does not exist (the charter's own steps say "what is done today").
    assert "today's rule" not in text.lower() and "the rule" not in text.lower()
    assert "A shadow run beside what is done today" in text


@pytest.mark.parametrize(("unseen", "said"), [
    ("not sure", "only honest if the model behind the churn risk never saw these customers"),
    ("no", "so these figures flatter it"),
    ("yes", None),
])
def test_report_on_own_scores_says_whether_the_figures_are_honest(scenarios, unseen, said):
    own = own_scores(scenarios, rule_text='contract == "month-to-month"', unseen=unseen)
    tree = Tree(report_html(own, own.spec.economics, own.default_count))
    answer, caveats = words(section(tree, "answer").text()), words(section(tree, "caveats").text())
    assert "Today's rule reaches" in answer and "random pick" not in answer
    if said is None:
        assert "only honest if" not in answer and "flatter" not in answer
        assert "the model never saw" in caveats
    else:
        assert said in answer and said in caveats
        assert "the model never saw" not in answer + caveats
    assert "nothing is refitted here" in caveats


def test_report_shows_the_sessions_edited_ask(scenarios):
    sc = scenarios["churn"]
    charter = replace(sc.spec.charter, owner="Chief <b>customer</b> officer", done=("backtest", "gold_set"))
    tree = Tree(report_of(sc, sc.spec.economics, sc.default_count, charter=charter))
    ask = words(section(tree, "ask").text())
    assert "Chief <b>customer</b> officer" in ask and "✓ A hand-checked gold set — done" in ask
    assert "Signed by: Chief <b>customer</b> officer" in words(section(tree, "answer").text())


# --- charter, A/B test, caveats ---------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_report_ends_with_the_ask_and_the_ab_test(scenarios, reports, demo):
    sc = scenarios[demo]
    text = words(Tree(reports[demo]).root.text())
    charter = sc.spec.charter
    assert charter.action in text and charter.owner in text and w.sentence_case(charter.promise) in text
    for step, done in charter.checklist:
        assert f"{'✓' if done else '○'} {step} — {'done' if done else 'to do'}" in text
    assert "significance (two-sided) and 80% power" in text
    ask = words(section(Tree(reports[demo]), "ask").text())
    assert "The A/B tests it needs" in ask
    nouns = sc.spec.nouns
    assert (f"The test that settles the money: {nouns.action.capitalize()} or not, among the {nouns.entities} "
            "the model picks") in ask
    assert "Which picks better, the model or today's rule: To confirm that the model's" in ask


@pytest.mark.parametrize("demo", DEMOS)
def test_report_caveats_say_held_out_size_synthetic_data_and_risk_is_not_uplift(scenarios, reports, demo):
    sc = scenarios[demo]
    caveats = words(section(Tree(reports[demo]), "caveats").text())
    assert f"{sc.sweep.size:,} held-out" in caveats
    assert ("synthetic" in caveats) == sc.spec.synthetic
    assert words(w.uplift_caveat(sc.spec.nouns, sc.spec.economics, campaign=sc.spec.uplift)) in caveats
    # What was checked and confirmed, never a promise that there is no leak.
    assert f"{len(sc.dataset.features)} columns were checked alone on held-out rows and by their names" in caveats
    assert "refitted without each of its 3 strongest" in caveats and "No check can prove" in caveats
    assert "Confirmed as known before" in caveats and "No column looks like" not in caveats
    assert "not measured for this report" in caveats


def test_report_names_known_leaks_unconfirmed_drivers_and_the_models_stability(scenarios):
    sc = scenarios["churn"]
    leak = Leak("tenure_months", "this column may only be known after the outcome: a test reason", 0.99, False)
    driver = Driver("contract", alone=0.84, next_best=0.67, with_it=0.89, without=0.77)
    check = LeakCheck(checked=sc.dataset.features, leaks=(leak,), drivers=(driver,), measured=True, rows=3000)
    # Nobody confirmed anything: the spec's confirmations are taken away.
    unconfirmed = replace(sc, spec=replace(sc.spec, known_before=()))
    stability = model_stability(sc.spec, folds=2, rounds=1, max_train_rows=1500)
    comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, sc.spec.economics)
    page = report_html(unconfirmed, sc.spec.economics, sc.default_count, comparison=comparison, check=check,
                       stability=stability)
    text = words(Tree(page).root.text())
    assert "Tenure (months) (this column may only be known after the outcome: a test reason)" in text
    assert "Flagged but used by the model (put back): Tenure (months)" in text
    assert "No column was confirmed as known before a retention offer" in text
    # (0.89 - 0.77) / (0.89 - 0.5) = 31% of the model's ranking power above chance.
    assert ("Not confirmed as known before a retention offer: Contract (alone it orders 84 of 100 pairs right "
            "(the next best column alone: 67); without it the model orders 77 instead of 89 (31% of its ranking "
            "power))") in text
    assert words(stability.summary) in text and "No column looks like" not in text


# --- hostile data ---------------------------------------------------------------------------------------

HOSTILE_ID = '<script>alert("id")</script><img src=http://127.0.0.1:9/i.png>'
HOSTILE_CONTRACT = "<img src=http://127.0.0.1:9/c.png onerror=alert(1)>month-to-month"
HOSTILE_LABEL = "<b onmouseover=alert(1)>Contract</b>"
HOSTILE_TITLE = '</title><script>alert("t")</script>Churn'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The churn demo with ids, a category, a label and a title that hold HTML, and formula ids."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "demos").mkdir()
    (folder / "data").mkdir()
    frame = pd.read_csv(ROOT / "data" / "churn.csv", dtype={"customer_id": str})
    frame["customer_id"] = [f"{HOSTILE_ID}{i}" if i % 2 else f'=HYPERLINK("http://127.0.0.1:9","{i}")'
                            for i in range(len(frame))]
    frame["contract"] = frame["contract"].replace("month-to-month", HOSTILE_CONTRACT)
    frame.to_csv(folder / "data" / "churn.csv", index=False)
    spec = (ROOT / "demos" / "churn.toml").read_text(encoding="utf-8")
    for old, new in [('contract = "Contract"', f"contract = '{HOSTILE_LABEL}'"),
                     ('"month-to-month"', f'"{HOSTILE_CONTRACT}"'),
                     ('title = "Customer churn"', f"title = '{HOSTILE_TITLE}'")]:
        assert old in spec, old
        spec = spec.replace(old, new)
    (folder / "demos" / "churn.toml").write_text(spec, encoding="utf-8")
    return build_scenario(load_spec(folder / "demos" / "churn.toml"))


def test_report_escapes_hostile_ids_categories_and_labels(hostile):
    # Stories show ids, and their reasons name the contract (the churn model's main driver).
    pages = [report_html(hostile, hostile.spec.economics, hostile.default_count, story_seed=seed) for seed in range(3)]
    seen_id = seen_reason = False
    for page in pages:
        tree = Tree(page)
        assert {n.tag for n in tree.root.walk()} <= REPORT_TAGS
        for node in tree.root.walk():
            for name in ("src", "href", "onmouseover", "onerror"):
                assert node.attrs.get(name) in (None, "#ask"), (node.tag, name)
        # plotly.js with its one-line config, and the three charts' calls: no other script.
        scripts = [words(script_text(n))[:40] for n in tree.root.find(tag="script")]
        assert len(scripts) == 6 and len(plotly_library(tree)) == 1  # four charts: money, gains, 5%, prices
        assert scripts[0].startswith("window.PlotlyConfig") and scripts[2:] == ["window.PLOTLYENV=window.PLOTLYENV || {};"] * 4
        text = tree.root.text()
        seen_id |= HOSTILE_ID in text
        # The churn demo groups columns into concepts: "Subscription: <label> <value>, ...".
        seen_reason |= f"Subscription: {HOSTILE_LABEL} {HOSTILE_CONTRACT}" in text
        assert "&lt;script&gt;" in page
        assert HOSTILE_TITLE in words(tree.root.find(tag="title")[0].text())
        assert HOSTILE_CONTRACT in words(section(tree, "data").text())  # the rule, as written
    assert seen_id and seen_reason


def test_predictions_csv_neutralises_formula_ids(hostile):
    rows = list(csv.reader(io.StringIO(predictions_csv(hostile, hostile.default_count).decode("utf-8"))))
    ids = [row[0] for row in rows[1:]]
    assert not any(i.startswith(("=", "+", "-", "@")) for i in ids)
    assert any(i.startswith("'=HYPERLINK(") for i in ids)


# --- predictions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_predictions_hold_every_held_out_example_in_rank_order(scenarios, demo):
    sc = scenarios[demo]
    count = other_count(sc)
    frame = predictions_frame(sc, count)
    assert tuple(frame.columns) == COLUMNS and len(frame) == sc.sweep.size
    assert frame["rank"].tolist() == list(range(1, sc.sweep.size + 1))
    assert frame["score"].is_monotonic_decreasing
    assert frame["model_acts"].tolist() == [1] * count + [0] * (sc.sweep.size - count)
    assert frame["rule_acts"].sum() == sc.rule_count and frame["outcome"].sum() == sc.labels.sum()
    assert sorted(map(str, frame["id"])) == sorted(map(str, sc.ids))


def test_predictions_decisions_match_the_scenario_row_by_row(scenarios):
    sc = scenarios["churn"]
    frame = predictions_frame(sc, 700).set_index("id")
    ids = sc.ids.to_numpy()
    assert (frame.loc[ids, "model_acts"].to_numpy() == sc.flags_at(700)).all()
    assert (frame.loc[ids, "rule_acts"].to_numpy() == sc.rule_flags).all()
    assert (frame.loc[ids, "outcome"].to_numpy() == sc.labels).all()


def test_predictions_csv_reads_back_as_numbers(scenarios):
    sc = scenarios["churn"]
    back = pd.read_csv(io.BytesIO(predictions_csv(sc, sc.default_count)))
    assert list(back.columns) == list(COLUMNS) and len(back) == sc.sweep.size
    assert back["model_acts"].sum() == sc.default_count
    assert back["score"].between(0, 1).all()

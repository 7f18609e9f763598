"""A hostile upload: an export whose column names, values, ids and file name are Markdown and
HTML attacks, all pointing at a catcher on 127.0.0.1, and a rule that quotes them.

Every attack Streamlit's Markdown (or Plotly's HTML subset) would act on is here: images and
links in Markdown and HTML, bare ``http://`` and ``www.`` links, icons, colours, LaTeX, code
spans, headings and list markers. Shown safely, each reads as literal text; shown raw, the
browser fetches from the catcher or shows a link to it (tests/test_hostile_upload*.py).

The outcome's name and values match no preset (so the pages' words are built from them), its
most common value is the one to find (the page's default choice, so no click is needed), and
the file is small but learnable: each hostile category moves the outcome, so the model, the
rule, every story and every tab have something to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

N_ROWS = 600


def host(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def columns(port: int) -> dict[str, str]:
    """The hostile column names by role."""
    h = host(port)
    return {
        "id": f"ID [idcol]({h}/idcol)",
        "spend": f"Spend `code` $\\LaTeX$ :material/home: {h}/spendcol",
        "plan": f"<img src={h}/plancol.png> Plan [plan]({h}/plancol)",
        "region": f":red[Region] www.region-col.example ![r]({h}/regioncol.png)",
        "partner": f"- Partner <a href={h}/partnercol>p</a>",
        "closed": f"Closed ![c]({h}/closedcol.png)",  # gives the outcome away: a leak warning
        "note": f"Note <img src={h}/notecol.png>",  # one value only: left out, and why
        # Protocol-relative, and the port with a leading zero: no word shared with the other
        # columns' names, or the leak check would leave them all out by name.
        "outcome": f"# Result [click me](//127.0.0.1:0{port}/outcome-link) ![o](//127.0.0.1:0{port}/o.gif)",
    }


def plan_values(port: int) -> list[str]:
    h = host(port)
    return [f"![pro]({h}/pro.png)", f"<a href={h}/ent>enterprise</a>", ":red[basic]", f"{h}/bare",
            "www.plan.example", "- item :material/home:"]


def region_values(port: int) -> list[str]:
    h = host(port)
    return ["$\\LaTeX$", "`tick`", f"[north]({h}/north)", "# south"]


def outcome_values(port: int) -> tuple[str, str, str]:
    """(the value to find: the most common one, and two others)."""
    h = host(port)
    return f"<img src={h}/yes.png> yes", f"[no]({h}/no)", ":red[maybe] www.maybe.example"


def id_value(port: int, i: int) -> str:
    h = host(port)
    forms = [f"[c{i}]({h}/id/{i})", f"![c{i}]({h}/idimg/{i}.png)", f"<img src={h}/idh/{i}.png>",
             f"{h}/idbare/{i}", f"www.id{i}.example", f":material/home: {i}", f":red[{i}]",
             f"$\\LaTeX{i}$", f"`c{i}`", f"# c{i}", f"- c{i}", f"<a href={h}/ida/{i}>c{i}</a>"]
    return forms[i % len(forms)]


def file_name(port: int) -> str:
    """A file name without slashes (a browser keeps only the last part of a path) whose links
    still point at the catcher: ``&#47;`` is "/" in HTML and in a Markdown link, and
    2130706433 is 127.0.0.1 written as one number."""
    slash = "&#47;"
    return (f"[f](http:{slash}{slash}2130706433:{port}{slash}file) "
            f"<img src=http:{slash}{slash}2130706433:{port}{slash}file.png> :red[www.file.example].csv")


def rule(port: int) -> str:
    """Today's rule, naming two hostile columns and comparing with hostile values, one of
    which never occurs (a warning quotes it)."""
    names, plans, regions = columns(port), plan_values(port), region_values(port)
    return (f'`{names["plan"]}` == "{plans[0]}" or `{names["region"]}` == "{regions[2]}" '
            f'or `{names["region"]}` == "[nowhere]({host(port)}/nowhere)"')


def bad_rule(port: int) -> str:
    """A rule naming a column that does not exist: the error message quotes it."""
    return f"`[unknown]({host(port)}/unknown)` > 1"


def frame(port: int, n: int = N_ROWS, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names, plans, regions = columns(port), plan_values(port), region_values(port)
    yes, no, maybe = outcome_values(port)
    plan = rng.integers(0, len(plans), n)
    region = rng.integers(0, len(regions), n)
    partner = rng.random(n) < 0.5
    spend = np.round(rng.gamma(2.0, 40.0, n), 2)
    # Each plan and region moves the outcome, spend a little: learnable, never a leak.
    logit = -0.3 + np.array([1.4, 0.6, -0.4, 0.0, -0.8, 0.3])[plan] + np.array([0.5, -0.5, 0.9, -0.2])[region]
    logit += 0.4 * partner - 0.004 * (spend - 80)
    found = rng.random(n) < 1 / (1 + np.exp(-logit))
    other = np.where(rng.random(n) < 0.6, no, maybe)
    return pd.DataFrame({
        names["id"]: [id_value(port, i) for i in range(n)],
        names["spend"]: [f"${amount:,.2f}" for amount in spend],  # read as numbers: a note names the column
        names["plan"]: np.array(plans, dtype=object)[plan],
        names["region"]: np.array(regions, dtype=object)[region],
        names["partner"]: np.where(partner, "Yes", "No"),
        names["closed"]: np.where(found, f"[closed]({host(port)}/closed)", ":red[open]"),
        names["note"]: f"[same]({host(port)}/same)",
        names["outcome"]: np.where(found, yes, other),
    })


def csv_bytes(port: int) -> bytes:
    return frame(port).to_csv(index=False).encode()


def score_column(port: int) -> str:
    return f"Score ![s]({host(port)}/scorecol.png)"


def scores_csv(port: int, seed: int = 12) -> bytes:
    """The same file with a score from one's own model, for "Bring my own scores"."""
    table = frame(port)
    found = table[columns(port)["outcome"]] == outcome_values(port)[0]
    noise = np.random.default_rng(seed).normal(0, 0.25, len(table))
    table[score_column(port)] = np.clip(0.35 + 0.3 * found + noise, 0, 1).round(4)
    return table.to_csv(index=False).encode()


def payloads(port: int) -> tuple[str, ...]:
    """Pieces of the attacks that must never reach Markdown as written (escaped, they are
    broken up by backslashes; made into plain words, their punctuation is gone)."""
    return ("![", "](", "<img", "<a ", "<a\u00a0", "http://", "http:&#", "www.", ":material/home:", ":red[",
            "$\\LaTeX", f"127.0.0.1:{port}", f"2130706433:{port}")

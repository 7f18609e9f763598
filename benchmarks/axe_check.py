"""axe-core on a page in chromium: the WCAG 2 A and AA rules, the serious and critical findings.

One place for what the accessibility benchmark counts and the browser tests assert: the tags
axe runs with, which impacts block, and the few findings inside Streamlit's own components
that our code cannot change (``EXCLUDED``, each with its reason). axe-core comes from the
PyPI package ``axe-playwright-python`` (it ships ``axe.min.js``; nothing is fetched).
"""

from __future__ import annotations

import html as html_escapes
import json
import re
from dataclasses import dataclass

TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("serious", "critical")  # impacts a view may not have

# (rule id, a CSS selector axe names, why it is not ours to fix). A finding is excluded only
# when both its rule and its target match exactly; nothing else is ever left out.
EXCLUDED: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Finding:
    """One element that breaks one rule."""

    rule: str
    impact: str
    target: str  # axe's CSS selector for the element
    text: str  # the element's own text (from its HTML)
    message: str  # what axe says is wrong, e.g. the contrast it measured

    def line(self) -> str:
        return f"{self.rule} ({self.impact}) at {self.target}: {self.text[:120]!r}: {self.message}"


def axe_missing() -> str | None:
    """Why axe cannot run here, or None."""
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
    except ImportError:
        return "axe-playwright-python is not installed (pip install -r requirements-dev.txt)"
    return None


@dataclass
class Check:
    """What axe found on a page: the findings that count, the excluded ones, and the elements
    axe could not judge (``incomplete``: needs a person's look, e.g. text over an image)."""

    found: list[Finding]
    excluded: list[Finding]
    review: list[Finding]


def check(page, impacts: tuple[str, ...] = BLOCKING) -> Check:
    """Run axe on the page as it is now; only findings of these impacts are kept."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(TAGS)}, "resultTypes": ["violations", "incomplete"]}
    response = Axe().run(page, options=options).response
    result = Check([], [], [])
    for kind in ("violations", "incomplete"):
        for rule in response[kind]:
            for node in rule["nodes"]:
                impact = node.get("impact") or rule.get("impact")
                if impact not in impacts:
                    continue
                target = " ".join(part if isinstance(part, str) else json.dumps(part) for part in node["target"])
                message = " ".join((node.get("failureSummary") or "").split())
                text = plain(node.get("html") or "")
                if kind == "violations" and not text and len(node["target"]) == 1:
                    # axe shortens a long element's HTML to its opening tag: read its text instead
                    text = " ".join((page.evaluate("s => document.querySelector(s)?.innerText", target) or "").split())
                item = Finding(rule["id"], impact, target, text, message)
                if kind == "incomplete":
                    result.review.append(item)
                else:
                    (result.excluded if is_excluded(item) else result.found).append(item)
    return result


def plain(markup: str) -> str:
    """The text of an HTML snippet, tags dropped and spaces folded (for a failure message)."""
    return " ".join(html_escapes.unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def is_excluded(finding: Finding) -> bool:
    return any(finding.rule == rule and finding.target == target for rule, target, _ in EXCLUDED)


def report(findings: list[tuple[str, Finding]], views: int) -> str:
    """A failure message: every finding on its own line, with the view it is on."""
    shown = len({view for view, _ in findings})
    return (f"{len(findings)} serious or critical accessibility finding(s) on {shown} of {views} view(s):\n"
            + "\n".join(f"  [{view}] {finding.line()}" for view, finding in findings))

"""A hostile upload in a real Chromium: every page shows the attacks as text and fetches nothing.

The file of tests/hostile_upload.py (names, values, ids and the file name are Markdown and
HTML images and links, bare links, icons, colours and LaTeX, all pointing at a catcher on
127.0.0.1) is uploaded through the Your data page, the hostile rule typed, the dashboard
built, and then every page is walked: the pitch (with the data peek open), Decide with each
chart tab, Examples with a story opened in its dialog (all values, a what-if scored), Rule vs
model with each tab, Your data, Share (and the report it downloads, opened from the disk), and
the presentation through its six steps.

At every stop the test fails on a request to the catcher, a request to any host but the app
(requests elsewhere are blocked, never sent), a link or image in the page that points at the
catcher or another host, LaTeX rendered, or a "home" icon (only ``:material/home:`` from the
data would draw one). Screenshots: tests/artifacts/hostile-*.png.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import hostile_upload as hostile
import pytest
from browser_kit import ARTIFACTS, click_until_shown, free_port, fresh_server, needs_chromium, settle

from proofdeck.words.safe_text import WORD_JOINER, plain

pytestmark = [pytest.mark.browser, needs_chromium]

SIDEBAR_PAGES = ["The pitch", "Decide", "Examples", "Rule vs model", "Your data", "Share"]

# Every URL an element of the page points at, resolved, with a short description of it.
POINTERS = """() => {
  const found = [];
  const attributes = [["a", "href"], ["img", "src"], ["img", "srcset"], ["source", "src"], ["source", "srcset"],
    ["iframe", "src"], ["link", "href"], ["script", "src"], ["video", "src"], ["audio", "src"],
    ["object", "data"], ["embed", "src"], ["form", "action"], ["image", "href"], ["use", "href"]];
  for (const [tag, name] of attributes) {
    for (const element of document.querySelectorAll(tag)) {
      const raw = element.getAttribute(name) ?? element.getAttribute("xlink:" + name);
      if (raw === null || raw === "") continue;
      for (const part of name === "srcset" ? raw.split(",").map(s => s.trim().split(/\\s+/)[0]) : [raw]) {
        let url;
        try { url = new URL(part, document.baseURI).href; } catch (error) { url = "unparsable:" + part; }
        found.push({url, what: element.outerHTML.slice(0, 200)});
      }
    }
  }
  for (const element of document.querySelectorAll("[style*='url(']")) {
    found.push({url: "style:" + element.getAttribute("style").slice(0, 200), what: element.tagName});
  }
  return found;
}"""
MARKUP = """() => ({
  latex: [...document.querySelectorAll(".katex, math")].map(e => e.textContent.slice(0, 80)),
  home: [...document.querySelectorAll("[data-testid=stIconMaterial]")].filter(e => e.textContent.trim() === "home")
    .map(e => e.parentElement.textContent.slice(0, 80)),
})"""


class Catcher(http.server.BaseHTTPRequestHandler):
    """Records every request; answers 404 with nothing in it."""

    seen: list[str]

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.seen.append(self.path)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):  # quiet
        pass


@contextmanager
def catcher() -> Iterator[tuple[int, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 that remembers every path asked of it."""
    seen: list[str] = []
    handler = type("Handler", (Catcher,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


class Walk:
    """The page, what it asked for, and the checks made at every stop."""

    def __init__(self, page, base: str, port: int, caught: list[str]):
        self.page, self.base, self.port, self.caught = page, base, port, caught
        self.outside: list[str] = []
        self.problems: list[tuple] = []
        self.shots = 0
        page.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith((self.base + "/", "data:", "blob:", "file:")) or url == self.base:
            route.continue_()
        elif url.startswith(f"http://127.0.0.1:{self.port}/"):
            self.outside.append(url)
            route.continue_()  # the catcher records it: proof that the browser really fetched it
        else:
            self.outside.append(url)
            route.abort()

    def settle(self) -> None:
        settle(self.page, 500)

    def text(self) -> str:
        return self.page.get_by_test_id("stMain").inner_text().replace(WORD_JOINER, "")

    def check(self, where: str, page=None, own: str | None = None) -> None:
        """Nothing fetched from elsewhere, nothing pointing elsewhere (but at ``own``, the app by
        default), no LaTeX, no data icon. Problems are collected: one run lists every path."""
        page, own = page or self.page, own or self.base + "/"
        # Every image in the page has loaded or failed: one from elsewhere has been asked for.
        page.wait_for_function("() => [...document.images].every(image => image.complete)", timeout=60_000)
        if page.get_by_test_id("stException").count():
            self.problems.append((where, "exception", page.get_by_test_id("stException").first.inner_text()))
        for pointer in page.evaluate(POINTERS):
            if not pointer["url"].startswith((own, "data:", "blob:")) and pointer["url"] != self.base:
                self.problems.append((where, "points elsewhere", pointer))
        markup = page.evaluate(MARKUP)
        if markup != {"latex": [], "home": []}:
            self.problems.append((where, "markup", markup))
        if self.outside or self.caught:
            self.problems.append((where, "fetched", self.outside[:], self.caught[:]))
            self.outside.clear()
            self.caught.clear()

    def shot(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(ARTIFACTS / f"hostile-{self.shots:02d}-{name}.png"), full_page=True)

    def go(self, name: str) -> None:
        self.page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_selector("h1", timeout=180_000)
        self.settle()


def test_a_hostile_upload_shows_as_text_on_every_page_and_fetches_nothing(browser):
    with catcher() as (port, caught), fresh_server(log_name="server-hostile.log") as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        walk = Walk(context.new_page(), base, port, caught)
        try:
            _upload_and_build(walk)
            _walk_pages(walk)
            _present(walk)
        finally:
            context.close()
    problems = walk.problems + ([("after the last stop", "fetched", walk.outside, caught)] if walk.outside or caught else [])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(repr, problems))


def _upload_and_build(walk: Walk) -> None:
    page, port = walk.page, walk.port
    page.goto(f"{walk.base}/Your_data", timeout=180_000)
    page.wait_for_selector("h1", timeout=180_000)
    walk.settle()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": hostile.file_name(port), "mimeType": "text/csv", "buffer": hostile.csv_bytes(port)}])
    page.get_by_text("The outcome to find").first.wait_for(timeout=120_000)
    walk.settle()
    # The outcome's name reads as written, in the label of its values' choice.
    outcome = hostile.columns(port)["outcome"]
    assert f"Which values of '{plain(outcome)}' count as the outcome?" in walk.text()
    walk.check("uploaded")
    walk.shot("uploaded")

    rule = page.get_by_role("textbox", name="The same rule as text")
    rule.fill(hostile.bad_rule(port))
    page.keyboard.press("Control+Enter")
    walk.settle()
    assert "The rule has a mistake: unknown column '[unknown](http://127.0.0.1" in walk.text()
    walk.check("a rule with a mistake")
    rule.fill(hostile.rule(port))
    page.keyboard.press("Control+Enter")
    walk.settle()
    assert "Today's rule: Flags" in walk.text()
    walk.check("rule written")
    page.get_by_role("button", name="Build the dashboard").click()
    page.get_by_test_id("stMain").get_by_text("is a demo for this session").wait_for(timeout=180_000)
    walk.settle()
    walk.check("built")
    walk.shot("built")


def _walk_pages(walk: Walk) -> None:
    page = walk.page
    main = page.get_by_test_id("stMain")
    for name in SIDEBAR_PAGES:
        walk.go(name)
        walk.check(name)
        walk.shot(name.replace(" ", "-").lower())
        if name == "The pitch":
            main.get_by_text("Peek at the data").click()
            walk.settle()
            walk.check("data peek")
            # The drafted words read as plain words: the column's name without its markup.
            assert "has Result click me" in walk.text()
        elif name in ("Decide", "Rule vs model"):
            tabs = main.get_by_role("tab")
            for index in range(tabs.count()):
                tab_name = tabs.nth(index).inner_text()
                tabs.nth(index).click()
                walk.settle()
                walk.check(f"{name}, {tab_name}")
                walk.shot(f"{name.replace(' ', '-').lower()}-tab-{index + 1}")
        elif name == "Examples":
            _example(walk)
        elif name == "Share":
            _report(walk)


def _example(walk: Walk) -> None:
    page = walk.page
    caption = walk.page.get_by_test_id("stMain").get_by_text(" · one of ").first.inner_text()
    page.locator(".st-key-story_open_caught button").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60_000)
    walk.settle()
    title = dialog.inner_text().replace(WORD_JOINER, "").split("\n")[0]
    shown_id = caption.replace(WORD_JOINER, "").split(" · ")[0]
    # The id reads as written, in the story's caption and the dialog's title.
    ids = [hostile.id_value(walk.port, i) for i in range(hostile.N_ROWS)]
    assert any(shown_id.endswith(plain(i)) and plain(i) in title for i in ids), (shown_id, title)
    walk.check("example dialog")
    dialog.get_by_text("All values").click()
    dialog.get_by_text("What if?").click()
    walk.settle()
    scored = dialog.get_by_text("New chance of")
    click_until_shown(dialog.get_by_role("button", name="Score it"), scored, walk.settle)
    walk.settle()
    walk.check("example dialog, all values and what-if")
    walk.shot("example-dialog")
    page.keyboard.press("Escape")
    walk.settle()


def _report(walk: Walk) -> None:
    """The report as the Share page downloads it, opened from the disk like an attachment."""
    with walk.page.expect_download(timeout=180_000) as download:
        walk.page.get_by_role("button", name="Download the report (HTML)").click()
    path = ARTIFACTS / "hostile-report.html"  # with its extension, so the browser reads it as HTML
    download.value.save_as(path)
    report = walk.page.context.new_page()
    try:
        report.goto(path.as_uri(), timeout=120_000)
        report.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        walk.check("the report", page=report, own=path.as_uri())
        assert "has Result click me" in report.inner_text("body").replace(WORD_JOINER, "")
        report.screenshot(path=str(ARTIFACTS / "hostile-report.png"), full_page=True)
    finally:
        report.close()


def _present(walk: Walk) -> None:
    page = walk.page
    page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
    for step in range(1, 7):
        page.wait_for_function("n => new URLSearchParams(location.search).get('step') === String(n)",
                               arg=step, timeout=60_000)
        walk.settle()
        walk.check(f"presentation step {step}")
        walk.shot(f"present-{step}")
        if step < 6:
            page.get_by_role("button", name="Next").first.click()
    page.get_by_role("button", name="Exit").first.click()
    walk.settle()
    walk.check("presentation left")

"""The workspace's storage layer on SQLite, and on PostgreSQL where a server is configured:
access that holds, saves that never lose or overwrite, deletion, limits, migrations."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from workspace_db import database_url  # noqa: F401 - the fixture

from proofdeck.data.spec import Charter, Economics
from proofdeck.workspace import store as store_module
from proofdeck.workspace import tokens as tokens_module
from proofdeck.workspace.config import Limits
from proofdeck.workspace.snapshot import DEMO, TRAINED, Draft, Settings, parquet_to_frame
from proofdeck.workspace.store import NO_SUCH, Conflict, NotAllowed, NotFound, TooLarge, Workspace

SETTINGS = Settings(Economics(cost_per_action=40.0, value_per_won=500.0, win_rate=0.3), Charter(owner="Head of retention"),
                    count=120)
FRAME = pd.DataFrame({"id": [1, 2, 3], "plan": ["basic", "=1+2", None], "spend": [10.5, None, 3.0]})


def draft(frame=FRAME, title="Churn in Europe") -> Draft:
    return Draft(title, TRAINED, "title = 'x'\n", SETTINGS, frame=frame)


@pytest.fixture
def ws(database_url):  # noqa: F811 - the fixture's parameter
    workspace = Workspace(database_url)
    yield workspace
    workspace.close()


def test_a_saved_item_reopens_with_each_link_and_its_data_byte_for_value(ws):
    created = ws.create(draft(), by="Ann")
    assert set(created.tokens) == {"editor", "reviewer", "viewer"}
    for role, token in created.tokens.items():
        access = ws.open(token)
        assert access.role == role
        assert access.poc.settings == SETTINGS
        assert access.poc.title == "Churn in Europe" and access.poc.version == 1 and access.poc.updated_by == "Ann"
    back = parquet_to_frame(ws.data(created.tokens["viewer"]))
    pd.testing.assert_frame_equal(back, FRAME)


def test_tokens_are_long_random_and_stored_only_as_hashes(ws, database_url):  # noqa: F811
    created = ws.create(draft(), by="Ann")
    texts = set(created.tokens.values())
    assert len(texts) == 3
    for text in texts:
        selector, secret = text.split(".")
        # token_urlsafe(24): 24 random bytes = 192 bits in the secret (at least 128 asked).
        assert len(secret) == 32 and len(selector) == 12
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        dump = " ".join(str(row) for table in ("links", "pocs", "marks")
                        for row in connection.execute(sa.text(f"SELECT * FROM {table}")))
    engine.dispose()
    for text in texts:
        assert text.split(".")[1] not in dump and text not in dump


def test_the_secret_is_compared_in_constant_time(ws, monkeypatch):
    created = ws.create(draft(), by="Ann")
    calls = []
    real = tokens_module.hmac.compare_digest
    monkeypatch.setattr(tokens_module.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    ws.open(created.tokens["viewer"])
    with pytest.raises(NotFound):
        ws.open(created.tokens["viewer"][:-1] + ("A" if created.tokens["viewer"][-1] != "A" else "B"))
    assert len(calls) == 2


def test_wrong_revoked_expired_and_deleted_links_all_get_the_same_answer(ws):
    created = ws.create(draft(), by="Ann")
    editor, viewer, reviewer = (created.tokens[r] for r in ("editor", "viewer", "reviewer"))
    answers = []
    for token in ("", "nonsense", "x" * 12 + "." + "y" * 32, viewer.split(".")[0] + "." + "A" * 32):
        with pytest.raises(NotFound) as refused:
            ws.open(token)
        answers.append(str(refused.value))
    ws.revoke(editor, viewer.split(".")[0])
    with pytest.raises(NotFound) as refused:
        ws.open(viewer)
    answers.append(str(refused.value))
    short = ws.new_link(editor, "viewer", expires_in_days=1)
    ws.open(short)
    with ws.engine.begin() as connection:  # a day later
        connection.execute(store_module.t.links.update().where(store_module.t.links.c.selector == short.split(".")[0])
                           .values(expires_at=store_module.now_utc() - timedelta(seconds=1)))
    with pytest.raises(NotFound) as refused:
        ws.open(short)
    answers.append(str(refused.value))
    ws.delete(editor)
    for token in (editor, reviewer):
        with pytest.raises(NotFound) as refused:
            ws.open(token)
        answers.append(str(refused.value))
    assert set(answers) == {NO_SUCH}


@settings(max_examples=examples(60), deadline=None)
@given(text=st.text(max_size=80))
def test_any_text_as_a_token_is_simply_not_found(tmp_path_factory, text):
    ws = _shared_sqlite(tmp_path_factory)
    with pytest.raises(NotFound):
        ws.open(text)


_SHARED: dict = {}


def _shared_sqlite(factory) -> Workspace:
    if "ws" not in _SHARED:
        _SHARED["ws"] = Workspace(f"sqlite:///{factory.mktemp('ws') / 'w.sqlite3'}")
        _SHARED["ws"].create(draft(), by="Ann")
    return _SHARED["ws"]


def test_a_viewer_changes_nothing_and_a_reviewer_only_marks(ws):
    created = ws.create(draft(), by="Ann")
    viewer, reviewer, editor = (created.tokens[r] for r in ("viewer", "reviewer", "editor"))
    changed = replace(SETTINGS, count=7)
    for token in (viewer, reviewer):
        with pytest.raises(NotAllowed):
            ws.save(token, changed, 1, by="Mallory")
        with pytest.raises(NotAllowed):
            ws.new_link(token, "editor")
        with pytest.raises(NotAllowed):
            ws.revoke(token, editor.split(".")[0])
        with pytest.raises(NotAllowed):
            ws.delete(token)
        with pytest.raises(NotAllowed):
            ws.links(token)
    with pytest.raises(NotAllowed):
        ws.add_mark(viewer, "17", "wrong", "called twice", "Mallory")
    ws.add_mark(reviewer, "17", "wrong", "called twice already", "Rita")
    access = ws.open(editor)
    assert access.poc.version == 1 and access.poc.settings == SETTINGS
    assert [(m.example_id, m.verdict, m.reviewer) for m in ws.marks(viewer)] == [("17", "wrong", "Rita")]


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(ws):
    created = ws.create(draft(), by="Ann")
    editor = created.tokens["editor"]
    first, second = replace(SETTINGS, count=10), replace(SETTINGS, count=20)
    saved = ws.save(editor, first, expected_version=1, by="Bob")
    assert saved.version == 2
    with pytest.raises(Conflict) as told:
        ws.save(editor, second, expected_version=1, by="Cat")
    assert "Bob" in str(told.value) and "version 2" in str(told.value)
    assert ws.open(editor).poc.settings.count == 10
    assert ws.save(editor, second, expected_version=2, by="Cat").version == 3


def test_parallel_saves_of_one_item_let_exactly_one_through(ws):
    created = ws.create(draft(), by="Ann")
    editor = created.tokens["editor"]
    results, barrier = [], threading.Barrier(6)

    def save(n: int) -> None:
        barrier.wait()
        try:
            ws.save(editor, replace(SETTINGS, count=n), expected_version=1, by=f"editor {n}")
            results.append(("saved", n))
        except Conflict:
            results.append(("conflict", n))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for what, n in results if what == "saved"]
    assert len(winners) == 1 and len(results) == 6
    poc = ws.open(editor).poc
    assert poc.version == 2 and poc.settings.count == winners[0]


def test_parallel_saves_and_marks_from_two_servers_lose_nothing(database_url):  # noqa: F811
    servers = [Workspace(database_url), Workspace(database_url)]
    made, barrier, errors = [], threading.Barrier(8), []

    def work(n: int) -> None:
        ws = servers[n % 2]
        barrier.wait()
        try:
            for i in range(3):
                created = ws.create(draft(frame=FRAME.assign(n=n, i=i), title=f"item {n}-{i}"), by=f"w{n}")
                for j in range(3):
                    ws.add_mark(created.tokens["reviewer"], str(j), "right", "", f"w{n}")
                made.append(created)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(made) == 24
    for created in made:
        other = servers[1]
        assert other.open(created.tokens["viewer"]).poc.title == created.poc.title
        assert len(other.marks(created.tokens["viewer"])) == 3
        back = parquet_to_frame(other.data(created.tokens["viewer"]))
        assert back["n"].iloc[0] == int(created.poc.title.split()[1].split("-")[0])
    for server in servers:
        server.close()


def test_a_save_on_one_server_is_seen_by_another_at_once(database_url):  # noqa: F811
    one, two = Workspace(database_url), Workspace(database_url)
    created = one.create(draft(), by="Ann")
    assert two.open(created.tokens["viewer"]).poc.version == 1
    one.save(created.tokens["editor"], replace(SETTINGS, count=3), 1, by="Ann")
    assert two.open(created.tokens["viewer"]).poc.settings.count == 3
    one.revoke(created.tokens["editor"], created.tokens["viewer"].split(".")[0])
    with pytest.raises(NotFound):
        two.open(created.tokens["viewer"])
    one.close()
    two.close()


def _crash_mid_save(url: str, token: str, marker: str) -> None:
    """A server process that dies (SIGKILL) after writing a new version, before committing it."""
    ws = Workspace(url, upgrade=False)
    real = Workspace._poc
    calls = []

    def slow_poc(self, connection, poc_id):
        calls.append(1)
        if len(calls) == 2:  # the read back after the UPDATE: the new version is written, not committed
            open(marker, "w").close()
            time.sleep(60)
        return real(self, connection, poc_id)

    Workspace._poc = slow_poc
    ws.save(token, replace(SETTINGS, count=999), 1, by="Crash")


def test_a_crash_in_the_middle_of_a_save_leaves_the_previous_version(database_url, tmp_path):  # noqa: F811
    ws = Workspace(database_url)
    created = ws.create(draft(), by="Ann")
    marker = tmp_path / "written"
    child = multiprocessing.get_context("spawn").Process(
        target=_crash_mid_save, args=(database_url, created.tokens["editor"], str(marker)))
    child.start()
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the save never reached its write"
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    poc = ws.open(created.tokens["viewer"]).poc
    assert poc.version == 1 and poc.settings == SETTINGS
    assert ws.save(created.tokens["editor"], replace(SETTINGS, count=5), 1, by="Ann").version == 2
    ws.close()


def test_a_failure_while_creating_keeps_nothing(ws, monkeypatch):
    def broken():
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "new_token", broken)
    with pytest.raises(OSError):
        ws.create(draft(), by="Ann")
    assert ws.used_bytes() == 0
    with ws.engine.begin() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM pocs")).scalar_one() == 0


def test_deleting_removes_data_spec_links_and_marks_but_keeps_shared_data(ws):
    one = ws.create(draft(), by="Ann")
    two = ws.create(draft(title="Same file, other title"), by="Bob")
    ws.add_mark(one.tokens["reviewer"], "1", "right", "", "Rita")
    size = ws.used_bytes()
    assert size > 0  # stored once for both: the same content
    ws.delete(one.tokens["editor"])
    assert ws.used_bytes() == size  # the other item still reads it
    with ws.engine.begin() as connection:
        for table in ("marks", "links"):
            rows = connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE poc_id = :id"),
                                      {"id": one.poc.id}).scalar_one()
            assert rows == 0
    ws.delete(two.tokens["editor"])
    assert ws.used_bytes() == 0
    with ws.engine.begin() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM pocs")).scalar_one() == 0


def test_size_limits_per_item_in_all_and_for_marks(database_url):  # noqa: F811
    big = pd.DataFrame({"x": [os.urandom(64).hex() for _ in range(2_000)]})  # random text: Parquet cannot shrink it
    small = Workspace(database_url, limits=Limits(item_bytes=50_000, total_bytes=10**9))
    with pytest.raises(TooLarge, match="at most"):
        small.create(draft(frame=big), by="Ann")
    room = Workspace(database_url, limits=Limits(item_bytes=10**9, total_bytes=200_000, marks_per_item=2))
    room.create(draft(frame=big), by="Ann")
    with pytest.raises(TooLarge, match="full"):
        room.create(draft(frame=big.assign(y=1)), by="Ann")
    item = room.create(draft(), by="Ann")
    room.add_mark(item.tokens["editor"], "1", "right", "", "Rita")
    room.add_mark(item.tokens["editor"], "2", "right", "", "Rita")
    with pytest.raises(TooLarge):
        room.add_mark(item.tokens["editor"], "3", "right", "", "Rita")
    small.close()
    room.close()


def test_marks_are_kept_with_time_and_name_in_order(ws):
    created = ws.create(draft(), by="Ann")
    ws.add_mark(created.tokens["reviewer"], "A-1", "wrong", "  moved abroad,\nnot a churner ", " Rita ")
    ws.add_mark(created.tokens["editor"], "A-2", "right", "", "Ed")
    marks = ws.marks(created.tokens["viewer"])
    assert [(m.example_id, m.verdict, m.reason, m.reviewer) for m in marks] == [
        ("A-1", "wrong", "moved abroad, not a churner", "Rita"), ("A-2", "right", "", "Ed")]
    assert marks[0].marked_at <= marks[1].marked_at and marks[0].marked_at.tzinfo is not None
    with pytest.raises(ValueError):
        ws.add_mark(created.tokens["reviewer"], "A-3", "wrong", "", "Rita")  # a wrong mark needs a reason


def test_bundled_demos_are_saved_by_reference(ws):
    created = ws.create(Draft("Churn, with our money", DEMO, "title = 'x'\n", SETTINGS, demo_key="churn"), by="Ann")
    assert created.poc.kind == DEMO and created.poc.demo_key == "churn"
    assert ws.data(created.tokens["viewer"]) is None and ws.used_bytes() == 0


def test_upgrading_again_or_from_two_servers_at_once_is_harmless(database_url):  # noqa: F811
    errors = []

    def start() -> None:
        try:
            Workspace(database_url).close()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    engine.dispose()


def test_no_token_reaches_a_log(ws, caplog):
    caplog.set_level(logging.DEBUG)
    created = ws.create(draft(), by="Ann")
    ws.open(created.tokens["viewer"])
    ws.save(created.tokens["editor"], SETTINGS, 1, by="Ann")
    ws.add_mark(created.tokens["reviewer"], "1", "right", "", "Rita")
    link = ws.new_link(created.tokens["editor"], "viewer", 3)
    ws.revoke(created.tokens["editor"], link.split(".")[0])
    for bad in (link, "junk"):
        with pytest.raises(NotFound) as refused:
            ws.open(bad)
        assert link not in str(refused.value) and link.split(".")[1] not in repr(refused.value)
    ws.delete(created.tokens["editor"])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "saved a new proof of concept" in logged  # the log was captured at all
    for token in [*created.tokens.values(), link]:
        assert token.split(".")[1] not in logged

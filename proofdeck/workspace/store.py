"""The workspace's one storage layer: SQLite by default, PostgreSQL when configured.

Every change is one transaction: a save that fails half-way (a crash, a full disk, a lost
connection) leaves the previous version as it was. Saves are optimistic: each says which
version it started from, and a save over a newer version is refused with :class:`Conflict`,
so two editors never silently overwrite each other. Every call that reads or changes a saved
item takes the link's token and checks it again inside its transaction, so a revoked or
expired link stops working at once, on every server.

Tokens never reach a log: they are not in any message or exception this module makes.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from proofdeck.review.marks import Mark, clean_mark_input
from proofdeck.workspace import tables as t
from proofdeck.workspace.config import Limits
from proofdeck.workspace.snapshot import KINDS, MAX_TITLE, Draft, SavedPoc, Settings, frame_to_parquet
from proofdeck.workspace.tokens import (
    EDITOR,
    REVIEWER,
    ROLES,
    VIEWER,
    can_change,
    can_review,
    new_token,
    secret_matches,
    split_token,
)

LOG = logging.getLogger("proofdeck.workspace")
MIGRATIONS = Path(__file__).with_name("migrations")
NO_SUCH = "No such proof of concept: the link is wrong, revoked or expired. Ask its owner for a new link."
_ADVISORY_LOCK = 7_420_551  # PostgreSQL: one server at a time upgrades the tables


class WorkspaceError(Exception):
    """A message for the person; never holds a token."""


class NotFound(WorkspaceError):
    """The same for a wrong, revoked or expired token, and a deleted item: nothing is given away."""

    def __init__(self) -> None:
        super().__init__(NO_SUCH)


class NotAllowed(WorkspaceError):
    pass


class Conflict(WorkspaceError):
    """Someone saved a newer version since this one was opened."""

    def __init__(self, current: SavedPoc) -> None:
        self.current = current
        when = current.updated_at.strftime("%d %b %Y %H:%M UTC")
        super().__init__(f"It changed since you opened it: {current.updated_by} saved version "
                         f"{current.version} at {when}. Nothing was overwritten; open it again to see "
                         "their version, then make your changes there.")


class TooLarge(WorkspaceError):
    pass


@dataclass(frozen=True)
class Access:
    """What a token opens: the item as of now and the role the token gives."""

    poc: SavedPoc
    role: str
    selector: str


@dataclass(frozen=True)
class Created:
    """A newly saved item and its links (the tokens are shown once: only hashes are kept)."""

    poc: SavedPoc
    tokens: dict[str, str]


@dataclass(frozen=True)
class LinkInfo:
    selector: str
    role: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time stored is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def make_engine(url: str) -> Engine:
    """An engine for the URL. SQLite: write-ahead log, a busy wait rather than an error when
    another server writes, and every transaction taking the write lock at its start, so two
    transactions never deadlock upgrading their locks."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below starts transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Workspace:
    """Saved proofs of concept on one database, shared by every server pointed at it."""

    def __init__(self, url: str, limits: Limits | None = None, upgrade: bool = True) -> None:
        self.url = url
        self.limits = limits or Limits()
        self.engine = make_engine(url)
        if upgrade:
            self.upgrade()

    def upgrade(self) -> None:
        """Bring the tables to the newest migration (a no-op when they are)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # --- saving ---------------------------------------------------------------------------------

    def create(self, draft: Draft, by: str) -> Created:
        """Save a new item with an editor, a reviewer and a viewer link."""
        if draft.kind not in KINDS:
            raise ValueError(f"unknown kind {draft.kind!r}")
        data = None if draft.frame is None else frame_to_parquet(draft.frame)
        if data is not None and len(data) > self.limits.item_bytes:
            raise TooLarge(f"This data takes {len(data) / 1e6:,.0f} MB saved; one item may take at most "
                           f"{self.limits.item_bytes / 1e6:,.0f} MB.")
        moment = now_utc()
        poc_id = secrets.token_hex(16)
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        with self.engine.begin() as connection:
            if data is not None:
                self._store_blob(connection, digest, data, moment)
            connection.execute(t.pocs.insert().values(
                id=poc_id, title=_title(draft.title), kind=draft.kind, demo_key=draft.demo_key,
                spec_text=draft.spec_text, blob_digest=digest, settings=draft.settings.to_json(), version=1,
                created_at=moment, updated_at=moment, updated_by=_name(by),
            ))
            tokens = {role: self._add_link(connection, poc_id, role, None, moment) for role in (EDITOR, REVIEWER, VIEWER)}
            poc = self._poc(connection, poc_id)
        LOG.info("saved a new proof of concept (%s, %s)", poc.kind, poc.key)
        return Created(poc, tokens)

    def save(self, token: str, settings: Settings, expected_version: int, by: str, title: str | None = None) -> SavedPoc:
        """Save changed settings (and title) over ``expected_version``; :class:`Conflict` if
        someone saved since."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_change(access.role), "This link can only view: ask for an editor link to save changes.")
            values = {"settings": settings.to_json(), "version": expected_version + 1,
                      "updated_at": now_utc(), "updated_by": _name(by)}
            if title is not None:
                values["title"] = _title(title)
            done = connection.execute(t.pocs.update().where(
                t.pocs.c.id == access.poc.id, t.pocs.c.version == expected_version).values(**values))
            if done.rowcount != 1:
                raise Conflict(self._poc(connection, access.poc.id))
            return self._poc(connection, access.poc.id)

    def delete(self, token: str) -> None:
        """Delete the item, its links and its marks; its data too unless another item uses it."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_change(access.role), "Only an editor link can delete.")
            poc_id, digest = access.poc.id, access.poc.data_digest
            connection.execute(t.marks.delete().where(t.marks.c.poc_id == poc_id))
            connection.execute(t.links.delete().where(t.links.c.poc_id == poc_id))
            connection.execute(t.pocs.delete().where(t.pocs.c.id == poc_id))
            if digest is not None:
                still_used = connection.execute(
                    sa.select(sa.func.count()).select_from(t.pocs).where(t.pocs.c.blob_digest == digest)).scalar_one()
                if not still_used:
                    connection.execute(t.blobs.delete().where(t.blobs.c.digest == digest))
        LOG.info("deleted a proof of concept (%s)", access.poc.key)

    # --- reading --------------------------------------------------------------------------------

    def open(self, token: str) -> Access:
        """What the token opens, as of now; :class:`NotFound` for anything but a live token."""
        with self.engine.begin() as connection:
            return self._access(connection, token)

    def data(self, token: str) -> bytes | None:
        """The item's data (Parquet), read with a live token."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            if access.poc.data_digest is None:
                return None
            return connection.execute(sa.select(t.blobs.c.data).where(
                t.blobs.c.digest == access.poc.data_digest)).scalar_one()

    def used_bytes(self) -> int:
        with self.engine.begin() as connection:
            return int(connection.execute(sa.select(sa.func.coalesce(sa.func.sum(t.blobs.c.size), 0))).scalar_one())

    # --- links ----------------------------------------------------------------------------------

    def new_link(self, token: str, role: str, expires_in_days: float | None = None) -> str:
        """A new link of ``role`` for the item (editors only); its token, shown once."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_change(access.role), "Only an editor link can make links.")
            count = connection.execute(sa.select(sa.func.count()).select_from(t.links).where(
                t.links.c.poc_id == access.poc.id)).scalar_one()
            if count >= self.limits.links_per_item:
                raise TooLarge(f"This proof of concept has {count} links, the most it may have; "
                               "delete it and save it again to start afresh.")
            moment = now_utc()
            expires = None if expires_in_days is None else moment + timedelta(days=float(expires_in_days))
            return self._add_link(connection, access.poc.id, role, expires, moment)

    def links(self, token: str) -> list[LinkInfo]:
        """Every link of the item, newest first (editors only; the tokens themselves are not kept)."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_change(access.role), "Only an editor link can see the links.")
            rows = connection.execute(sa.select(t.links).where(t.links.c.poc_id == access.poc.id)
                                      .order_by(t.links.c.created_at.desc())).mappings().all()
        return [LinkInfo(r["selector"], r["role"], _utc(r["created_at"]), _utc(r["expires_at"]), _utc(r["revoked_at"]))
                for r in rows]

    def revoke(self, token: str, selector: str) -> None:
        """Revoke one of the item's links (editors only); it stops working on every server at once."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_change(access.role), "Only an editor link can revoke links.")
            connection.execute(t.links.update().where(
                t.links.c.selector == selector, t.links.c.poc_id == access.poc.id, t.links.c.revoked_at.is_(None),
            ).values(revoked_at=now_utc()))

    # --- review marks ---------------------------------------------------------------------------

    def add_mark(self, token: str, example_id: str, verdict: str, reason: str, reviewer: str) -> Mark:
        """Mark a held-out example's model call right or wrong (reviewers and editors)."""
        verdict, reason, reviewer = clean_mark_input(verdict, reason, reviewer)
        example_id = str(example_id)[:200]
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            _require(can_review(access.role), "This link can only view: ask for a reviewer or editor link to mark examples.")
            count = connection.execute(sa.select(sa.func.count()).select_from(t.marks).where(
                t.marks.c.poc_id == access.poc.id)).scalar_one()
            if count >= self.limits.marks_per_item:
                raise TooLarge(f"This proof of concept holds {count:,} marks, the most it may hold.")
            moment = now_utc()
            connection.execute(t.marks.insert().values(poc_id=access.poc.id, example_id=example_id, verdict=verdict,
                                                       reason=reason, reviewer=reviewer, marked_at=moment))
        return Mark(example_id, verdict, reason, reviewer, moment)

    def marks(self, token: str) -> list[Mark]:
        """Every mark on the item, oldest first."""
        with self.engine.begin() as connection:
            access = self._access(connection, token)
            rows = connection.execute(sa.select(t.marks).where(t.marks.c.poc_id == access.poc.id)
                                      .order_by(t.marks.c.marked_at, t.marks.c.id)).mappings().all()
        return [Mark(r["example_id"], r["verdict"], r["reason"], r["reviewer"], _utc(r["marked_at"])) for r in rows]

    # --- inside a transaction -------------------------------------------------------------------

    def _access(self, connection: Connection, token: str) -> Access:
        parts = split_token(token)
        if parts is None:
            raise NotFound()
        selector, secret = parts
        row = connection.execute(sa.select(t.links).where(t.links.c.selector == selector)).mappings().first()
        # The secret is compared even when the link is unusable, so every refusal takes the same time.
        matches = secret_matches(secret, row["secret_hash"] if row else "0" * 64)
        if row is None or not matches or row["revoked_at"] is not None:
            raise NotFound()
        expires = _utc(row["expires_at"])
        if expires is not None and expires <= now_utc():
            raise NotFound()
        poc = self._poc(connection, row["poc_id"])
        if poc is None:
            raise NotFound()
        return Access(poc, row["role"], selector)

    def _poc(self, connection: Connection, poc_id: str) -> SavedPoc | None:
        row = connection.execute(sa.select(t.pocs).where(t.pocs.c.id == poc_id)).mappings().first()
        if row is None:
            return None
        return SavedPoc(
            id=row["id"], title=row["title"], kind=row["kind"], demo_key=row["demo_key"], spec_text=row["spec_text"],
            data_digest=row["blob_digest"], settings=Settings.from_json(row["settings"]), version=row["version"],
            created_at=_utc(row["created_at"]), updated_at=_utc(row["updated_at"]), updated_by=row["updated_by"],
        )

    def _store_blob(self, connection: Connection, digest: str, data: bytes, moment: datetime) -> None:
        """Store the data once per content (the same file saved twice is stored once)."""
        exists = connection.execute(sa.select(t.blobs.c.digest).where(t.blobs.c.digest == digest)).first()
        if exists:
            return
        used = int(connection.execute(sa.select(sa.func.coalesce(sa.func.sum(t.blobs.c.size), 0))).scalar_one())
        if used + len(data) > self.limits.total_bytes:
            raise TooLarge(f"The workspace is full ({used / 1e6:,.0f} MB of {self.limits.total_bytes / 1e6:,.0f} MB "
                           "used): delete proofs of concept nobody needs, or ask whoever runs it for more room.")
        insert = _insert_ignoring_duplicates(connection, t.blobs)
        connection.execute(insert.values(digest=digest, data=data, size=len(data), created_at=moment))

    def _add_link(self, connection: Connection, poc_id: str, role: str, expires: datetime | None,
                  moment: datetime) -> str:
        token = new_token()
        connection.execute(t.links.insert().values(selector=token.selector, poc_id=poc_id, role=role,
                                                   secret_hash=token.secret_hash, created_at=moment,
                                                   expires_at=expires, revoked_at=None))
        return token.text


def _insert_ignoring_duplicates(connection: Connection, table: sa.Table):
    """INSERT ... ON CONFLICT DO NOTHING: two servers saving the same file at once both succeed."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _title(text: str) -> str:
    cleaned = " ".join(str(text).split())[:MAX_TITLE]
    return cleaned or "Untitled proof of concept"


def _name(text: str) -> str:
    cleaned = " ".join(str(text).split())[:60]
    return cleaned or "someone"


__all__ = ["Workspace", "Access", "Created", "LinkInfo", "Conflict", "NotFound", "NotAllowed", "TooLarge",
           "WorkspaceError", "NO_SUCH", "make_engine"]

"""Link tokens: unguessable, stored only as a hash, checked in constant time.

A token reads ``<selector>.<secret>``. The selector (72 random bits) finds the row; the secret
(192 random bits, above the 128 asked of an unguessable link) is never stored, only its
SHA-256, and is compared with ``hmac.compare_digest``, so neither a database dump nor the time
a wrong guess takes gives a link away. A fast hash is right here: the secret is random, not a
password a person chose, so there is nothing for a slow hash to protect against guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SELECTOR_BYTES = 9
SECRET_BYTES = 24
_TOKEN = re.compile(r"([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{32})")

VIEWER, REVIEWER, EDITOR = "viewer", "reviewer", "editor"
ROLES = (VIEWER, REVIEWER, EDITOR)
ROLE_WORDS = {
    VIEWER: "see everything, change nothing",
    REVIEWER: "see everything and mark examples right or wrong",
    EDITOR: "also save changes, make and revoke links, delete",
}


@dataclass(frozen=True)
class NewToken:
    """A token made now: the text for the link (shown once) and what is stored."""

    text: str
    selector: str
    secret_hash: str


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_token() -> NewToken:
    selector = secrets.token_urlsafe(SELECTOR_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return NewToken(f"{selector}.{secret}", selector, secret_hash(secret))


def split_token(text: str) -> tuple[str, str] | None:
    """(selector, secret) of a well-formed token, else None (anything else is no token)."""
    found = _TOKEN.fullmatch(text.strip()) if isinstance(text, str) else None
    return (found.group(1), found.group(2)) if found else None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def can_change(role: str) -> bool:
    return role == EDITOR


def can_review(role: str) -> bool:
    return role in (REVIEWER, EDITOR)

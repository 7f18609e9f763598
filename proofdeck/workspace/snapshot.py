"""What a saved proof of concept holds, and how it is written down.

The model is never stored: it is rebuilt from the data, the spec and its seed (no pickles, so
reading a saved item runs no code). A bundled demo is saved by reference (its key: the data is
the demo's own file); an upload's data is saved as Parquet, by content hash.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

import pandas as pd

from proofdeck.data.spec import Charter, Economics

DEMO, TRAINED, SCORES = "demo", "trained", "scores"  # a bundled demo, an upload, an upload of scores
KINDS = (DEMO, TRAINED, SCORES)
MAX_TITLE = 300


@dataclass(frozen=True)
class Settings:
    """What a session changes on top of the spec: assumptions, charter, the model's setting.

    ``count`` is how many held-out examples the model acts on (None: today's rule's budget).
    ``score_column``, ``rule`` and ``unseen`` say how to rebuild a demo on the team's own scores.
    """

    economics: Economics
    charter: Charter
    count: int | None = None
    story_seed: int = 0
    score_column: str | None = None
    rule: str = ""
    unseen: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "economics": asdict(self.economics),
            "charter": asdict(self.charter),
            "count": self.count, "story_seed": self.story_seed,
            "score_column": self.score_column, "rule": self.rule, "unseen": self.unseen,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        """Settings written by :meth:`to_json`; unknown fields are ignored (a newer server's)."""
        econ = _known(Economics, data["economics"])
        econ["assumed"] = tuple(econ.get("assumed", ()))
        econ["ranges"] = tuple(tuple(item) for item in econ.get("ranges", ()))
        charter = _known(Charter, data["charter"])
        charter["done"] = tuple(charter.get("done", ()))
        count = data.get("count")
        return cls(
            economics=Economics(**econ), charter=Charter(**charter),
            count=None if count is None else int(count), story_seed=int(data.get("story_seed", 0)),
            score_column=data.get("score_column"), rule=str(data.get("rule") or ""), unseen=data.get("unseen"),
        )


def _known(kind, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in values.items() if k in names}


@dataclass(frozen=True)
class Draft:
    """A proof of concept about to be saved for the first time."""

    title: str
    kind: str
    spec_text: str
    settings: Settings
    demo_key: str | None = None  # for DEMO
    frame: pd.DataFrame | None = field(default=None, compare=False)  # for TRAINED and SCORES


@dataclass(frozen=True)
class SavedPoc:
    """A saved proof of concept as stored (its data is read separately, by digest)."""

    id: str
    title: str
    kind: str
    demo_key: str | None
    spec_text: str
    data_digest: str | None
    settings: Settings
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str

    @property
    def key(self) -> str:
        """The demo key it is shown under in the picker and in links (no secret in it)."""
        return f"saved-{self.id[:12]}"


def frame_to_parquet(frame: pd.DataFrame) -> bytes:
    """The rows as Parquet (its index dropped: rows are numbered again on reading)."""
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def parquet_to_frame(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data), engine="pyarrow")

"""The two handbook pages the portal comes from, read from `shared/seeds/` beside the repository.

CI checks out `shared/` beside the repository (see the README). A worktree may sit deeper: the
first `shared/seeds/` beside the repository root or one of its parents is used, or
`HANDBOOK_SEEDS_DIR` when set. A missing seed fails the test with a clear message: a seed line
that cannot be read is not a seed line that is shown.
"""

import html
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLDER = "000_063748a91c00e625.txt"  # "TAM and Support Interaction"
NEWER = "001_1180c76c1c7b401b.txt"  # "CSM and Support Interaction"

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_TAG = re.compile(r"<[^>]+>")


def seeds_dir() -> Path | None:
    if os.environ.get("HANDBOOK_SEEDS_DIR"):
        return Path(os.environ["HANDBOOK_SEEDS_DIR"])
    for parent in (ROOT, *ROOT.parents):
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def seed_raw(name: str) -> str:
    directory = seeds_dir()
    path = directory / name if directory else None
    if path is None or not path.is_file():
        pytest.fail(
            f"The handbook seed {name} is missing: expected it in shared/seeds/ beside the repository "
            f"(looked from {ROOT}) or in HANDBOOK_SEEDS_DIR. These tests check the portal against it.",
            pytrace=False,
        )
    return path.read_text(encoding="utf-8")


def normalize(text: str) -> str:
    """Words only: curly apostrophes straight, whitespace collapsed, case folded."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).casefold()


def seed_words(name: str) -> str:
    """The seed as a reader sees it: markdown links as their text, no code marks."""
    return normalize(_LINK.sub(r"\1", seed_raw(name)).replace("`", ""))


def page_words(markup: str) -> str:
    """A rendered page or email as a reader sees it: tags dropped, entities decoded."""
    return normalize(html.unescape(_TAG.sub(" ", markup)))

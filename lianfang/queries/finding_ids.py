"""Short ids for findings: eight letters a person can read out and type.

A finding is identified by its query and key (five parts at most, some empty); the short
id is a digest of those, so it is the same in every review, on every page and in every
export for as long as the finding lasts, and needs no table to keep. Written in
Crockford's base32 (no I, L, O or U), case-insensitive, as two groups of four.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
# Letters a reader may type for a digit of the alphabet, read as that digit.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
SHAPE = re.compile(r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")


def short_id(query_id: str, key: Sequence[str]) -> str:
    """The finding's short id, e.g. `7KQ2-M9XA`."""
    text = "\x1f".join([query_id, *key])
    number = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest())
    letters = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH))
    return f"{letters[:4]}-{letters[4:]}"


def looks_like(text: str) -> bool:
    """Whether `text` has a short id's shape (a caller tells query ids apart first)."""
    return bool(SHAPE.match(text.strip()))


def normal(text: str) -> str:
    """A short id as typed (any case, with or without its dash) in its printed form."""
    letters = text.strip().upper().replace("-", "").translate(_READ_AS)
    return f"{letters[:4]}-{letters[4:]}"


def index(
    findings: Iterable[tuple[str, Sequence[str]]],
) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Short id → the findings it names (more than one only if two digests collide)."""
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for query_id, key in findings:
        ident = (query_id, tuple(key))
        listed = found.setdefault(short_id(query_id, key), [])
        if ident not in listed:
            listed.append(ident)
    return found

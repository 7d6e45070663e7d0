"""Chinese prose with Chinese punctuation.

The registers, the query files and the messages built from them mix half-width commas
and brackets into Chinese sentences ("截至2026年,排查(其中…)"); a document for filing sets
them full width. Only marks that touch Chinese text are changed, so "1,000", "a, b" and
"(C01)" after a Latin word stay as they are.
"""

from __future__ import annotations

import re

_HAN = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARK_NEAR_HAN = re.compile(rf"(?<={_HAN})([,;:?!])(?!\d)|([,;:?!])(?={_HAN})")
_BRACKETED = re.compile(r"\(([^()]*)\)")


def _mark(match: re.Match[str]) -> str:
    return _MARKS[match.group(1) or match.group(2)]


def _bracket(match: re.Match[str]) -> str:
    inner = match.group(1)
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    if re.search(_HAN, inner) or re.fullmatch(_HAN, before or " "):
        return f"（{inner}）"
    return match.group(0)


def full_width(text: str) -> str:
    """The text with the commas, colons, semicolons, question and exclamation marks
    next to Chinese characters, and brackets around or after Chinese, in full width."""
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous = text
        text = _BRACKETED.sub(_bracket, text)
    return _MARK_NEAR_HAN.sub(_mark, text)

"""Typed query parameters: declared in each query file, bound and checked here.

Every canned query takes its values only as parameters; this module turns what a user
typed (CLI, URL) into typed values, or a one-line error naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lianfang.graph import vocab

# No count of months, years or powers a query takes comes near this; a bigger number is a
# typo, and past 2**63 the engine silently wrapped it (within_months=9223372036854775807
# found nothing).
MAXIMUM = 100_000
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ParameterError(ValueError):
    """A parameter that is unknown or whose value is malformed."""


class Param(BaseModel):
    """One declared parameter. `default` None with type date means today."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: Literal["date", "integer", "boolean", "level", "string"]
    description: str = Field(min_length=1)
    default: Any = None
    minimum: int | None = None
    maximum: int = MAXIMUM

    def describe_default(self) -> str:
        if self.type == "date" and self.default is None:
            return "today"
        return "" if self.default is None else str(self.default)


def _date(param: Param, raw: Any) -> str:
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise ParameterError(f"{param.name}: {raw!r} is not a date (YYYY-MM-DD)") from None


def _integer(param: Param, raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ParameterError(f"{param.name}: {raw!r} is not a whole number") from None
    if param.minimum is not None and value < param.minimum:
        raise ParameterError(f"{param.name}: {value} is below the minimum {param.minimum}")
    if value > param.maximum:
        raise ParameterError(f"{param.name}: {value} is above the maximum {param.maximum}")
    return value


def _boolean(param: Param, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    answer = vocab.yes_no(str(raw)) if str(raw).strip() else None
    if answer is None:
        raise ParameterError(f"{param.name}: {raw!r} is not yes/no (true/false, 是/否)")
    return answer


def _level(param: Param, raw: Any) -> str:
    canonical = vocab.level(str(raw))
    if canonical is None:
        raise ParameterError(
            f"{param.name}: {raw!r} is not a risk level ({vocab.LEVEL_EXPECTED_EN})"
        )
    return canonical


def _string(param: Param, raw: Any) -> str | None:
    text = str(raw).strip() if raw is not None else ""
    return text or None


_CONVERT = {
    "date": _date,
    "integer": _integer,
    "boolean": _boolean,
    "level": _level,
    "string": _string,
}


def convert(param: Param, raw: Any) -> Any:
    """One raw value (text or already typed) as the parameter's type."""
    if isinstance(raw, str) and CONTROL.search(raw):
        raise ParameterError(f"{param.name}: the value contains a control character")
    return _CONVERT[param.type](param, raw)


def bind(params: tuple[Param, ...], raw: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Every declared parameter, from `raw` or its default; unknown names are errors."""
    known = {p.name for p in params}
    unknown = sorted(set(raw) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise ParameterError(f"unknown parameter {unknown[0]!r}; this query takes: {listed}")
    bound: dict[str, Any] = {}
    for param in params:
        if param.name in raw and raw[param.name] is not None:
            bound[param.name] = convert(param, raw[param.name])
        elif param.type == "date" and param.default is None:
            bound[param.name] = today.isoformat()
        else:
            bound[param.name] = None if param.default is None else convert(param, param.default)
    return bound

"""How much one import may make lianfang read: a small hostile file must not exhaust it.

A 195 KB workbook of empty rows inflated to gigabytes, and one declaring A1:XFD40000
cost a millisecond a declared row. So a workbook's zip members are checked before any
XML is parsed (total inflated size, and each large member's compression ratio), rows are
read as they are present (never padded to the declared dimension), and rows and columns
per sheet are capped. Each limit can be raised through the environment.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

MIB = 1 << 20


def _env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    inflated_mb: int = _env("LIANFANG_MAX_INFLATED_MB", 512)
    ratio: int = _env("LIANFANG_MAX_COMPRESSION_RATIO", 100)
    rows: int = _env("LIANFANG_MAX_ROWS", 1_048_576)  # as many as an Excel sheet holds
    columns: int = _env("LIANFANG_MAX_COLUMNS", 200)


LIMITS = Limits()
# Small members compress as they like (a sheet of one repeated value); only a member
# this big is held to the ratio.
RATIO_FLOOR = 4 * MIB


def zip_problem(archive: zipfile.ZipFile, limits: Limits = LIMITS) -> tuple[str, str] | None:
    """(zh, en) saying why an archive would inflate too far, or None."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        compressed = max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and member.file_size / compressed > limits.ratio:
            ratio = member.file_size // compressed
            return (
                f"压缩包中的 {member.filename} 解压后是压缩时的 {ratio} 倍"
                f"(上限 {limits.ratio} 倍),不像正常的登记表,已拒绝",
                f"{member.filename} inflates {ratio}x (the limit is {limits.ratio}x): not a "
                "register file; refused (LIANFANG_MAX_COMPRESSION_RATIO)",
            )
    if total > limits.inflated_mb * MIB:
        return (
            f"解压后共 {total // MIB} MB,超过上限 {limits.inflated_mb} MB,已拒绝",
            f"it inflates to {total // MIB} MB, over the {limits.inflated_mb} MB limit; "
            "refused (LIANFANG_MAX_INFLATED_MB)",
        )
    return None

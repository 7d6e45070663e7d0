"""Password hashing: Argon2id through argon2-cffi, with its current default costs."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10


class WeakPassword(ValueError):
    """A password lianfang will not store."""


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_strength(password: str, name: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if password.strip().lower() == name.strip().lower():
        raise WeakPassword("the password may not be the user name")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches; a missing or damaged hash matches nothing."""
    if not stored:
        # Hash anyway, so that a missing account costs as much time as a wrong password.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)

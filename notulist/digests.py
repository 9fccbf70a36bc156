"""Digests that name things: bytes and plain values."""
from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).parent      # the installed engine: code, templates, catalogs, static


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def value_digest(value) -> str:
    """Of frozen dataclasses, tuples, strings and dates: their repr names them."""
    return digest(repr(value).encode())

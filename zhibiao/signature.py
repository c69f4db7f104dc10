"""The store's signature on a verified catalogue: what lets `zhibiao score` tell a verification people made in the
store from a ``"verified": true`` anyone can type into a JSON file.

When the store exports a verified catalogue it writes ``verification.signature``: an HMAC-SHA256, in hex, of the
catalogue's canonical JSON (the catalogue as the model writes it with the signature left out, keys sorted, no
spaces, UTF-8) under a key kept in the data directory (``signing.key``, 32 random bytes, created 0600 on the first
signature). `score` recomputes it with the same key: a catalogue changed after it was signed, signed by another
store, or not signed at all cannot be shown to be verified.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from zhibiao.model import Catalogue

__all__ = ["KEY_FILE", "key_path", "canonical_json", "signed", "signature_problem"]

KEY_FILE = "signing.key"


def key_path() -> Path:
    """Where the signing key lives: signing.key in the store's data directory."""
    from zhibiao.store import data_dir

    return data_dir() / KEY_FILE


def _key(create: bool) -> bytes | None:
    path = key_path()
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _key(create=False)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def canonical_json(cat: Catalogue) -> bytes:
    """The catalogue as the model writes it, without the signature, keys sorted, no spaces: what is signed."""
    data = cat.model_dump(mode="json")
    if data.get("verification"):
        data["verification"]["signature"] = None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _mac(key: bytes, cat: Catalogue) -> str:
    return hmac.new(key, canonical_json(cat), hashlib.sha256).hexdigest()


def signed(cat: Catalogue) -> Catalogue:
    """A copy of a verified catalogue carrying the store's signature (an unverified one is returned as it is)."""
    if cat.verification is None or not cat.verification.verified:
        return cat
    key = _key(create=True)
    assert key is not None  # just created when it was missing
    out = cat.model_copy(deep=True)
    assert out.verification is not None
    out.verification.signature = _mac(key, out)
    return out


def signature_problem(cat: Catalogue) -> str | None:
    """Why a catalogue that says it is verified cannot be shown to be (None when its signature holds)."""
    v = cat.verification
    if v is None or not v.verified:
        return "it is not verified"
    if not v.signature:
        return "it carries no signature of the store (export it from the store or the review app)"
    key = _key(create=False)
    if key is None:
        return f"there is no signing key at {key_path()} (the store that verified it keeps another data directory)"
    if not hmac.compare_digest(_mac(key, cat), v.signature):
        return "its signature does not match its content (changed since it was signed, or another store signed it)"
    return None

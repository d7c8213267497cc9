"""One-time backup codes, kept only as keyed hashes.

django-otp's static plugin stores backup codes as they are shown; here a code is kept as
HMAC-SHA256 over the account's id and the code, keyed by a key derived from SECRET_KEY
(`salted_hmac` with a purpose of its own). Someone who reads the database, or a backup of it,
cannot use or recover the codes; checking one is a single indexed lookup. A plain hash would
not do: a code is short enough (about 49 bits) to be found by trying them all, and a slow
password hash would make a login try ten of them. Codes made under an older key
(SECRET_KEY_FALLBACKS) still work.

Migration identity/0002 holds a frozen copy of `code_hash` to convert the codes that
django-otp stored in plain text.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# No 0/o, 1/l/i: codes are copied from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 10
KEY_SALT = "budgetapp.identity.backup_code"


def new_code() -> str:
    """A fresh code as shown to the person, in two groups: `abcde-fghjk`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(token: str) -> str:
    """What is compared: lower case, without spaces or hyphens (as typed or as shown)."""
    return "".join(token.split()).replace("-", "").lower()


def code_hash(user_id: int, code: str, *, secret: str | None = None) -> str:
    value = f"{user_id}:{normalise(code)}"
    return salted_hmac(
        KEY_SALT, value, secret=secret or settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def candidate_hashes(user_id: int, code: str) -> list[str]:
    """The hash under the current key and under each fallback key still accepted."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hash(user_id, code, secret=key) for key in keys]

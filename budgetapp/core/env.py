"""Strict helpers for reading settings from the environment.

A typo in an environment variable should stop the process at start-up with a clear message,
not silently fall back to a default.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None = None, *, required_because: str = "") -> str:
    """An absolute http(s) address without a trailing slash (`https://jx.example.cn`).

    With no default the variable is required; `required_because` says why in the message, so
    whoever deploys knows what to set.
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if default is None:
            why = f" {required_because}" if required_because else ""
            raise ImproperlyConfigured(f"Environment variable {name} is required.{why}")
        raw = default
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not an absolute http(s) address such as https://jx.example.cn."
        )
    return value


def env_json_object(name: str, default: dict | None = None) -> dict:
    """A JSON object (`{"bucket_name": "budgetapp"}`), e.g. a storage backend's options."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return dict(default or {})
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object ({{...}}).")
    return value

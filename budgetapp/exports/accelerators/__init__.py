"""Accelerators: the only code that touches private names of WeasyPrint, openpyxl or pydyf.

Each module here makes one thing faster by reaching into a library's internals, and each has a
stock path outside this package, built on public APIs only, that gives the same file:

| accelerator     | what it does                                          | off: stock path            |
|-----------------|-------------------------------------------------------|----------------------------|
| `print_html`    | expat parses our print markup; trimmed UA stylesheet  | WeasyPrint's `HTML`        |
| `layout_reuse`  | line breaks, drawn lines and struts worked out once   | WeasyPrint lays out each   |
| `grid_lines`    | the grids' lines stroked in one path per page         | CSS borders (print.css)    |
| `font_deferral` | a book's fonts subset once, not once per table        | each part embeds its fonts |
| `xlsx_styles`   | openpyxl's merge and style bookkeeping skipped        | `merge_cells`, assignments |

Each module declares `PROVEN_ON`, the exact versions of the libraries whose internals it uses
that it was proven on (byte-identical or pixel-identical output, tests/test_exports_speed.py).
`configure()` runs at start-up (the exports app's `ready`) and switches an accelerator off,
with one log line, when any installed version differs: on the day a security release of
WeasyPrint ships it can be installed, and exports stay correct, only slower, until the
accelerators are proven again (run the export tests, then raise `PROVEN_ON`).
`EXPORT_ACCELERATORS=false` switches them all off.

The PDF worker processes do not check again: they `adopt()` the set their parent decided
(`pdf_render.PrintConfig`). tests/test_accelerators.py fails when a private name of these
libraries is used outside this package.

This package must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from importlib import metadata

logger = logging.getLogger(__name__)

NAMES = ("print_html", "layout_reuse", "grid_lines", "font_deferral", "xlsx_styles")

_active: frozenset[str] | None = None  # None: not decided yet in this process


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def proven_on(name: str) -> dict[str, str]:
    """The library versions accelerator `name` was proven on (its module's `PROVEN_ON`)."""
    return dict(importlib.import_module(f"{__name__}.{name}").PROVEN_ON)


def configure(*, enabled: bool = True) -> frozenset[str]:
    """Decide which accelerators run in this process, and return them.

    All of them when `enabled` and the installed libraries are the versions each was proven
    on; an accelerator proven on other versions is off, and says so in one warning line.
    """
    global _active
    if not enabled:
        logger.info("Export accelerators are off (EXPORT_ACCELERATORS=false): stock exports.")
        _active = frozenset()
        return _active
    active = []
    for name in NAMES:
        wanted = proven_on(name)
        found = {library: installed_version(library) for library in wanted}
        if found == wanted:
            active.append(name)
            continue
        logger.warning(
            "Export accelerator %s is off: proven on %s, installed %s; exports use the stock "
            "path (same files, slower) until it is proven on these versions.",
            name,
            _versions(wanted),
            _versions(found),
        )
    _active = frozenset(active)
    return _active


def adopt(names: Iterable[str]) -> None:
    """Use exactly these accelerators (a worker process, told by the process that checked)."""
    global _active
    unknown = set(names) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown accelerators: {sorted(unknown)}")
    _active = frozenset(names)


def active_names() -> frozenset[str]:
    """The accelerators on in this process (decided now, with all allowed, if not yet)."""
    return configure() if _active is None else _active


def active(name: str) -> bool:
    if name not in NAMES:
        raise ValueError(f"unknown accelerator {name!r}")
    return name in active_names()


def _versions(versions: dict[str, str | None]) -> str:
    return ", ".join(
        f"{library} {version or '(not installed)'}" for library, version in versions.items()
    )

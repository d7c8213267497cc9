from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)

# The names WeasyPrint itself tries (weasyprint/text/ffi.py), most specific first.
HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


def harfbuzz_subset_available() -> bool:
    """Whether HarfBuzz's subsetting library can be loaded, as WeasyPrint will try to."""
    for name in HARFBUZZ_SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return ctypes.util.find_library("harfbuzz-subset") is not None


class ExportsConfig(AppConfig):
    name = "budgetapp.exports"
    verbose_name = "导出"

    def ready(self) -> None:
        from . import accelerators, pdf_render, print_fonts

        # Which accelerators run: those proven on the installed library versions (one log line
        # for each that is not), none with EXPORT_ACCELERATORS=false. The PDF workers are told.
        active = accelerators.configure(enabled=settings.EXPORT_ACCELERATORS)
        font_dir = Path(settings.EXPORT_FONT_DIR)
        pdf_render.configure(pdf_render.PrintConfig(str(font_dir), active))
        # Without it WeasyPrint silently subsets the CJK font with fontTools: about 3 s instead
        # of a fraction of a second per table. Say so once at start-up rather than in a slow page.
        if not harfbuzz_subset_available():
            logger.warning(
                "HarfBuzz subset library (libharfbuzz-subset) not found: PDF exports will be "
                "slow (about 3 s per table). Install it, e.g. apt-get install libharfbuzz-subset0."
            )
        # Not while the fonts are being built: that command says what it does itself.
        if not print_fonts.installed(font_dir) and "build_print_fonts" not in sys.argv[1:2]:
            logger.warning(
                "Print fonts not built in %s: PDF exports use the full Noto Serif CJK fonts and "
                "are slower. Run `python manage.py build_print_fonts` (make setup does).",
                font_dir,
            )

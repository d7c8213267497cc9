"""The print font handed to WeasyPrint's font configuration (an accelerator: it uses the
configuration's private Fontconfig handle, `FontConfiguration._config`).

The GB2312 cut of Noto Serif CJK SC (`print_fonts.py`) subsets several times faster than the
full face. It is added to the Fontconfig configuration WeasyPrint's font map reads, as
WeasyPrint's own @font-face loading does (weasyprint/text/fonts.py), so print.css finds it by
its family name without a global Fontconfig setup. Off, print.css's next family, Noto Serif
CJK SC as Fontconfig has it, prints the same glyphs in the same places (tested), slower.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# The versions of the libraries whose internals this uses, on which it was proven to print
# every word box where the full font prints it (tests/test_print_fonts.py).
PROVEN_ON = {"weasyprint": "70.0"}


def register(font_configuration, files: list[Path]) -> bool:
    """Add the print font `files` to a WeasyPrint FontConfiguration; False if they would not load."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2

    # The font map holds a reference to this config (WeasyPrint 70, FontConfiguration.__init__).
    config = font_configuration._config
    added = [fontconfig.FcConfigAppFontAddFile(config, str(path).encode()) for path in files]
    if not all(added):
        logger.warning("Print fonts %s could not be loaded; using the full fonts.", files)
        return False
    pangoft2.pango_fc_font_map_config_changed(
        ffi.cast("PangoFcFontMap *", font_configuration.font_map)
    )
    return True

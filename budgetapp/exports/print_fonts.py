"""The print font: Noto Serif CJK SC cut down to the characters Chinese official text uses.

WeasyPrint subsets every embedded font per document with HarfBuzz, and the time that takes
grows with the font: the Simplified-Chinese face of Noto Serif CJK carries 65,535 glyphs (every
CJK script), which made subsetting about a third of a one-table PDF. A copy holding only GB2312
(the 6,763 hanzi and the symbols of official documents), ASCII, CJK and full-width punctuation
and the comparison signs of 指标值, shaped as zh-CN horizontal text only, has about 8,600 glyphs
and subsets several times faster.

The copy is built once per installation (`python manage.py build_print_fonts`, run by
`make setup` and the Docker build) into `EXPORT_FONT_DIR`, under its own family name
(`PRINT_FAMILY`; Noto CJK is under the SIL Open Font License, which asks a modified font to be
renamed). print.css names it first and Noto Serif CJK SC second, so a character outside the
copy (a rare name character) is still printed, in the full font, by Pango's per-character
fallback. Without the copy the exports are the same, only slower; the app warns at start-up.
WeasyPrint is given the copy as @font-face rules (`register`), its own public way.

This module must not use Django (the PDF worker processes check which files are built): the
folder, `EXPORT_FONT_DIR`, is passed in.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PRINT_FAMILY = "BudgetApp Serif SC"
SOURCE_FAMILY = "Noto Serif CJK SC"
# Where Debian's fonts-noto-cjk puts the collections (regular and bold weights).
SOURCES = {
    "regular": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
# Bump when the character set or the way the copy is built changes, so installed copies are
# rebuilt (and printed parts cached with the old copy are not reused).
CHARSET_VERSION = 3
STAMP = "print-fonts.json"

# Beyond GB2312: punctuation, comparison and arrow signs, letter-like symbols, full-width forms.
_EXTRA_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2150, 0x218F),
    (0x2190, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x257F),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0x3200, 0x33FF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)


# OpenType's language system of zh-CN text (HarfBuzz maps zh-CN to it).
PRINT_LANGUAGE_SYSTEM = "ZHS "
_VERTICAL_FEATURES = frozenset({"vert", "vrt2", "vkrn", "vpal", "valt", "vhal", "vchw", "vjmo"})


def font_files(font_dir: Path) -> dict[str, Path]:
    return {weight: Path(font_dir) / f"budgetapp-serif-sc-{weight}.otf" for weight in SOURCES}


def character_set() -> set[int]:
    """GB2312 (both levels of hanzi and its symbol rows) plus `_EXTRA_RANGES`."""
    characters: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    for first, last in _EXTRA_RANGES:
        characters.update(range(first, last + 1))
    return characters


def _wanted_stamp() -> dict:
    sources = {
        weight: {"path": str(path), "size": path.stat().st_size if path.exists() else None}
        for weight, path in SOURCES.items()
    }
    return {"charset": CHARSET_VERSION, "family": PRINT_FAMILY, "sources": sources}


def installed(font_dir: Path) -> list[Path]:
    """The font files built in `font_dir`, if complete and built from the fonts installed now."""
    files = font_files(font_dir)
    stamp = Path(font_dir) / STAMP
    if not stamp.exists() or not all(path.exists() for path in files.values()):
        return []
    try:
        if json.loads(stamp.read_text(encoding="utf-8")) != _wanted_stamp():
            return []
    except (OSError, ValueError):
        return []
    return list(files.values())


def _source_face(path: Path) -> int:
    """The index of the Simplified-Chinese face in a Noto CJK collection."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return index
    raise ValueError(f"{path} has no {SOURCE_FAMILY} face")


def _build_one(source: Path, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = TTFont(str(source), fontNumber=_source_face(source), lazy=False)
    # Only the Simplified-Chinese language system of each script: the documents are zh-CN, and
    # the other systems' `locl` lookups (Japanese, Korean, Traditional forms) would bring in
    # 40 % of the copy's glyphs; subsetting time grows with the font. Vertical features go
    # too (print is horizontal). The ZHS system's own `locl` stays: it shapes Latin text.
    for tag in ("GSUB", "GPOS"):
        if tag in font:
            for record in font[tag].table.ScriptList.ScriptRecord:
                kept = [
                    system
                    for system in record.Script.LangSysRecord
                    if system.LangSysTag == PRINT_LANGUAGE_SYSTEM
                ]
                record.Script.LangSysRecord = kept
                record.Script.LangSysCount = len(kept)
    options = subset.Options()
    options.layout_features = [
        feature for feature in options.layout_features if feature not in _VERTICAL_FEATURES
    ]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=character_set())
    subsetter.subset(font)
    postscript = PRINT_FAMILY.replace(" ", "")
    for record in font["name"].names:
        text = record.toUnicode()
        renamed = text.replace(SOURCE_FAMILY, PRINT_FAMILY).replace(
            SOURCE_FAMILY.replace(" ", ""), postscript
        )
        renamed = renamed.replace("NotoSerifCJKsc", postscript)
        if renamed != text:
            record.string = renamed
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    font.save(str(partial))
    partial.replace(target)


def build(font_dir: Path, *, force: bool = False) -> list[Path]:
    """Build the font files into `font_dir` (both weights in parallel); a no-op when they are
    up to date."""
    if not force and installed(font_dir):
        return list(font_files(font_dir).values())
    missing = [str(path) for path in SOURCES.values() if not path.exists()]
    if missing:
        raise FileNotFoundError(
            "找不到 Noto Serif CJK 字体（请安装 fonts-noto-cjk）：" + "，".join(missing)
        )
    files = font_files(font_dir)
    with ProcessPoolExecutor(max_workers=len(files)) as pool:
        futures = [pool.submit(_build_one, SOURCES[w], files[w]) for w in files]
        for future in futures:
            future.result()
    (Path(font_dir) / STAMP).write_text(json.dumps(_wanted_stamp()), encoding="utf-8")
    return list(files.values())


def register(font_configuration, files: list[Path]) -> None:
    """Give WeasyPrint's FontConfiguration the built font `files` (from `installed`), so
    print.css finds them by family name: as @font-face rules, which WeasyPrint loads into the
    configuration when the stylesheet is made with it. The fetcher of this stylesheet of ours
    may read local files; the documents' own fetcher refuses every URL."""
    if not files:
        return
    from weasyprint import CSS
    from weasyprint.urls import URLFetcher

    weights = {"regular": 400, "bold": 700}
    rules = [
        f'@font-face {{ font-family: "{PRINT_FAMILY}"; src: url("{path.as_uri()}"); '
        f"font-weight: {weights[weight]}; font-style: normal }}"
        for weight, path in zip(SOURCES, files, strict=True)
    ]
    CSS(
        string="\n".join(rules),
        font_config=font_configuration,
        url_fetcher=URLFetcher(allowed_protocols=("file",)),
    )

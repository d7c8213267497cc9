"""The print font: a GB2312 cut of Noto Serif CJK SC, built once, with Noto as fallback."""

from __future__ import annotations

import json
import logging
import os
import re

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command

from budgetapp.exports import pdf_render, print_fonts
from budgetapp.exports.registry import export_table

from .test_exports import pdffonts, pdftotext

needs_print_fonts = pytest.mark.skipif(
    not print_fonts.installed(django_settings.EXPORT_FONT_DIR),
    reason="print fonts not built (manage.py build_print_fonts)",
)


def test_ci_builds_the_print_fonts():
    """`make setup` builds them; in CI their absence would silently test the slow path."""
    if not os.environ.get("CI"):
        pytest.skip("checked in CI only")
    assert print_fonts.installed(django_settings.EXPORT_FONT_DIR), (
        "run `python manage.py build_print_fonts` (make setup does)"
    )


def test_the_character_set_covers_gb2312_and_the_signs_of_target_values():
    characters = print_fonts.character_set()
    hanzi = [c for c in characters if 0x4E00 <= c <= 0x9FFF]
    assert len(hanzi) == 6763  # GB2312 levels 1 and 2
    for text in "≥≤＞＜＝％×÷℃№①、，。：；（）《》“”—…￥0123456789ABCabc":
        assert ord(text) in characters, text
    assert ord("堃") not in characters  # GBK, not GB2312: printed by the fallback font


def test_an_outdated_or_partial_build_does_not_count(tmp_path):
    assert print_fonts.installed(tmp_path) == []
    for path in print_fonts.font_files(tmp_path).values():
        path.write_bytes(b"font")
    assert print_fonts.installed(tmp_path) == []  # no stamp: the build did not finish
    stamp = tmp_path / print_fonts.STAMP
    stamp.write_text(json.dumps(print_fonts._wanted_stamp()), encoding="utf-8")
    assert len(print_fonts.installed(tmp_path)) == 2
    stamp.write_text(json.dumps({"charset": 0}), encoding="utf-8")
    assert print_fonts.installed(tmp_path) == []  # another character set: rebuild


def test_start_up_warns_when_the_print_fonts_are_missing(settings, tmp_path, caplog):
    settings.EXPORT_FONT_DIR = tmp_path
    with caplog.at_level(logging.WARNING, logger="budgetapp.exports.apps"):
        apps.get_app_config("exports").ready()
    assert "build_print_fonts" in caplog.text


def test_no_start_up_warning_while_the_fonts_are_being_built(
    settings, tmp_path, caplog, monkeypatch
):
    settings.EXPORT_FONT_DIR = tmp_path
    monkeypatch.setattr("sys.argv", ["manage.py", "build_print_fonts"])
    with caplog.at_level(logging.WARNING, logger="budgetapp.exports.apps"):
        apps.get_app_config("exports").ready()
    assert "build_print_fonts" not in caplog.text


def test_the_command_says_when_the_fonts_are_up_to_date(capsys):
    if not print_fonts.installed(django_settings.EXPORT_FONT_DIR):
        pytest.skip("print fonts not built")
    call_command("build_print_fonts")
    assert "已是最新" in capsys.readouterr().out


@needs_print_fonts
def test_tables_print_in_the_print_font_and_rare_characters_fall_back_to_noto(project):
    project.name = "残疾人就业服务中心运转经费"
    project.fund_use = "保障单位正常运转"
    project.save()
    _, _, pdf = export_table(project, "pdf")
    names = {line.split()[0].split("+", 1)[1] for line in pdffonts(pdf).splitlines()[2:]}
    assert names == {"BudgetApp-Serif-SC", "BudgetApp-Serif-SC-Bold"}, names

    project.fund_use = "保障单位正常运转，联系人王堃"  # 堃 is outside GB2312
    project.save()
    _, _, pdf = export_table(project, "pdf")
    assert "联系人王堃" in pdftotext(pdf)
    names = {line.split()[0].split("+", 1)[1] for line in pdffonts(pdf).splitlines()[2:]}
    assert "BudgetApp-Serif-SC" in names
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in names), names


@needs_print_fonts
def test_the_print_font_shapes_zh_cn_text_as_noto_does():
    """The copy keeps only the zh-CN language system of Noto's layout tables; text set in it
    takes exactly the room and the glyphs it takes in Noto Serif CJK SC (Latin included)."""
    from weasyprint import CSS

    text = "项目编码13070021F97VGKGDY9NNO，预算数1,273.72万元；满意度≥95%（省设定）“好”—Ab fi"

    def printed(family: str) -> tuple[str, bytes]:
        html = (
            '<html lang="zh-CN"><body>'
            f'<p style="font-family: &quot;{family}&quot;">{text}</p>'
            f'<p style="font-family: &quot;{family}&quot;; font-weight: bold">{text}</p>'
            "</body></html>"
        )
        pdf = pdf_render.render_document(html, CSS(string="@page { size: A4 }")).write_pdf()
        return pdftotext(pdf, "-bbox"), pdf

    ours, ours_pdf = printed(print_fonts.PRINT_FAMILY)
    noto, noto_pdf = printed(print_fonts.SOURCE_FAMILY)
    assert "BudgetApp-Serif-SC" in pdffonts(ours_pdf) and "BudgetApp" not in pdffonts(noto_pdf)
    assert text.split("，")[0] in ours
    assert ours.split("<body>")[1] == noto.split("<body>")[1]  # every word box, to the point


def test_the_print_font_keeps_only_the_zh_cn_language_system():
    if not print_fonts.installed(django_settings.EXPORT_FONT_DIR):
        pytest.skip("print fonts not built")
    from fontTools.ttLib import TTFont

    font = TTFont(
        str(print_fonts.font_files(django_settings.EXPORT_FONT_DIR)["regular"]), lazy=True
    )
    systems = {
        system.LangSysTag
        for record in font["GSUB"].table.ScriptList.ScriptRecord
        for system in record.Script.LangSysRecord
    }
    assert systems == {print_fonts.PRINT_LANGUAGE_SYSTEM}
    assert len(font.getGlyphOrder()) < 9000  # GB2312 and the signs, no other locales' forms


@needs_print_fonts
def test_weasyprints_copies_of_the_print_font_are_removed_when_printing_processes_end(tmp_path):
    """WeasyPrint copies an @font-face font into a temporary folder per font configuration (one
    per printing thread) and removes it when the configuration is deleted: at the exit of this
    process and of its PDF workers (which end without atexit, their warm-up frozen) too."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    from django.conf import settings

    script = textwrap.dedent(
        f"""
        import glob
        from budgetapp.exports import pdf_pool, pdf_render
        from budgetapp.exports.pdf_parts import render_part
        from budgetapp.exports.pdf_types import PartSource

        if __name__ == "__main__":
            pdf_render.configure(pdf_render.PrintConfig({str(settings.EXPORT_FONT_DIR)!r}, frozenset()))
            source = PartSource('<html lang="zh-CN"><body><p>绩效目标</p></body></html>', False)
            render_part(source)
            pool = pdf_pool._executor(2)
            for future in [pool.submit(render_part, source) for _ in range(4)]:
                future.result()
            print("copies while printing:", len(glob.glob({str(tmp_path / "weasyprint-*")!r})))
            pdf_pool.shutdown_pool()
        """
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    copies = int(re.search(r"copies while printing: (\d+)", result.stdout)[1])
    assert copies >= 2  # this process's and at least one worker's
    assert "Exception ignored" not in result.stderr
    assert list(tmp_path.glob("weasyprint-*")) == []

"""The one sanitiser for text that XML cannot hold.

XML 1.0 (and so XLSX, and the PDF pipeline's HTML) has no place for the C0 control characters
other than tab, line feed and carriage return (`\\x01`, `\\x07`, `\\x1b` …), for lone UTF-16
surrogates (U+D800–U+DFFF, which Python strings can carry) or for the non-characters U+FFFE and
U+FFFF. openpyxl refuses such a string with an exception, so one stored control character
would make every export and publication of its table fail.

Used at input and at output:
- forms: `reject_invalid_characters` is a validator on every text field of the two tables and
  their rows (targets/forms), answering in Chinese;
- Excel import: `clean_text` removes them from every value, with a warning at its cell
  (imports/plan.py);
- exports: the layout description (layouts/document.py) and the city summary
  (exports/summary.py) strip them at render, so even a string stored before this check (or
  written by other means) never breaks a file.
Everything else (emoji, CJK Extension B, RTL marks, long text) is valid XML and is kept.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# C0 controls except \t \n \r, DEL is allowed by XML but is invisible: removed too.
INVALID_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    if not text:
        return text
    return INVALID_XML_CHARACTERS.sub("", text)


def invalid_characters(text: str) -> list[str]:
    """The offending characters of `text`, each once, as `U+0007`."""
    if not text:
        return []
    found = dict.fromkeys(f"U+{ord(c):04X}" for c in INVALID_XML_CHARACTERS.findall(text))
    return list(found)


def reject_invalid_characters(value: object) -> None:
    """Form validator: a clear Chinese message, the typed text stays in the form."""
    if not isinstance(value, str):
        return
    found = invalid_characters(value)
    if found:
        raise ValidationError(
            "含有不可见的控制字符（%(chars)s），通常是从其他软件复制时带入的，无法保存和打印。"
            "请删除这些字符（可先粘贴到记事本再复制）后再保存。",
            code="invalid_characters",
            params={"chars": "、".join(found[:5])},
        )

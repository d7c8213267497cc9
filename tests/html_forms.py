"""Read a form out of a page's HTML and build the body a browser would submit for it.

The editor tests post back exactly what the page shows (every input, select and textarea of
the form, as a browser serialises them), so a field the form requires but the page does not
render cannot hide behind a hand-written POST dict. The content of `<template>` elements is
not part of the form (the browser does not submit it), disabled controls are left out, an
unchecked checkbox sends nothing and a select sends its selected option (or its first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class _Select:
    name: str
    options: list[tuple[str, bool]] = field(default_factory=list)
    multiple: bool = False


@dataclass
class FormData:
    """The controls of one form in document order: (name, value) pairs, and the selects'
    choices so a test can pick one of the offered values."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        data: dict[str, str] = {}
        for name, value in self.pairs:
            data.setdefault(name, value)
        return data

    def names(self) -> set[str]:
        return {name for name, _ in self.pairs}


class _FormParser(HTMLParser):
    def __init__(self, selector: tuple[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.attr, self.value = selector
        self.in_form = False
        self.found = False
        self.template_depth = 0
        self.select: _Select | None = None
        self.option: tuple[str | None, bool, list[str]] | None = None
        self.textarea: tuple[str, list[str]] | None = None
        self.data = FormData()

    # -- parser callbacks ------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self.template_depth += 1
            return
        if tag == "form" and not self.found and a.get(self.attr) == self.value:
            self.in_form = self.found = True
            return
        if not self.in_form or self.template_depth:
            return
        if tag == "input":
            self._input(a)
        elif tag == "select" and "name" in a and "disabled" not in a:
            self.select = _Select(a["name"], multiple="multiple" in a)
        elif tag == "option" and self.select is not None:
            self._close_option()
            self.option = (a.get("value"), "selected" in a, [])
        elif tag == "textarea" and "name" in a and "disabled" not in a:
            self.textarea = (a["name"], [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template_depth = max(0, self.template_depth - 1)
        elif tag == "form" and self.in_form and not self.template_depth:
            self.in_form = False
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            self._close_select()
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            text = "".join(parts)
            # A browser drops the one newline that directly follows <textarea>.
            if text.startswith("\n"):
                text = text[1:]
            self.data.pairs.append((name, text.replace("\r\n", "\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None:
            self.option[2].append(data)

    # -- helpers ---------------------------------------------------------------------------

    def _input(self, a: dict[str, str]) -> None:
        name, kind = a.get("name"), a.get("type", "text").lower()
        if not name or "disabled" in a or kind in {"submit", "button", "reset", "image", "file"}:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in a:
                self.data.pairs.append((name, a.get("value", "on")))
            return
        self.data.pairs.append((name, a.get("value", "")))

    def _close_option(self) -> None:
        if self.option is None or self.select is None:
            return
        value, selected, text = self.option
        self.select.options.append(
            (value if value is not None else "".join(text).strip(), selected)
        )
        self.option = None

    def _close_select(self) -> None:
        select = self.select
        assert select is not None
        self.data.choices[select.name] = [value for value, _ in select.options]
        chosen = [value for value, selected in select.options if selected]
        if not chosen and select.options and not select.multiple:
            chosen = [select.options[0][0]]
        for value in chosen if select.multiple else chosen[-1:]:
            self.data.pairs.append((select.name, value))
        self.select = None


def read_form(html: str, *, attr: str = "data-role", value: str = "table-form") -> FormData:
    """The submission of the first form whose `attr` is `value`; fails if there is none."""
    parser = _FormParser((attr, value))
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise AssertionError(f"no <form {attr}={value!r}> in the page")
    return parser.data

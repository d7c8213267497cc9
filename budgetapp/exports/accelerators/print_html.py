"""Our print markup parsed by expat and matched against the only part of WeasyPrint's
user-agent stylesheet that can apply to it (an accelerator: a subclass of WeasyPrint's `HTML`
that overrides its private `_ua_stylesheets` and does what its `__init__` does after parsing,
with the private `weasyprint._find_base_url`). Off, WeasyPrint's own `HTML` parses with
tinyhtml5 and matches its whole user-agent stylesheet: the same PDF, byte for byte.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import re
from functools import cache

from ..print_markup import PRINT_ELEMENTS, parse_print_html

# The versions of the libraries whose internals this uses, on which it was proven to print
# byte-identical PDFs (tests/test_exports_speed.py).
PROVEN_ON = {"weasyprint": "70.0"}


@cache
def print_html_class():
    import cssselect2
    import weasyprint
    from weasyprint import HTML

    sheet = _print_user_agent_stylesheet()
    if sheet is None or not hasattr(HTML, "_ua_stylesheets"):
        return HTML
    find_base_url = getattr(weasyprint, "_find_base_url", None)

    class PrintHTML(HTML):
        def __init__(self, *, string: str, url_fetcher, **kwargs) -> None:
            tree = parse_print_html(string) if find_base_url and not kwargs else None
            if tree is None:
                super().__init__(string=string, url_fetcher=url_fetcher, **kwargs)
                return
            # What HTML.__init__ does after parsing.
            self.base_url = find_base_url(tree, None)
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                tree, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return PrintHTML


@cache
def _print_user_agent_stylesheet():
    """WeasyPrint's user-agent stylesheet less the selectors that cannot match PRINT_ELEMENTS
    without other attributes: attribute selectors, pseudo-classes and pseudo-elements (but
    `br::before`, the line break), other elements. Rules keep their order."""
    import tinycss2
    from weasyprint import CSS

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE
    except ImportError:  # pragma: no cover - another WeasyPrint
        return None

    def kept(selector: str) -> bool:
        if selector == "br::before":
            return True
        if "[" in selector or ":" in selector:
            return False
        names = re.findall(r"(?:^|[\s>+~])([A-Za-z][A-Za-z0-9-]*)", selector)
        return all(name.lower() in PRINT_ELEMENTS for name in names)

    rules = []
    for rule in tinycss2.parse_stylesheet(UA, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if kept(s)]
            if selectors:
                rules.append(f"{', '.join(selectors)} {{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "counter-style":
            # Counter styles are registered already (UA_COUNTER_STYLE is shared).
            rules.append(rule.serialize())
    return CSS(string="\n".join(rules), counter_style=UA_COUNTER_STYLE)


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(…))."""
    selectors, depth, current = [], 0, []
    for character in prelude:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            selectors.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    selectors.append("".join(current).strip())
    return [selector for selector in selectors if selector]

"""The print vocabulary: the closed set of elements and attributes the exports print, and a
fast parser for documents written in it.

This module must not use Django: the PDF worker processes import it.
"""

from __future__ import annotations

import re

# The user-agent stylesheet -----------------------------------------------------------------
#
# WeasyPrint matches every element against every rule of its user-agent stylesheet (HTML's
# default styles: forms, lists, right-to-left text, links, footnotes …), about an eighth of
# the time of a table. What the exports print is one closed vocabulary: the markup of
# layouts/html.py inside templates/exports/book.html, typed text always escaped. Printed with
# the rules of WeasyPrint's stylesheet that can apply to that vocabulary (the others cannot
# match), it comes out the same (tests/test_exports_speed.py compares both); any other markup
# gets WeasyPrint's whole stylesheet.

PRINT_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "body", "section", "article", "div", "p", "span", "br",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})  # fmt: skip
PRINT_ATTRIBUTES = frozenset(
    ["lang", "class", "style", "scope", "colspan", "rowspan", "charset", "name", "content"]
)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def uses_print_vocabulary(html: str) -> bool:
    """Whether `html` uses only the elements and attributes of PRINT_ELEMENTS/ATTRIBUTES."""
    for name, attributes in _TAG.findall(html):
        if name.lower() not in PRINT_ELEMENTS:
            return False
        for attribute in _ATTRIBUTE.findall(attributes.rstrip("/")):
            if attribute.lower() not in PRINT_ATTRIBUTES:
                return False
    return True


# Parsing the print vocabulary -----------------------------------------------------------------
#
# WeasyPrint parses HTML with tinyhtml5, a pure-Python HTML5 parser: about a tenth of the time
# of a table. The exports' markup is generated, well formed and closed (see above), so expat
# (C) parses it, once the void elements are closed, into the very tree tinyhtml5 builds. The
# few places where an HTML5 parser builds something else than the markup says (implied or
# moved elements, named entities, white space outside <body>) are either repaired the way
# HTML5 does it or make this parser give up, and tinyhtml5 parses the document as usual.
# tests/test_exports_speed.py compares both trees for every layout.

_VOID = re.compile(r"<(meta|br|col)(\s[^<>]*)?>")
_DOCUMENT = re.compile(
    r"\A<!DOCTYPE html>\s*(<html[\s>].*</body>)(\s*)</html>(\s*)\Z", re.DOTALL | re.IGNORECASE
)
_BREAK_IN_TAG = re.compile(r"<[^<>]*[\t\n\r][^<>]*>")
_PHRASING = frozenset({"span", "br"})
_CONTAINS = {  # element -> the only children HTML5 leaves where the markup puts them
    "html": {"head", "body"},
    "head": {"meta", "title"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot"},
    "colgroup": {"col"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tfoot": {"tr"},
    "tr": {"th", "td"},
    "p": _PHRASING,
    "caption": _PHRASING | {"p", "div"},
    "span": _PHRASING,
    "title": set(),
    "meta": set(),
    "col": set(),
    "br": set(),
    **{f"h{level}": _PHRASING for level in range(1, 7)},
}
# Elements HTML5 keeps only inside these parents (elsewhere it drops or moves them).
_PARENTS = {
    "head": {"html"},
    "body": {"html"},
    "caption": {"table"},
    "colgroup": {"table"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "col": {"colgroup"},
    "tr": {"thead", "tbody", "tfoot"},
    "th": {"tr"},
    "td": {"tr"},
}
# Text (not only white space) is moved out of these by HTML5.
_NO_TEXT = frozenset({"html", "head", "table", "colgroup", "thead", "tbody", "tfoot", "tr"})


def parse_print_html(html: str):
    """The element tree of a document of the print vocabulary, as tinyhtml5 would build it
    (without namespaces), or None when only an HTML5 parser can tell."""
    import xml.etree.ElementTree as ElementTree

    match = _DOCUMENT.match(html)
    if match is None:
        return None
    markup, after_body, after_html = match.groups()
    if _BREAK_IN_TAG.search(markup):  # XML would turn a line break in an attribute into a space
        return None
    markup = _VOID.sub(lambda m: f"<{m[1]}{(m[2] or '').rstrip('/')}/>", markup) + "</html>"
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:  # an HTML entity, a control character, stray markup
        return None
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"]:
        return None
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag != tag.lower() or tag not in PRINT_ELEMENTS:
            return None
        allowed = _CONTAINS.get(tag)
        if allowed is not None and any(child.tag not in allowed for child in element):
            return None
        if any(tag not in _PARENTS.get(child.tag, (tag,)) for child in element):
            return None
        if tag in _NO_TEXT and (
            (element.text or "").strip(_HTML_SPACE)
            or any((child.tail or "").strip(_HTML_SPACE) for child in element)
        ):
            return None
    head, body = root
    # HTML5 drops the white space before <head> and appends what follows </body> to the body.
    root.text = None
    trailing = (body.tail or "") + after_body + after_html
    body.tail = None
    if trailing:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + trailing
        else:
            body.text = (body.text or "") + trailing
    return root


_HTML_SPACE = " \t\n\f\r"

"""Read a page's form controls the way assistive technology names them, without a browser.

For the server-side half of the editors' accessibility (issue 15): which label each control
has (`<label for>`, aria-label or aria-labelledby), what it is described by, whether it says it
is invalid, and whether every id those attributes point at exists. The content of `<template>`
elements (the empty row the page script clones) is read separately, as the browser would only
see it once cloned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_UNNAMED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


@dataclass(eq=False)  # nodes compare by identity: `section in node.ancestors()`
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)
    in_template: bool = False

    def text(self) -> str:
        parts: list[str] = []
        stack: list[Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            else:
                stack.extend(reversed(item.children))
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.nodes: list[Node] = []

    def handle_starttag(self, tag, attrs):
        in_template = self.current.in_template or self.current.tag == "template"
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current, in_template=in_template)
        self.current.children.append(node)
        self.nodes.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


@dataclass
class Control:
    node: Node
    label: str
    described_by: list[str]
    invalid: bool

    @property
    def id(self) -> str:
        return self.node.attrs.get("id", "")

    @property
    def name(self) -> str:
        return self.node.attrs.get("name", "")


class Page:
    def __init__(self, html: str) -> None:
        builder = _TreeBuilder()
        builder.feed(html)
        self.nodes = builder.nodes
        self.live = [n for n in self.nodes if not n.in_template]
        self.by_id: dict[str, Node] = {}
        self.duplicate_ids: list[str] = []
        for node in self.live:
            node_id = node.attrs.get("id")
            if node_id is None:
                continue
            if node_id in self.by_id:
                self.duplicate_ids.append(node_id)
            self.by_id[node_id] = node
        self._labels: dict[str, list[Node]] = {}
        for node in self.live:
            if node.tag == "label" and node.attrs.get("for"):
                self._labels.setdefault(node.attrs["for"], []).append(node)

    def find(self, predicate) -> list[Node]:
        return [node for node in self.live if predicate(node)]

    def form(self, role: str = "table-form") -> Node:
        (form,) = self.find(lambda n: n.tag == "form" and n.attrs.get("data-role") == role)
        return form

    def text_of_ids(self, ids: str) -> str:
        return " ".join(self.by_id[i].text() for i in ids.split() if i in self.by_id)

    def missing_ids(self, ids: str) -> list[str]:
        return [i for i in ids.split() if i not in self.by_id]

    def controls(self, within: Node) -> list[Control]:
        """The named controls inside `within` (hidden and d-none inputs left out)."""
        found = []
        for node in self.live:
            if node.tag not in {"input", "select", "textarea"}:
                continue
            if node.tag == "input" and node.attrs.get("type", "text") in _UNNAMED_INPUTS:
                continue
            if "d-none" in node.classes() or "hidden" in node.attrs:
                continue
            if within not in node.ancestors():
                continue
            found.append(self.control(node))
        return found

    def control(self, node: Node) -> Control:
        label = ""
        if node.attrs.get("aria-labelledby"):
            label = self.text_of_ids(node.attrs["aria-labelledby"])
        elif node.attrs.get("aria-label"):
            label = node.attrs["aria-label"]
        elif node.attrs.get("id") in self._labels:
            label = " ".join(lab.text() for lab in self._labels[node.attrs["id"]])
        else:
            wrapping = next((a for a in node.ancestors() if a.tag == "label"), None)
            label = wrapping.text() if wrapping else ""
        return Control(
            node=node,
            label=label.replace("*", "").strip(),
            described_by=node.attrs.get("aria-describedby", "").split(),
            invalid=node.attrs.get("aria-invalid") == "true",
        )

    def dangling_references(self) -> list[tuple[str, str, str]]:
        """(element, attribute, id) of every ARIA or label reference to an id not on the page."""
        dangling = []
        for node in self.live:
            for attribute in ("aria-describedby", "aria-labelledby", "aria-controls", "for"):
                value = node.attrs.get(attribute)
                if not value:
                    continue
                for missing in self.missing_ids(value):
                    where = node.attrs.get("id") or node.attrs.get("name") or node.tag
                    dangling.append((where, attribute, missing))
        return dangling

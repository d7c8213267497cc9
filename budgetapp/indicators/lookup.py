"""Finding a framework's categories by the names people write.

Published tables, pasted rows, library entries and last year's tables name 一级/二级 in their own
spelling (`产出` or `产出指标`, full-width or with blanks, a 二级 under another 一级 as seed 004
prints it). One index per framework, loaded with one query, answers every such lookup: the demo
loader, the Excel import, the indicator library and carry-forward all use it.
"""

from __future__ import annotations

import unicodedata

from .models import Category


def category_key(name: str) -> str:
    """The comparable form of a category name: NFKC, no blanks, no trailing 指标."""
    key = "".join(unicodedata.normalize("NFKC", name or "").split())
    return key.removesuffix("指标")


class CategoryIndex:
    """One framework's categories by name."""

    def __init__(self, framework_id: int | None) -> None:
        categories = (
            list(Category.objects.filter(framework_id=framework_id).select_related("parent"))
            if framework_id
            else []
        )
        self.by_pk: dict[int, Category] = {c.pk: c for c in categories}
        self._level1 = {category_key(c.name): c for c in categories if c.parent_id is None}
        self._level2 = {
            (c.parent_id, category_key(c.name)): c for c in categories if c.parent_id is not None
        }
        self._level2_any: dict[str, Category] = {}
        for (_, key), category in self._level2.items():
            self._level2_any.setdefault(key, category)

    def level1(self, name: str) -> Category | None:
        return self._level1.get(category_key(name))

    def level2(self, name: str, *, under: Category | None = None) -> Category | None:
        """The 二级 of that name under `under` if it has one, else one of that name anywhere
        (a published table may file a 二级 under another 一级: kept, the checks flag it)."""
        key = category_key(name)
        if not key:
            return None
        if under is not None and (under.pk, key) in self._level2:
            return self._level2[under.pk, key]
        return self._level2_any.get(key)

    def level2_under(self, name: str, level1: Category) -> Category | None:
        """The 二级 of that name only if it belongs to `level1`."""
        return self._level2.get((level1.pk, category_key(name)))

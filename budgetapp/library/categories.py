"""Map a library entry's category names onto one framework's Category rows.

Entries keep 一级/二级 as names so one entry serves every framework. The mapping tolerates the
spellings of published tables (`可持续影响` for `可持续影响指标`, `产出` for `产出指标`) and moves
成本指标 between the frameworks: under `central-2021` an entry filed as 产出指标/成本指标 becomes
成本指标/经济成本指标 (the 2021 framework's money cost), and the other way round under `legacy`.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetapp.indicators.models import Category

COST = "成本指标"
OUTPUT = "产出指标"
DEFAULT_COST_LEVEL2 = "经济成本指标"
ALIASES = {"可持续影响": "可持续影响指标"}


def category_key(name: str) -> str:
    """The comparable form of a category name: no blanks, no trailing 指标, aliases applied."""
    name = "".join((name or "").split())
    name = ALIASES.get(name, name)
    return name.removesuffix("指标")


@dataclass
class CategoryMap:
    """One framework's categories, loaded with a single query, looked up by name."""

    level1: dict[str, Category]
    level2: dict[tuple[int, str], Category]
    level2_any: dict[str, Category]

    @classmethod
    def for_framework(cls, framework_id: int | None) -> CategoryMap:
        categories = (
            list(Category.objects.filter(framework_id=framework_id)) if framework_id else []
        )
        level1 = {category_key(c.name): c for c in categories if c.parent_id is None}
        level2 = {
            (c.parent_id, category_key(c.name)): c for c in categories if c.parent_id is not None
        }
        level2_any: dict[str, Category] = {}
        for (_, key), category in level2.items():
            level2_any.setdefault(key, category)
        return cls(level1=level1, level2=level2, level2_any=level2_any)

    def resolve(
        self, level1_name: str, level2_name: str
    ) -> tuple[Category | None, Category | None]:
        key1, key2 = category_key(level1_name), category_key(level2_name)
        cost = category_key(COST)
        if cost in self.level1 and key2 == cost:
            # 2021 framework: 成本 is first-level; money cost is the usual reading.
            key1, key2 = cost, category_key(DEFAULT_COST_LEVEL2)
        elif key1 == cost and cost not in self.level1:
            key1, key2 = category_key(OUTPUT), cost
        level1 = self.level1.get(key1)
        if not key2:
            return level1, None
        level2 = self.level2.get((level1.pk, key2)) if level1 else None
        if level2 is None:
            level2 = self.level2_any.get(key2)
            if level2 is not None and level1 is None:
                level1 = self.level1_by_pk(level2.parent_id)
            elif level2 is not None and level1 is not None and level2.parent_id != level1.pk:
                # Never select a pair the framework does not have.
                level2 = None
        return level1, level2

    def level1_by_pk(self, pk: int) -> Category | None:
        return next((c for c in self.level1.values() if c.pk == pk), None)

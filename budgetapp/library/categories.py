"""Map a library entry's category names onto one framework's Category rows.

Entries keep 一级/二级 as names so one entry serves every framework. The mapping tolerates the
spellings of published tables (`可持续影响` for `可持续影响指标`, `产出` for `产出指标`) and moves
成本指标 between the frameworks: under `central-2021` an entry filed as 产出指标/成本指标 becomes
成本指标/经济成本指标 (the 2021 framework's money cost), and the other way round under `legacy`.
"""

from __future__ import annotations

from budgetapp.indicators.lookup import CategoryIndex, category_key
from budgetapp.indicators.models import Category

COST = "成本指标"
OUTPUT = "产出指标"
DEFAULT_COST_LEVEL2 = "经济成本指标"


class CategoryMap:
    """One framework's categories (indicators.lookup), with 成本指标 moved between frameworks."""

    def __init__(self, index: CategoryIndex) -> None:
        self.index = index

    @classmethod
    def for_framework(cls, framework_id: int | None) -> CategoryMap:
        return cls(CategoryIndex(framework_id))

    def resolve(
        self, level1_name: str, level2_name: str
    ) -> tuple[Category | None, Category | None]:
        cost_is_level1 = self.index.level1(COST) is not None
        if cost_is_level1 and category_key(level2_name) == category_key(COST):
            # 2021 framework: 成本 is first-level; money cost is the usual reading.
            level1_name, level2_name = COST, DEFAULT_COST_LEVEL2
        elif category_key(level1_name) == category_key(COST) and not cost_is_level1:
            level1_name, level2_name = OUTPUT, COST
        level1 = self.index.level1(level1_name)
        if not category_key(level2_name):
            return level1, None
        level2 = self.index.level2(level2_name, under=level1)
        if level2 is not None and level1 is None:
            level1 = self.index.by_pk.get(level2.parent_id)
        elif level2 is not None and level2.parent_id != level1.pk:
            level2 = None  # never select a pair the framework does not have
        return level1, level2

"""The filer's form to propose a 个性指标 for their unit."""

from __future__ import annotations

from django import forms

from budgetapp.indicators.models import Category

from .models import LibraryEntry
from .services import PROPOSAL_FIELDS


def _category_pairs() -> dict[str, list[str]]:
    """一级 name → its 二级 names, over every framework (entries are framework-neutral)."""
    pairs: dict[str, list[str]] = {}
    for category in Category.objects.select_related("parent").order_by(
        "framework", "parent__order", "order"
    ):
        if category.parent is None:
            pairs.setdefault(category.name, [])
        elif category.name not in pairs.setdefault(category.parent.name, []):
            pairs[category.parent.name].append(category.name)
    return pairs


class ProposalForm(forms.ModelForm):
    level1_name = forms.ChoiceField(label="一级指标")
    level2_name = forms.ChoiceField(label="二级指标", required=False)

    class Meta:
        model = LibraryEntry
        fields = PROPOSAL_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "keywords": forms.TextInput(),
        }
        help_texts = {"keywords": "例如：康复 辅具（用于按项目名称推荐）"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = _category_pairs()
        self.fields["level1_name"].choices = [("", "请选择")] + [(n, n) for n in self.pairs]
        level2 = dict.fromkeys(n for names in self.pairs.values() for n in names)
        self.fields["level2_name"].choices = [("", "（无）")] + [(n, n) for n in level2]
        self.fields["level1_name"].error_messages["required"] = "请选择一级指标。"
        self.fields["name"].error_messages["required"] = "请填写三级指标名称。"
        self.fields["description"].required = True
        self.fields["description"].error_messages["required"] = "请填写绩效指标描述。"

    def clean(self) -> dict:
        data = super().clean()
        level1, level2 = data.get("level1_name"), data.get("level2_name")
        if level1 and level2 and level2 not in self.pairs.get(level1, []):
            self.add_error("level2_name", f"二级指标“{level2}”不属于一级指标“{level1}”。")
        return data

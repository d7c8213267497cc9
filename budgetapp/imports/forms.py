from __future__ import annotations

from django import forms

from budgetapp.units.models import BudgetYear


class UploadForm(forms.Form):
    year = forms.TypedChoiceField(label="预算年度", coerce=int)
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={"required": "请选择要导入的 Excel 文件。", "empty": "文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = BudgetYear.objects.order_by("-year").values_list("year", flat=True)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select w-auto"
        self.fields["year"].error_messages["invalid_choice"] = "请选择已设置的预算年度。"

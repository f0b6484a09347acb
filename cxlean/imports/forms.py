from django import forms
from django.utils.translation import gettext_lazy as _

from cxlean.imports.models import Kind
from cxlean.imports.safety import check_workbook


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=Kind.choices)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Start from the template of the kind you import. At most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }  # noqa: E501
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        check_workbook(file)
        return file

from django import forms

from cxlean.notifications.models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "delivery", "digest_hour", "language"]
        widgets = {
            "delivery": forms.RadioSelect,
            "language": forms.RadioSelect,
            "digest_hour": forms.NumberInput(attrs={"min": 0, "max": 23, "inputmode": "numeric"}),
        }

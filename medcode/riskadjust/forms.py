from django import forms

from medcode.common.forms import SingleLineFields
from medcode.riskadjust import member, parsing, tables

FAMILIES = {"CMS-HCC": "CMS-HCC (Medicare Advantage, Parts A and B)", "ESRD": "CMS-HCC ESRD",
            "RxHCC": "RxHCC (Part D)"}
DEFAULT_YEAR = 2026


class MemberForm(SingleLineFields, forms.Form):
    diagnoses = forms.CharField(
        max_length=3000, label="Diagnoses", widget=forms.Textarea(attrs={"rows": 6, "cols": 20, "spellcheck": "false",
                                                                      "placeholder": "E11.9\nI10\nN18.30\nI50.20"}),
        help_text="ICD-10-CM codes documented in the service year, one per line or separated by commas.")
    age = forms.IntegerField(min_value=0, max_value=member.OLDEST, initial=67, help_text="As of February 1 of the payment year")
    sex = forms.ChoiceField(choices=[("F", "Female"), ("M", "Male")], initial="F")
    orec = forms.ChoiceField(choices=list(member.OREC.items()), initial="0", label="Original reason for entitlement")
    dual = forms.ChoiceField(choices=list(member.DUAL.items()), initial="00", label="Medicaid (dual) status")
    institutional = forms.BooleanField(required=False, label="Long-term institutional")
    new_enrollee = forms.BooleanField(required=False, label="New enrollee")
    low_income = forms.BooleanField(required=False, label="Part D low-income subsidy (RxHCC)")
    family = forms.ChoiceField(choices=list(FAMILIES.items()), initial="CMS-HCC", label="Models")
    year = forms.TypedChoiceField(choices=[(y.year, f"{y.year}{' (proposed coefficients)' if y.proposed else ''}")
                                           for y in tables.YEARS], coerce=int, initial=DEFAULT_YEAR,
                                  label="Payment year")
    normalization = forms.DecimalField(required=False, min_value=0.5, max_value=2, decimal_places=4,
                                       label="Normalization factor", help_text="Optional: CMS's factor for the year and model")
    coding_adjustment = forms.DecimalField(required=False, min_value=0, max_value=0.5, decimal_places=4,
                                           label="Coding pattern adjustment", help_text="Optional, as a fraction: 0.059 for 5.9%")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["codes"] = parsing.diagnoses(data.get("diagnoses", ""))
            data["member"] = member.Member(data["age"], data["sex"], orec=data["orec"], dual=data["dual"],
                                           institutional=data["institutional"], new_enrollee=data["new_enrollee"],
                                           low_income=data["low_income"])
        except (parsing.DiagnosisError, member.MemberError) as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

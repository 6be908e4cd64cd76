import re

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
    year = forms.TypedChoiceField(choices=[(y.year, f"{y.year}{' (coefficients shipped as proposed)' if y.proposed else ''}")
                                           for y in tables.YEARS], coerce=int, initial=DEFAULT_YEAR,
                                  label="Payment year")
    normalization = forms.CharField(required=False, max_length=120, label="Normalization factors",
                                    widget=forms.TextInput(attrs={"placeholder": "V28 1.045; V24 1.067", "spellcheck": "false"}),
                                    help_text="Optional: CMS's factor for the payment year, model by model")
    coding_adjustment = forms.DecimalField(required=False, min_value=0, max_value=0.5, decimal_places=4,
                                           label="MA coding pattern adjustment",
                                           help_text="Optional, as a fraction: 0.059 for 5.9% (Part C models only)")

    def clean_normalization(self):
        return factors(self.cleaned_data.get("normalization", ""))

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


_FACTOR = re.compile(r"\s*(" + "|".join(map(re.escape, tables.MODEL)) + r")\s*[=:]?\s*([0-9]+(?:\.[0-9]+)?)\s*[;,]?",
                     re.IGNORECASE)


def factors(text):
    """"V28 1.045; V24 1.067" -> {"V28": 1.045, "V24": 1.067}."""
    text = (text or "").strip()
    found, at = {}, 0
    keys = {key.upper(): key for key in tables.MODEL}
    while at < len(text):
        match = _FACTOR.match(text, at)
        if not match:
            raise forms.ValidationError(f"Write each factor after its model: V28 1.045; V24 1.067 (models: "
                                        f"{', '.join(tables.MODEL)}).")
        value = float(match.group(2))
        if not 0.5 <= value <= 2:
            raise forms.ValidationError(f"Normalization factor {value} for {match.group(1)}: expected 0.5 to 2.")
        found[keys[match.group(1).upper()]] = value
        at = match.end()
    return found

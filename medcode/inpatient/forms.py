from datetime import date

from django import forms

from medcode.common.forms import SingleLineFields
from medcode.inpatient import grouper, parsing, versions
from medcode.inpatient.stay import MAX_DIAGNOSES, Stay

VERSION_CHOICES = [("", "The one in force on the discharge date")] + [
    (str(v.number), v.label) for v in reversed(versions.VERSIONS)]


class StayForm(SingleLineFields, forms.Form):
    principal = forms.CharField(max_length=16, label="Principal diagnosis",
                                widget=forms.TextInput(attrs={"placeholder": "A41.51 Y", "spellcheck": "false"}),
                                help_text="ICD-10-CM code, then its POA indicator (Y, N, U, W; 1 or blank only for codes exempt from POA reporting).")
    secondary = forms.CharField(
        max_length=600, required=False, label="Secondary diagnoses",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 20, "spellcheck": "false", "placeholder": "R65.21 Y\nN39.0 Y"}),
        help_text=f"One per line, each with its POA indicator (at most {MAX_DIAGNOSES - 1}).")
    procedures = forms.CharField(
        max_length=400, required=False, label="Procedures",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 20, "spellcheck": "false", "placeholder": "0SRD0JZ"}),
        help_text="ICD-10-PCS codes, the principal procedure first.")
    age = forms.IntegerField(min_value=0, max_value=124, initial=65, help_text="In years at admission")
    sex = forms.ChoiceField(choices=[("F", "Female"), ("M", "Male"), ("U", "Unknown")], initial="U")
    discharge_status = forms.TypedChoiceField(
        coerce=int, initial=1, label="Discharge status",
        choices=[(number, f"{number:02d} {words}") for number, words in grouper.DISCHARGE_STATUSES.items()])
    discharge_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text="Picks the grouper version (today if blank)")
    version = forms.TypedChoiceField(choices=VERSION_CHOICES, coerce=int, empty_value=None, required=False,
                                     label="Grouper version")

    def clean(self):
        data = super().clean()
        try:
            principal = parsing.diagnosis(data["principal"], "principal diagnosis") if data.get("principal") else None
            secondary = parsing.diagnoses(data.get("secondary", ""))
            procedures = parsing.procedures(data.get("procedures", ""))
        except parsing.StayError as exc:
            raise forms.ValidationError(str(exc)) from None
        if principal is None or self.errors:
            return data
        data["stay"] = Stay(principal, secondary, procedures, data["age"], data["sex"], data["discharge_status"],
                            data.get("discharge_date") or date.today())
        return data

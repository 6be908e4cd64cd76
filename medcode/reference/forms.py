from datetime import date

from django import forms

from medcode.reference import claims, fees

MAX_CLAIM_TEXT = 5000


class ClaimCheckForm(forms.Form):
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40, "spellcheck": "false",
                                     "placeholder": "20700 1\n11043 1\n99213-25"}),
        max_length=MAX_CLAIM_TEXT,
        help_text="One line per code: CODE[-MODIFIER…] [UNITS] [MODIFIER…], e.g. 11042-59 2 or 99213 25. "
                  "A number that is also a modifier (25, 50, 59 …) is read as the modifier: write x50 for 50 units.",
    )
    setting = forms.ChoiceField(choices=claims.SETTINGS.items(), initial="practitioner")
    date = forms.DateField(required=False, help_text="Date of service (today if blank), YYYY-MM-DD",
                           widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if "lines" in data:
            try:
                data["parsed"] = claims.parse_lines(data["lines"])
            except claims.ClaimError as exc:
                self.add_error("lines", str(exc))
        data["date"] = data.get("date") or date.today()
        return data


class FeeForm(forms.Form):
    codes = forms.CharField(
        max_length=400, help_text="Codes with their modifiers, separated by commas: 27130-50, 99213, 71046-26",
        widget=forms.TextInput(attrs={"size": 40, "placeholder": "27130-50, 99213"}),
    )
    locality = forms.ChoiceField(required=False, help_text="Medicare payment locality; blank for the national amount")
    facility = forms.ChoiceField(choices=[("0", "Non-facility (office)"), ("1", "Facility (hospital, ASC)")],
                                 initial="0", required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [("", "National (no GPCI)")] + fees.locality_choices()

    def clean(self):
        data = super().clean()
        if "codes" in data:
            try:
                data["lines"] = claims.parse_code_list(data["codes"])
            except claims.ClaimError as exc:
                self.add_error("codes", str(exc))
        data["date"] = data.get("date") or date.today()
        data["locality_row"] = fees.locality(data.get("locality"), data["date"])
        return data

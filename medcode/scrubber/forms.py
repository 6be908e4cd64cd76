import re
from datetime import date

from django import forms
from django.conf import settings

from medcode.common.forms import SingleLineFields
from medcode.reference import claims as line_check
from medcode.scrubber.claim import MAX_DIAGNOSES, MAX_LINES, Claim, ServiceLine, parse_pointers


class ClaimForm(SingleLineFields, forms.Form):
    diagnoses = forms.CharField(
        max_length=400, widget=forms.Textarea(attrs={"rows": 4, "cols": 20, "spellcheck": "false",
                                                     "placeholder": "M17.11\nE11.9"}),
        help_text=f"ICD-10-CM codes, one per line or separated by commas, first-listed first (at most {MAX_DIAGNOSES}).")
    lines = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "cols": 36, "spellcheck": "false",
                                                      "placeholder": "27447-RT 1 @ A\n99213-57 @ A B"}),
        help_text="One service line per line: CODE[-MODIFIER…] [UNITS] [MODIFIER…] @ POINTERS, the pointers "
                  "as letters A-L or numbers 1-12 naming the diagnoses the line is for.")
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="Date of service (today if blank)")
    age = forms.IntegerField(required=False, min_value=0, max_value=124, help_text="Patient's age in years")
    sex = forms.ChoiceField(required=False, choices=[("", "Not given"), ("F", "Female"), ("M", "Male")])
    setting = forms.ChoiceField(choices=line_check.SETTINGS.items(), initial="practitioner")

    def clean(self):
        data = super().clean()
        if "diagnoses" not in data or "lines" not in data:
            return data
        codes = [c.replace(".", "").upper() for c in re.split(r"[\s,;]+", data["diagnoses"]) if c]
        if not codes:
            self.add_error("diagnoses", "Enter at least one diagnosis.")
        elif len(codes) > MAX_DIAGNOSES:
            self.add_error("diagnoses", f"A claim carries at most {MAX_DIAGNOSES} diagnoses; this has {len(codes)}.")
        try:
            lines = [self._line(number, text) for number, text in
                     enumerate([t for t in data["lines"].splitlines() if t.strip()], start=1)]
        except line_check.ClaimError as exc:
            self.add_error("lines", str(exc))
            return data
        if not lines:
            self.add_error("lines", "Enter at least one service line.")
        elif len(lines) > MAX_LINES:
            self.add_error("lines", f"A claim carries at most {MAX_LINES} lines.")
        data["claim"] = Claim("form", diagnoses=codes, lines=lines, day=data.get("date") or date.today(),
                              age=data.get("age"), sex=data.get("sex") or None, setting=data["setting"])
        return data

    @staticmethod
    def _line(number, text):
        procedure, _, pointed = text.partition("@")
        read = line_check.parse_lines(procedure)[0]
        try:
            pointers = parse_pointers(pointed)
        except ValueError as exc:
            raise line_check.ClaimError(f"line {number}: {exc}.") from None
        return ServiceLine(number, read.code, read.modifiers, read.units, pointers)


class BatchForm(forms.Form):
    file = forms.FileField(help_text="An X12 837P (005010X222A1) or 837I (005010X223A2) file, or a CSV of service lines (see the layout below).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MEDCODE_SCRUBBER_MAX_BYTES:
            raise forms.ValidationError(f"The file has {upload.size:,} bytes; the limit is "
                                        f"{settings.MEDCODE_SCRUBBER_MAX_BYTES:,}.")
        return upload

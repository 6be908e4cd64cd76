from django import forms

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.riskadjust import codefacts as riskadjust
from medcode.riskadjust import tables as risk_tables
from medcode.search.query import MAX_CHARS


def system_choices():
    return [("", "All code sets")] + [(systems.SYSTEMS[k].slug, systems.SYSTEMS[k].name) for k in systems.ORDER]


def chapter_choices():
    """Top-level groups of each set (ICD-10-CM chapters, PCS sections, CPT and HCPCS headings)."""
    groups = {}
    for code in Code.objects.filter(depth=0).order_by("system", "seq").only("system", "code", "title"):
        groups.setdefault(code.system, []).append((code.code, f"{code.display_code} {code.best_title}"[:80]))
    return [("", "Any chapter or section")] + [
        (systems.SYSTEMS[key].name, groups[key]) for key in systems.ORDER if key in groups
    ]


class SearchForm(forms.Form):
    q = forms.CharField(label="Code or words", max_length=MAX_CHARS, required=False, strip=True)
    system = forms.ChoiceField(label="Code set", required=False)
    billable = forms.BooleanField(label="Billable codes only", required=False)
    deleted = forms.BooleanField(label="Include deleted codes", required=False)
    chapter = forms.ChoiceField(label="Chapter or section", required=False)
    hcc = forms.ChoiceField(label="Risk adjustment", required=False, choices=[("", "Any diagnosis or procedure")] + [
        (key, f"Diagnoses in a {risk_tables.MODEL[key].title} payment HCC") for key in riskadjust.SEARCH_MODELS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = system_choices()
        self.fields["chapter"].choices = chapter_choices()

    def filters(self):
        data = self.cleaned_data
        system = systems.get(data.get("system"))
        return {
            "system": system.key if system else None,
            "billable": data.get("billable", False),
            "include_deleted": data.get("deleted", False),
            "chapter": data.get("chapter") or None,
            "hcc": data.get("hcc") or None,
        }

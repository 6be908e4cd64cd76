from datetime import timedelta

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from medcode.careers import geo
from medcode.careers.models import Application, Credential, Employer, Job, SavedSearch, Specialty
from medcode.common import uploads
from medcode.common.forms import SingleLineFields

STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
          "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()
RESUME_KINDS = {"pdf", "docx"}
MAX_YEARS = 50  # of experience a job may ask for


class EmployerForm(SingleLineFields, forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])])

    class Meta:
        model = Employer
        fields = ["name", "website", "city", "state", "about"]
        widgets = {"state": forms.Select(choices=[("", "—")] + [(s, s) for s in STATES]),
                   "about": forms.Textarea(attrs={"rows": 4})}
        labels = {"name": "Organisation name"}


class JobForm(SingleLineFields, forms.ModelForm):
    required_credentials = forms.ModelMultipleChoiceField(Credential.objects.all(), required=False,
                                                          widget=forms.CheckboxSelectMultiple)
    preferred_credentials = forms.ModelMultipleChoiceField(Credential.objects.all(), required=False,
                                                           widget=forms.CheckboxSelectMultiple)
    specialties = forms.ModelMultipleChoiceField(Specialty.objects.all(), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    code_sets = forms.MultipleChoiceField(choices=Job.CODE_SETS, required=False, widget=forms.CheckboxSelectMultiple)
    zip_code = forms.CharField(label="ZIP code", max_length=5, help_text="Sets the city and state; remote jobs too.")
    apply_url = forms.URLField(label="Apply on your site (URL)", required=False, assume_scheme="https",
                               validators=[URLValidator(schemes=["http", "https"])],
                               help_text="Empty: coders apply on medcode. A web address (https://…).")
    years_experience = forms.IntegerField(label="Years of experience", min_value=0, max_value=MAX_YEARS, initial=0)
    expires_on = forms.DateField(label="Expires on", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="Default: 30 days after approval, at most 90.")

    class Meta:
        model = Job
        fields = ["title", "organisation", "zip_code", "work_mode", "employment_type", "required_credentials",
                  "preferred_credentials", "specialties", "code_sets", "years_experience", "salary_min", "salary_max",
                  "salary_period", "description", "apply_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 12})}
        labels = {"description": "Description (Markdown)"}

    def clean_zip_code(self):
        place = geo.place(self.cleaned_data["zip_code"])
        if place is None:
            raise forms.ValidationError("Give a 5-digit US ZIP code.")
        self.place = place
        return place.zip_code

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day and not (timezone.localdate() < day <= timezone.localdate() + timedelta(days=90)):
            raise forms.ValidationError("Choose a day within the next 90 days.")
        return day

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "The top of the range is below its bottom.")
        period = data.get("salary_period")
        bounds = (7, 300) if period == Job.SalaryPeriod.HOUR else (10_000, 1_000_000)
        for field, value in (("salary_min", low), ("salary_max", high)):
            if value is not None and not bounds[0] <= value <= bounds[1]:
                self.add_error(field, f"Pay {'an hour' if period == Job.SalaryPeriod.HOUR else 'a year'} "
                                      f"must be between ${bounds[0]:,} and ${bounds[1]:,}: check the pay period.")
        return data

    def save(self, commit=True):
        job = super().save(commit=False)
        job.city, job.state = self.place.city, self.place.state
        job.latitude, job.longitude = self.place.latitude, self.place.longitude
        if commit:
            job.save()
            self.save_m2m()
        return job


class ApplyForm(forms.Form):
    resume = forms.FileField(label="Résumé (PDF or DOCX, at most 5 MB)")
    note = forms.CharField(label="Note to the employer", required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}))

    def clean_resume(self):
        upload = self.cleaned_data["resume"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(f"{upload.name} is {upload.size / 2**20:.1f} MB: the limit is 5 MB.")
        try:
            checked = uploads.check(upload.name, upload.read(), max_bytes=5 * 1024 * 1024)
        except uploads.Rejected as rejected:
            raise forms.ValidationError(str(rejected))
        if checked.kind not in RESUME_KINDS:
            raise forms.ValidationError(f"{checked.filename} is {uploads.LABELS[checked.kind]}: send a PDF or DOCX.")
        return checked


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Application.Status.choices)


class SavedSearchForm(SingleLineFields, forms.Form):
    name = forms.CharField(max_length=120, required=False)
    frequency = forms.ChoiceField(choices=SavedSearch.Frequency.choices, initial=SavedSearch.Frequency.DAILY)

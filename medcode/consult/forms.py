from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from medcode.common import uploads
from medcode.common.forms import SingleLineFields
from medcode.consult import cases, phi
from medcode.consult.models import Case

MAX_QUESTION, MAX_DOCUMENTATION = 10_000, 50_000
SPECIALTIES = ["", "E/M", "Orthopedics", "Cardiology", "Radiology", "Emergency", "General surgery", "Anesthesia",
               "Pathology and laboratory", "Inpatient facility (DRG)", "Outpatient facility", "Risk adjustment / HCC",
               "Behavioral health", "Obstetrics and gynecology", "Oncology", "Pain management", "Dermatology",
               "Gastroenterology", "Urology", "Physical therapy", "DME and supplies", "Other"]


class UploadLimit(FileUploadHandler):
    """Stops reading a request whose files pass the case limit, before it fills the disk."""

    def __init__(self, request=None, limit=uploads.MAX_FILES * uploads.MAX_BYTES + 1_000_000):
        super().__init__(request)
        self.limit, self.seen = limit, 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.upload_too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    widget = MultipleFiles

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(FilesField, self).clean(item, initial) for item in files]


class WriteForm(forms.Form):
    """A message on a case; with the fields of NewCaseForm, a new case."""

    question = forms.CharField(label="Your message", max_length=MAX_QUESTION,
                               widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_QUESTION}))
    files = FilesField(label="Attachments", required=False,
                       help_text="Up to 3 files, 10 MB each: PDF, DOCX, TXT, PNG or JPEG. De-identified only.")

    def __init__(self, *args, upload_too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_too_big = upload_too_big

    def clean_files(self):
        sent = self.cleaned_data.get("files") or []
        if self.upload_too_big:
            raise forms.ValidationError("The files are too large: at most 3 files of 10 MB each.")
        named = []
        for upload in sent[:uploads.MAX_FILES + 1]:
            if upload.size > uploads.MAX_BYTES:
                raise forms.ValidationError(f"{upload.name} is {upload.size / 2**20:.1f} MB: the limit is 10 MB.")
            named.append((upload.name, upload.read()))
        checked, problems = uploads.check_all(named)
        if problems:
            raise forms.ValidationError(problems)
        return checked

    def draft(self):
        data = self.cleaned_data
        return cases.Draft(question=data["question"], files=data.get("files") or [],
                           **{name: data.get(name, "") for name in ("subject", "documentation", "code_set",
                                                                    "specialty", "codes_chosen")})

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        draft = self.draft()
        found = cases.screen(draft)
        if found:
            texts = draft.texts()
            lines = [f"{cases.place_of(where, draft)}: " + ", ".join(
                f"{finding.label} (“{texts[where][finding.start:finding.end]}”)" if where in texts else finding.label
                for finding in findings) for where, findings in found.items()]
            raise forms.ValidationError(
                ["This looks like protected health information. Remove it (or replace it with a placeholder "
                 "such as [patient]) and send again:", *lines], code="phi")
        return data



class NewCaseForm(SingleLineFields, WriteForm):
    subject = forms.CharField(max_length=200, help_text="One line: what the case is about.")
    question = forms.CharField(label="Your question", max_length=MAX_QUESTION,
                               widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_QUESTION}))
    code_set = forms.ChoiceField(label="Code set", choices=Case.CODE_SETS, required=False)
    specialty = forms.ChoiceField(choices=[(s, s or "Not specified") for s in SPECIALTIES], required=False)
    codes_chosen = forms.CharField(label="Codes you chose", max_length=300, required=False,
                                   help_text="e.g. 27447-RT, M17.11")
    documentation = forms.CharField(
        max_length=MAX_DOCUMENTATION, required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_DOCUMENTATION}),
        help_text="De-identified: no names, dates of birth, record numbers, addresses or phone numbers.")
    field_order = ["subject", "question", "code_set", "specialty", "codes_chosen", "documentation", "files"]


class ConsultantReplyForm(forms.Form):
    text = forms.CharField(label="Reply to the submitter", max_length=MAX_QUESTION,
                           widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_QUESTION}))


class NoteForm(forms.Form):
    text = forms.CharField(label="Internal note", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}))


PHI_KINDS = list(phi.KINDS.values())

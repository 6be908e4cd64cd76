from django import forms

MAX_QUESTION = 1000


class AskForm(forms.Form):
    q = forms.CharField(label="Your question", max_length=MAX_QUESTION, strip=True,
                        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_QUESTION}))
    conversation = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

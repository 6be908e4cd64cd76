from django import forms
from django.contrib.auth import forms as auth_forms

from medcode.accounts.models import User


class RegisterForm(auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in, or reset its password if you forgot it.")
        return email


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(label="Email", max_length=254,
                                widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))


class PasswordCheckMixin:
    """A form that asks for the current password before a sensitive change."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class EmailChangeForm(PasswordCheckMixin, forms.Form):
    email = forms.EmailField(label="New email address", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Current password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError("That is already your email address.")
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account uses that email address.")
        return email


class DeleteAccountForm(PasswordCheckMixin, forms.Form):
    password = forms.CharField(label="Current password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label="Delete my account, my API tokens and my viewing history for good.")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=60, help_text="Where you will use it, e.g. billing-scrubber.")



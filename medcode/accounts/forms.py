import hashlib

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string

from medcode.accounts import ratelimit
from medcode.accounts.models import User
from medcode.common import mail
from medcode.common.forms import SingleLineFields

HOUR = 3600
# Across all addresses: django-axes locks one account on one address; this caps
# guessing from many addresses at once.
LOGIN_FAILURES_PER_ACCOUNT_HOURLY = 20
# A stolen session must not become a way to guess the account's password.
PASSWORD_CHECKS_PER_ACCOUNT_HOURLY = 10


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

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        key = "login-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]
        if email and ratelimit.count(key, HOUR) >= LOGIN_FAILURES_PER_ACCOUNT_HOURLY:
            raise forms.ValidationError(
                "Too many failed log-ins for this account. It is locked for up to an hour; "
                "reset your password by email to get in now.", code="account_throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if email:
                ratelimit.hit(key, LOGIN_FAILURES_PER_ACCOUNT_HOURLY, HOUR)
            raise


def check_current_password(user, password):
    """Raise a form error unless password is user's; wrong guesses are capped per hour."""
    key = f"password-check:{user.pk}"
    if ratelimit.count(key, HOUR) >= PASSWORD_CHECKS_PER_ACCOUNT_HOURLY:
        raise forms.ValidationError("Too many wrong passwords. Try again in an hour.")
    if not user.check_password(password):
        ratelimit.hit(key, PASSWORD_CHECKS_PER_ACCOUNT_HOURLY, HOUR)
        raise forms.ValidationError("That is not your current password.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        try:
            check_current_password(self.user, password)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return password


class PasswordCheckMixin:
    """A form that asks for the current password before a sensitive change."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        check_current_password(self.user, password)
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


class ApiTokenForm(SingleLineFields, forms.Form):
    name = forms.CharField(label="Token name", max_length=60, help_text="Where you will use it, e.g. billing-scrubber.")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, its mail sent like every other medcode email: queued, with retries."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        mail.queue(to_email, render_to_string(subject_template_name, context),
                   render_to_string(email_template_name, context), sender=from_email)

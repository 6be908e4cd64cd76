from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe, require_POST

from medcode.accounts import clients, metering, ratelimit, verification
from medcode.accounts.forms import ApiTokenForm, DeleteAccountForm, EmailChangeForm, PasswordResetForm, RegisterForm
from medcode.accounts.models import ApiToken

DAY = 24 * 3600
RESETS_PER_ADDRESS_DAILY = 10
MAX_LIVE_TOKENS = 10  # each token has its own rate limit


def _next_url(request, default="accounts:account"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = ratelimit.hit(f"register:{clients.throttle_key(request)}",
                                   settings.MEDCODE_METER["REGISTRATIONS_PER_ADDRESS_DAILY"], DAY)
        if not allowed:
            form.add_error(None, "Too many accounts were created from your network today. Try again tomorrow.")
        else:
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            verification.send(request, user)
            request.session["after_verify"] = _next_url(request, "")
            return redirect("accounts:verify_sent")
    return render(request, "accounts/register.html", {"form": form, "next": _next_url(request, "")})


@login_required
def verify_sent(request):
    return render(request, "accounts/verify_sent.html", {"free_views": settings.MEDCODE_METER["FREE_VIEWS"]})


@require_POST
@login_required
def resend_verification(request):
    allowed, wait = ratelimit.hit(f"verify-mail:{request.user.pk}", 5, DAY)
    if not allowed:
        messages.error(request, "We have sent several links today already; check your spam folder or try tomorrow.")
    elif request.user.is_verified:
        messages.info(request, "Your email address is already verified.")
    else:
        verification.send(request, request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("accounts:account")


@require_safe
def verify(request, token):
    try:
        user = verification.confirm(token)
    except verification.BadLink as problem:
        return render(request, "accounts/verify_failed.html", {"problem": str(problem)}, status=400)
    messages.success(request, f"{user.email} is verified. You have "
                              f"{settings.MEDCODE_METER['FREE_VIEWS']} more code page views.")
    return redirect(request.session.pop("after_verify", "") or "accounts:account")


@login_required
def account(request):
    reader = metering.reader_for(request)
    return render(request, "accounts/account.html", {
        "access": metering.status(reader),
        "subscription": request.user.active_subscription(),
        "tokens": request.user.api_tokens.live().order_by("-created_at"),
    })


@login_required
@sensitive_post_parameters("password")
def change_email(request):
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        verification.send(request, request.user, form.cleaned_data["email"])
        messages.success(request, f"We sent a confirmation link to {form.cleaned_data['email']}. "
                                  "Your address changes when you open it.")
        return redirect("accounts:account")
    return render(request, "accounts/change_email.html", {"form": form})


@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = request.user.email
        metering.forget_account(request.user)  # else re-registering would refill this month's views
        request.user.delete()  # cascades to subscription, code views and API tokens
        logout(request)
        messages.success(request, f"The account {email} and its data are deleted.")
        return redirect("codes:home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
def api_tokens(request):
    subscriber = request.user.active_subscription() is not None
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST":
        if not subscriber:
            messages.error(request, "API tokens come with a subscription.")
            return redirect("accounts:upgrade")
        if request.user.api_tokens.live().count() >= MAX_LIVE_TOKENS:
            form.add_error(None, f"You have {MAX_LIVE_TOKENS} tokens already; revoke one you no longer use.")
        elif form.is_valid():
            _, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
            form = ApiTokenForm()
    return render(request, "accounts/api_tokens.html", {
        "form": form, "secret": secret, "subscriber": subscriber,
        "tokens": request.user.api_tokens.live().order_by("-created_at"),
        "rate": settings.MEDCODE_API_RATE_PER_TOKEN,
    })


@require_POST
@login_required
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken.objects.live(), pk=token_id, user=request.user)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, f"Token {token} is revoked.")
    return redirect("accounts:api_tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow, with a cap on reset mails per client address so it cannot be used to flood inboxes."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        allowed, _ = ratelimit.hit(f"password-reset:{clients.throttle_key(self.request)}",
                                   RESETS_PER_ADDRESS_DAILY, DAY)
        if not allowed:  # answer as usual: the page must not tell whether anything was sent
            return redirect(self.get_success_url())
        return super().form_valid(form)


@require_safe
def upgrade(request):
    reader = metering.reader_for(request)
    return render(request, "accounts/upgrade.html", {
        "reader": reader, "limits": settings.MEDCODE_METER,
        "subscribe_url": settings.MEDCODE_SUBSCRIBE_URL,
    })

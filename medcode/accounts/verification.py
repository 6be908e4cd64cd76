"""Signed links that prove a reader owns an email address.

One mechanism serves both verifying a new account and changing an address:
the link carries the account, the address it was sent for and the address the
account had then, so it stops working once the account's email has changed.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from medcode.accounts.models import User
from medcode.common import mail

SALT = "medcode.accounts.verify-email"


class BadLink(Exception):
    pass


def link(request, user, email):
    token = signing.dumps({"u": user.pk, "to": email, "from": user.email}, salt=SALT, compress=True)
    return request.build_absolute_uri(reverse("accounts:verify", args=[token]))


def send(request, user, email=None):
    """Mail a verification link to email (default: the account's own address)."""
    email = email or user.email
    changing = email.lower() != user.email.lower()
    context = {"user": user, "email": email, "link": link(request, user, email), "changing": changing,
               "days": settings.PASSWORD_RESET_TIMEOUT // 86400, "site": request.get_host()}
    mail.send(email, "accounts/email/verify.txt", context)
    if changing:
        mail.send(user.email, "accounts/email/change_notice.txt", context)


def confirm(token):
    """Apply a verification link; return the account. Raises BadLink."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.SignatureExpired:
        raise BadLink("This link has expired. Ask for a new one from your account page.")
    except signing.BadSignature:
        raise BadLink("This link is not valid. Check that you copied all of it.")
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or user.email.lower() != data["from"].lower():
        raise BadLink("This link is no longer valid: the account or its email address has changed since it was sent.")
    if data["to"].lower() != user.email.lower() and User.objects.filter(email__iexact=data["to"]).exists():
        raise BadLink("Another account now uses that email address.")
    user.email = data["to"]
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    return user

"""Who may do what with cases: the consultant permission and the checks views and tasks share."""

from django.contrib.auth.models import Permission
from django.db.models import Q

from medcode.accounts.models import User


def answer_permission():
    return Permission.objects.get(codename="answer_case", content_type__app_label="consult")


def grant_consultant(user):
    user.user_permissions.add(answer_permission())


def may_work(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("consult.answer_case"))


def may_read(user, case):
    return bool(user and user.is_authenticated and (case.submitter_id == user.pk or may_work(user)))


def consultants():
    """Active accounts allowed to work the queue, directly, through a group, or as superusers."""
    permission = answer_permission()
    return User.objects.filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission),
        is_active=True).distinct().order_by("email")

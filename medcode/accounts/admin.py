from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone

from medcode.accounts.models import ApiToken, Subscription, User


class SubscriptionInline(admin.StackedInline):
    model = Subscription
    can_delete = False
    extra = 0
    fields = [("plan", "interval", "status"), ("until", "cancel_at_period_end"), "staff_note",
              ("provider", "provider_customer_id", "provider_subscription_id")]


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ["name", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "hint", "created_at", "last_used_at"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "plan", "email_verified_at", "is_staff", "date_joined"]
    list_filter = ["is_staff", "is_active", "subscription__plan", "subscription__status"]
    search_fields = ["email", "full_name"]
    inlines = [SubscriptionInline, ApiTokenInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "email_verified_at"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["end_subscription"]

    @admin.display(description="Plan")
    def plan(self, user):
        subscription = user.active_subscription()
        return f"Subscriber until {subscription.until:%Y-%m-%d}" if subscription else "Free"

    @admin.action(description="End the subscription today")
    def end_subscription(self, request, queryset):
        ended = Subscription.objects.filter(user__in=queryset, plan=Subscription.Plan.SUBSCRIBER).update(
            status=Subscription.Status.CANCELED, until=timezone.localdate())
        self.message_user(request, f"Ended {ended} subscription(s).")

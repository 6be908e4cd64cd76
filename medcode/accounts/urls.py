from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from medcode.accounts import views
from medcode.accounts.forms import LoginForm, PasswordChangeForm

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/check-your-email/", views.verify_sent, name="verify_sent"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True,
    ), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("email/", views.change_email, name="change_email"),
    path("password/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", form_class=PasswordChangeForm, success_url=reverse_lazy("accounts:password_changed"),
    ), name="password_change"),
    path("password/changed/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_changed.html"), name="password_changed"),
    path("password/reset/", views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html", email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_sent"),
    ), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html"), name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html", post_reset_login=True,
        post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
        success_url=reverse_lazy("accounts:account"),
    ), name="password_reset_confirm"),
    path("delete/", views.delete_account, name="delete"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("upgrade/", views.upgrade, name="upgrade"),
]

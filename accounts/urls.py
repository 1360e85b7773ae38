from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import security_views, views
from accounts.forms import SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(form_class=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset_request, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.NewPasswordView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("second-factor/", security_views.verify, name="second_factor_verify"),
    path("second-factor/set-up/", security_views.set_up, name="second_factor_set_up"),
    path("security/", security_views.security, name="security"),
    path("security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("security/turn-off/", security_views.turn_off, name="second_factor_turn_off"),
]

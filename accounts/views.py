"""Password reset pages (the rules are in ``accounts.password_reset``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts import password_reset
from accounts.client_address import client_address
from accounts.forms import NewPasswordForm, PasswordResetRequestForm
from accounts.models import User


@never_cache
@csrf_protect
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.password_reset_request(email=form.cleaned_data["email"], client=client_address(request))
        except password_reset.TooManyRequests:
            form.add_error("email", "You have asked for too many links: wait an hour, then try again")
        else:
            return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/password_reset_done.html", {"hours": password_reset.link_hours()})


class NewPasswordView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever was locked out of this account by failed sign-ins may now sign in with the new password.
        axes_reset(username=form.user.email)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "hours": password_reset.link_hours()}


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/password_reset_complete.html")


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page leads to the one sign-in form, so that its throttles and the second
    factor cannot be gone round."""
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")

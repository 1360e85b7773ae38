"""The second-factor pages: set up an authenticator app, enter a code after the password, and manage
both. The rules are in ``accounts.second_factor``; ``accounts.middleware`` sends people here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.forms import AuthenticatorConfirmForm, SecondFactorCodeForm
from accounts.models import User

#: The session key of the authenticator key being set up, until its first code is confirmed.
PENDING_KEY = "second_factor_pending_key"


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the ``next`` the person was sent with, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if second_factor.second_factor_due(user, verified=user.is_verified()) is not second_factor.Due.VERIFY:  # type: ignore[attr-defined]
        return redirect(_next(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.second_factor_verify(request, form.cleaned_data["code"])
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            left = second_factor.recovery_codes_left(user)
            if left < 3:
                messages.warning(
                    request,
                    f"You have {left} recovery code{'s' if left != 1 else ''} left: get new ones from Sign-in security",
                )
            return redirect(_next(request))
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not second_factor.may_change_second_factor(user, verified=user.is_verified()):  # type: ignore[attr-defined]
        return redirect(f"{reverse('second_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    key = request.session.get(PENDING_KEY)
    if request.method != "POST" or not key:
        key = second_factor.authenticator_key_new()
        request.session[PENDING_KEY] = key
    form = AuthenticatorConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.authenticator_confirm(request, key=key, code=form.cleaned_data["code"])
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            del request.session[PENDING_KEY]
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request), "new_app": True},
            )
    device = second_factor.authenticator_for(user, key)
    return render(
        request,
        "registration/second_factor_set_up.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": second_factor.authenticator_qr_code(device),
            "key": second_factor.authenticator_key(device),
            "app_link": device.config_url,
            "required": second_factor.second_factor_required(user),
            "replacing": second_factor.has_second_factor(user),
        },
    )


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Sign-in security: whether a second factor is set up, the recovery codes left, and what can be done."""
    user = _user(request)
    device = second_factor.authenticator(user)
    return render(
        request,
        "registration/security.html",
        {
            "device": device,
            "required": second_factor.second_factor_required(user),
            "codes_left": second_factor.recovery_codes_left(user) if device else 0,
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = second_factor.recovery_codes_replace(request)
    except second_factor.SecondFactorError as error:
        messages.error(request, str(error))
        return redirect("security")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": "", "new_app": False})


@never_cache
@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        second_factor.second_factor_remove(actor=user, user=user, actor_verified=user.is_verified())  # type: ignore[attr-defined]
    except second_factor.SecondFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You no longer need a second factor to sign in")
    return redirect("security")

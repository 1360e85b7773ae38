from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from accounts import throttle
from accounts.client_address import client_address
from inspectorate.forms import GovUKForm


def lockout_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for: its e-mail address, trimmed and in lower case, so that
    "Name@Example.org" signs in, and counts towards the same lock-out, as "name@example.org"."""
    if credentials and credentials.get("username"):
        return str(credentials["username"]).strip().lower()
    if request is not None:
        return str(request.POST.get("username", "")).strip().lower()
    return ""


def email_address_field() -> forms.EmailField:
    """The address a person signs in with, as every staff form asks for it."""
    return forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SignInForm(GovUKForm, AuthenticationForm):
    """Sign in with an e-mail address and a password."""

    submit_label = "Sign in"

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is not active: ask an administrator",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = email_address_field()
        self.fields["password"].label = "Password"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        return lockout_username(None, {"username": self.cleaned_data["username"]})

    def clean(self) -> dict[str, Any]:
        """Refused without trying the password while the client's address has failed too often across
        accounts (django-axes locks one account from one address; this stops spraying many)."""
        address = client_address(self.request) if self.request is not None else ""
        if throttle.sign_ins_blocked(address):
            raise forms.ValidationError(
                "There have been too many failed sign-ins from your network: wait 15 minutes, then try again",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                throttle.sign_in_failed(address)
            raise


class PasswordResetRequestForm(GovUKForm):
    submit_label = "Send the link"

    email = email_address_field()


class NewPasswordForm(GovUKForm, SetPasswordForm):  # type: ignore[type-arg]
    """Choose a new password: twice, checked against the password rules."""

    submit_label = "Change password"

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password and not like your name."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages["password_mismatch"] = "Enter the same password in both fields"  # noqa: S105 - a message


class SecondFactorCodeForm(GovUKForm):
    """The code asked for after the password: from the authenticator app, or a recovery code."""

    submit_label = "Continue"

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        max_length=40,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )


class AuthenticatorConfirmForm(GovUKForm):
    """The first code from a newly scanned authenticator app, which proves it has the key."""

    submit_label = "Confirm"

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="6 digits. The code changes every 30 seconds.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
    )

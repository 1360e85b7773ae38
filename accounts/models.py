"""People who use the staff side of the system. They sign in with their e-mail address."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from inspectorate.fields import PlainCharField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Roles are Django groups (see ``accounts.roles``)."""

    email = models.EmailField("email address", unique=True)
    name = PlainCharField("full name", max_length=200)
    is_staff = models.BooleanField(
        "staff status", default=True, help_text="Whether the person can sign in to the admin."
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ("name", "email")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class SecurityEvent(models.Model):
    """Something that changed how a person signs in: a record that is only ever added to.

    Written by ``accounts.second_factor`` in the same transaction as the change itself, and shown
    (read-only) in the admin beside the person.
    """

    class Kind(models.TextChoices):
        SECOND_FACTOR_SET_UP = "second_factor_set_up", "Set up an authenticator app"
        RECOVERY_CODES_REPLACED = "recovery_codes_replaced", "Replaced the recovery codes"
        RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
        SECOND_FACTOR_REMOVED = "second_factor_removed", "Removed the second factor"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-pk")
        indexes = (models.Index(fields=("user", "-at")),)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"

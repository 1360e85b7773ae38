from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import SecurityEvent, User

# django-otp's own admin pages would show recovery codes and secret keys to whoever manages people.
# Devices are set up by their owner, and reset through the action on the people's list below.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class UserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


class SecurityEventInline(admin.TabularInline[SecurityEvent, User]):
    """What changed how the person signs in: read-only, as it is only ever added to."""

    model = SecurityEvent
    fk_name = "user"
    fields = ("at", "kind", "actor")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "sign-in security event"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("accounts.view_user")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("name", "email", "roles", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("name", "email")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Roles", {"fields": ("groups", "is_active", "is_staff", "is_superuser")}),
        ("Sign-in security", {"fields": ("second_factor",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    inlines = (SecurityEventInline,)
    actions = ("reset_second_factor",)
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined", "second_factor")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        """Only a superuser makes a superuser: to anyone else the flag is shown, never changed (a form
        that sends it anyway has it ignored, as Django ignores any read-only field)."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """A superuser's account (password, roles) is changed by a superuser only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="second factor")
    def second_factor(self, obj: User) -> str:
        if obj.pk is None:
            return "-"
        device = second_factor.authenticator(obj)
        if device is None:
            return "Must set one up when they next sign in" if second_factor.second_factor_required(obj) else "None"
        return f"Authenticator app, set up {device.created_at:%d %B %Y}"

    @admin.action(description="Reset the second factor of the selected people (a lost phone)", permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Through the same service as the person's own page: each reset is recorded. A person whose account
        the administrator may not change (a superuser's, for one who is not) is left alone."""
        actor = request.user
        assert isinstance(actor, User)
        reset, refused = [], []
        for person in queryset:
            if not self.has_change_permission(request, person):
                refused.append(str(person))
                continue
            try:
                second_factor.second_factor_remove(actor=actor, user=person, actor_verified=True)
            except second_factor.SecondFactorError as error:
                refused.append(f"{person} ({error})")
            else:
                reset.append(str(person))
        if reset:
            self.message_user(
                request,
                f"Reset the second factor of {', '.join(reset)}: they set up a new app when they next sign in.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, f"Not reset: {', '.join(refused)}.", messages.ERROR)

    @admin.display(description="roles")
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")

from __future__ import annotations

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/read/", views.notifications_mark_all_read, name="mark_all_read"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("mail/", views.mail_outbox, name="outbox"),
]

from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sms/inbound/<str:token>/", views.sms_inbound, name="sms-inbound"),
    path("local-mail/", views.local_mail, name="local-mail"),
    path("local-mail/<str:name>", views.local_mail_message, name="local-mail-message"),
]

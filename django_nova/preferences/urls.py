from django.urls import path

from . import views

urlpatterns = [
    path("settings/", views.PreferencesView.as_view(), name="user-settings"),
]

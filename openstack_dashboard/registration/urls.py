"""Sign-up (django-registration's URL names) and password reset (Django's URL names)."""

from django.urls import path
from django.views.generic import TemplateView

from . import views

urlpatterns = [
    path("accounts/register/", views.SignupView.as_view(), name="django_registration_register"),
    path("accounts/register/complete/",
         TemplateView.as_view(template_name="django_registration/registration_complete.html"),
         name="django_registration_complete"),
    path("accounts/register/closed/",
         TemplateView.as_view(template_name="django_registration/registration_closed.html"),
         name="django_registration_disallowed"),
    path("accounts/activate/", views.ActivateView.as_view(), name="django_registration_activate"),
    path("accounts/activate/complete/",
         TemplateView.as_view(template_name="django_registration/activation_complete.html"),
         name="django_registration_activation_complete"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]

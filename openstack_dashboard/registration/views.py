"""Sign-up, activation and password reset views of the reference site.

They are django-registration's and Django's own views with small hooks:
a sign-up rate limit, provisioning on activation, audit-log context, and a
password reset that also serves Keystone users.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django_registration.backends.activation import views as activation_views
from django_registration.exceptions import ActivationError

from django_nova.audit import annotate
from django_nova.conf import nova_settings
from django_nova.mixins import field_error
from django_nova.services.provisioning import ProvisioningError

from .forms import NovaPasswordResetForm, NovaSetPasswordForm, SignupForm
from .models import Signup
from .ratelimit import password_reset_limited, signup_limited
from .signups import (
    SignupFailed,
    activate_signup,
    create_signup,
    logger,
    registration_clouds,
)


class EmailNotSent(Exception):
    pass


class SignupView(activation_views.RegistrationView):
    """Sign up for one of the clouds in REGISTRATION_CLOUDS; an email link activates."""

    audited = True  # the activity log has sign-ups and password resets (django_nova.audit)

    form_class = SignupForm
    template_name = "django_registration/registration_form.html"

    def registration_allowed(self):
        return super().registration_allowed() and bool(registration_clouds())

    def post(self, request, *args, **kwargs):
        if signup_limited(request):
            annotate(request, error="sign-up rate limit reached")
            return render(request, "nova_registration/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EmailNotSent:
            # Nothing was kept (see create_inactive_user).
            field_error(form, None, _("The activation email could not be sent, so no account "
                                      "was made. Please try again later."))
            return self.form_invalid(form)

    def create_inactive_user(self, form):
        with transaction.atomic():  # no account without its activation email
            user = create_signup(form, form.cleaned_data["cloud"])
            try:
                self.send_activation_email(user)
            except (OSError, ValueError) as error:  # SMTP down; a bad header is a ValueError
                logger.error("Activation email to a new sign-up failed: %s", error)
                raise EmailNotSent from error
        annotate(self.request, target=user.get_username())
        return user


class ActivateView(activation_views.ActivationView):
    """The emailed link's page: one button activates, which provisions the account."""

    audited = True  # the activity log has sign-ups and password resets (django_nova.audit)

    template_name = "django_registration/activation_form.html"

    def get_user(self, username):
        # An OpenStack sign-up's user was renamed to its Keystone shadow name.
        signup = Signup.objects.filter(username=username).select_related("user").first()
        if signup is not None and signup.user.is_active:
            raise ActivationError(self.ALREADY_ACTIVATED_MESSAGE, code="already_activated")
        return signup.user if signup is not None else super().get_user(username)

    def get_context_data(self, **kwargs):
        """On opening the link: an account it activated already gets "sign in", not a
        button that can only fail."""
        context = super().get_context_data(**kwargs)
        key = self.request.GET.get("activation_key", "")
        if self.request.method == "GET" and key and "activation_error" not in context:
            form = self.form_class(data={"activation_key": key})
            if form.is_valid():
                try:
                    self.get_user(form.cleaned_data["activation_key"])
                except ActivationError as error:
                    if error.code == "already_activated":
                        context["activation_error"] = {"message": error.message,
                                                       "code": error.code}
        return context

    def activate(self, form):
        username = form.cleaned_data["activation_key"]
        annotate(self.request, target=username)
        user = self.get_user(username)
        try:
            signup = activate_signup(user)
        except SignupFailed as error:
            annotate(self.request, error=str(error))
            raise ActivationError(str(error), code="provisioning_failed") from error
        if signup is not None and signup.project_name:
            label = nova_settings()["CLOUDS"].get(signup.cloud, {}).get("LABEL", signup.cloud)
            messages.success(self.request, _("Your project %(project)s on %(cloud)s is ready.")
                             % {"project": signup.project_name, "cloud": label})
        return user


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per client address and per email asked for."""

    audited = True  # the activity log has sign-ups and password resets (django_nova.audit)

    form_class = NovaPasswordResetForm
    template_name = "nova_registration/password_reset_form.html"
    email_template_name = "nova_registration/password_reset_email.txt"
    subject_template_name = "nova_registration/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if password_reset_limited(request):
            annotate(request, error="password reset rate limit reached")
            return render(request, "nova_registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "nova_registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    audited = True  # the activity log has sign-ups and password resets (django_nova.audit)

    form_class = NovaSetPasswordForm
    template_name = "nova_registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProvisioningError as error:
            field_error(form, None, str(error))
            return self.form_invalid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "nova_registration/password_reset_complete.html"

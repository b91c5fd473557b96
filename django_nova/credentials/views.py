"""The "API access" page: credentials for command-line tools and SDKs, per cloud.

EC2: the endpoint and region, and the user's own IAM access keys.
OpenStack: openrc and clouds.yaml for the current project, and the user's
application credentials.  A new secret is shown once, in the POST answer
that created it ("download once, store nothing", as for key pairs): its
download buttons send it back to be written as a file, nothing keeps it.
"""

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import FormView, TemplateView

from ..exceptions import CloudError, InvalidInput
from ..mixins import (
    ActView,
    CloudFormView,
    Confirmation,
    ConfirmView,
    OneTimeSecretMixin,
    ProjectViewMixin,
    SubmitOnceMixin,
    named,
)
from ..services.credentials import CredentialService
from .forms import (
    EC2_FORMATS,
    OPENSTACK_FORMATS,
    SECRET_FORMATS,
    AccessKeyStatusForm,
    ApplicationCredentialForm,
    SecretDownloadForm,
)

LIST_URL = "django_nova:credentials"


class CredentialsMixin(ProjectViewMixin):
    """Login and a project first; then pages for a kind of credential the cloud lacks are 404."""

    #: The capability a view's kind of credential needs ("has_access_keys", ...), if any.
    needs: str = ""

    def dispatch(self, request, *args, **kwargs):
        if (self.needs and request.user.is_authenticated and request.nova.project is not None
                and not getattr(request.nova.capabilities, self.needs)):
            raise Http404("This cloud has no such credentials.")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def credentials(self) -> CredentialService:
        return CredentialService(self.request.nova)


class CredentialsView(CredentialsMixin, TemplateView):
    template_name = "django_nova/credentials/index.html"

    def get_context_data(self, **kwargs):
        service = self.credentials
        context = {"region": self.request.nova.region, "error": ""}
        try:
            if service.has_access_keys:
                context["overview"] = service.access_keys_overview()
            if service.has_application_credentials:
                context["app_credentials"] = service.application_credentials()
        except CloudError as error:
            context["error"] = f"{error.title}: {error.message}"
        if service.has_application_credentials:
            context.update(auth_url=self.request.nova.config.get("AUTH_URL", ""),
                           keystone=self.request.nova.access)
        return super().get_context_data(**context, **kwargs)


class ProjectFileView(CredentialsMixin, TemplateView):
    """openrc or clouds.yaml for the current project: no password inside, so no secret."""

    needs = "has_application_credentials"
    kind = ""

    def get(self, request, *args, **kwargs):
        if self.kind == "openrc":
            content, filename = self.credentials.project_openrc(), "openrc"
        else:
            content, filename = self.credentials.project_clouds_yaml(), "clouds.yaml"
        return OneTimeSecretMixin.download(content, filename)


class SecretShownOnceMixin(OneTimeSecretMixin):
    """Renders the one-time page of a just-created credential, with its download buttons."""

    created_template = "django_nova/credentials/created.html"
    formats = ()

    def show_once(self, *, kind: str, credential_id: str, secret: str, **extra):
        return self.response_class(
            request=self.request, template=[self.created_template],
            context=self.get_context_data(kind=kind, credential_id=credential_id, secret=secret,
                                          formats=[(f, SECRET_FORMATS[f][0]) for f in self.formats],
                                          **extra))


class ApplicationCredentialCreateView(CredentialsMixin, SecretShownOnceMixin, CloudFormView):
    needs = "has_application_credentials"
    template_name = "django_nova/credentials/app_credential_form.html"
    form_class = ApplicationCredentialForm
    formats = OPENSTACK_FORMATS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": self.credentials.current_roles()}

    def conflict_error(self, form, error):
        return "name", gettext("You already have an application credential with this name.")

    def form_valid(self, form):
        data = form.cleaned_data
        created, ok = self.call_cloud(form, lambda: self.credentials.create_application_credential(
            data["name"], data["description"], data["expires"], data["roles"]))
        if not ok:
            return self.form_invalid(form)
        return self.show_once(kind="application credential", credential_id=created.credential.id,
                              secret=created.secret, credential=created.credential)


class CredentialDeleteView(CredentialsMixin, ConfirmView):
    """Deleting a credential stops it at once, so it asks first."""

    kind = ""
    # The page's title, and its question with the credential's {name} (or id).
    confirm_title = ""
    confirm_question = ""

    def cancel_url(self):
        return reverse(LIST_URL)

    def confirmation(self):
        subject = named(self.name) if self.name \
            else format_html("<code>{}</code>", self.subject_id)
        return Confirmation(
            title=str(self.confirm_title),
            question=format_html(str(self.confirm_question), name=subject),
            explanation=(format_html(gettext("{id} stops working at once: scripts and tools "
                                             "that use it are refused. This cannot be undone."),
                                     id=format_html("<code>{}</code>", self.subject_id))
                         if self.name else
                         gettext("It stops working at once: scripts and tools that use it are "
                                 "refused. This cannot be undone.")),
            # Translators: button.
            submit=gettext("Delete"), submit_id="confirm-delete", cancel_url=self.cancel_url())


class ApplicationCredentialDeleteView(CredentialDeleteView):
    needs = "has_application_credentials"
    kind = "application credential"
    confirm_title = gettext_lazy("Delete application credential")
    confirm_question = gettext_lazy("Delete application credential {name}?")

    def load(self, credential_id):
        credential = self.credentials.application_credential(credential_id)
        self.subject_id, self.name = credential.id, credential.name

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete the application credential")

    def perform(self):
        self.credentials.delete_application_credential(self.subject_id)
        return gettext("Deleted the application credential; it no longer authenticates.")


class AccessKeyCreateView(SubmitOnceMixin, CredentialsMixin, SecretShownOnceMixin,
                          TemplateView):
    """GET explains (or says the limit is reached); POST creates and shows the secret once."""

    needs = "has_access_keys"
    template_name = "django_nova/credentials/access_key_create.html"
    formats = EC2_FORMATS

    def get(self, request):
        return self.render_to_response(self.get_context_data(
            overview=self.credentials.access_keys_overview()))

    def post(self, request):
        try:
            created = self.credentials.create_access_key()
        except CloudError as error:
            messages.error(request, error.message)
            return redirect(LIST_URL)
        return self.show_once(kind="access key", credential_id=created.key.id,
                              secret=created.secret, user_name=created.user_name)


class AccessKeyStatusView(CredentialsMixin, ActView):
    needs = "has_access_keys"

    def load(self, key_id):
        self.key_id, self.form = key_id, AccessKeyStatusForm(self.request.POST)

    def cancel_url(self):
        return reverse(LIST_URL)

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("change access key %(id)s") % {"id": self.key_id}

    def perform(self):
        if not self.form.is_valid():
            raise InvalidInput(gettext("Choose to activate or deactivate the key."))
        active = self.form.cleaned_data["active"]
        self.credentials.set_access_key_status(self.key_id, active)
        if active:
            return gettext("Access key %(id)s is now active.") % {"id": self.key_id}
        return gettext("Access key %(id)s is now inactive.") % {"id": self.key_id}


class AccessKeyDeleteView(CredentialDeleteView):
    needs = "has_access_keys"
    kind = "access key"
    confirm_title = gettext_lazy("Delete access key")
    confirm_question = gettext_lazy("Delete access key {name}?")

    def load(self, key_id):
        self.subject_id, self.name = self.credentials.access_key(key_id).id, ""

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete access key %(id)s") % {"id": self.subject_id}

    def perform(self):
        self.credentials.delete_access_key(self.subject_id)
        return gettext("Deleted access key %(id)s; it no longer works.") % {"id": self.subject_id}


class SecretDownloadView(CredentialsMixin, OneTimeSecretMixin, FormView):
    """Writes a just-created credential, handed back by its one-time page, as a file.

    Nothing is looked up or kept: the id and secret come from the page that
    showed them, and leave again in this response only.
    """

    http_method_names = ["post"]
    form_class = SecretDownloadForm
    audited = False  # changes nothing

    FILES = {
        "openrc": (CredentialService.application_credential_openrc, "app-cred-openrc.sh"),
        "clouds-yaml": (CredentialService.application_credential_clouds_yaml, "clouds.yaml"),
        "aws-credentials": (CredentialService.aws_credentials_file, "credentials"),
        "aws-env": (CredentialService.aws_env_file, "aws-env.sh"),
    }

    def get_form_kwargs(self):
        formats = ((EC2_FORMATS if self.credentials.has_access_keys else ())
                   + (OPENSTACK_FORMATS if self.credentials.has_application_credentials else ()))
        return {**super().get_form_kwargs(), "formats": formats}

    def form_valid(self, form):
        data = form.cleaned_data
        write, filename = self.FILES[data["format"]]
        content = write(self.credentials, data["credential_id"], data["secret"])
        return self.download(content, filename)

    def form_invalid(self, form):
        reasons = " ".join(form.non_field_errors())
        if reasons:
            message = gettext("That download is not available: %(reasons)s Create a new "
                              "credential if you lost the secret.") % {"reasons": reasons}
        else:
            message = gettext("That download is not available: the page that showed it is "
                              "gone. Create a new credential if you lost the secret.")
        messages.error(self.request, message)
        return redirect(LIST_URL)

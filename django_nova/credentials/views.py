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
from django.views.generic import FormView, TemplateView

from ..audit import annotate
from ..exceptions import CloudError, NotFound
from ..keypairs.views import OneTimeSecretMixin
from ..mixins import CloudFormView, ProjectViewMixin
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

    #: "access_keys" or "application_credentials": the kind of credential a view needs.
    needs = ""

    def dispatch(self, request, *args, **kwargs):
        if (self.needs and request.user.is_authenticated and request.nova.project is not None
                and not getattr(self.credentials, f"has_{self.needs}")):
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
            context.update(auth_url=self.request.nova.cloud.get("AUTH_URL", ""),
                           keystone=self.request.nova.access)
        return super().get_context_data(**context, **kwargs)


class ProjectFileView(CredentialsMixin, TemplateView):
    """openrc or clouds.yaml for the current project: no password inside, so no secret."""

    needs = "application_credentials"
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
    needs = "application_credentials"
    template_name = "django_nova/credentials/app_credential_form.html"
    form_class = ApplicationCredentialForm
    formats = OPENSTACK_FORMATS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": self.credentials.current_roles()}

    def conflict_error(self, form, error):
        return "name", "You already have an application credential with this name."

    def form_valid(self, form):
        data = form.cleaned_data
        created, ok = self.call_cloud(form, lambda: self.credentials.create_application_credential(
            data["name"], data["description"], data["expires"], data["roles"]))
        if not ok:
            return self.form_invalid(form)
        annotate(self.request, target=created.credential.name)
        return self.show_once(kind="application credential", credential_id=created.credential.id,
                              secret=created.secret, credential=created.credential)


class ApplicationCredentialDeleteView(CredentialsMixin, TemplateView):
    needs = "application_credentials"
    template_name = "django_nova/credentials/delete.html"

    def get_context_data(self, **kwargs):
        credential = self.credentials.application_credential(self.kwargs["credential_id"])
        return super().get_context_data(kind="application credential", subject_id=credential.id,
                                        subject_name=credential.name, **kwargs)

    def post(self, request, credential_id):
        try:
            self.credentials.delete_application_credential(credential_id)
        except NotFound:
            messages.error(request, "You have no such application credential in this project.")
        except CloudError as error:
            messages.error(request, f"Could not delete the application credential: "
                                    f"{error.message}")
        else:
            messages.success(request, "Deleted the application credential; it no longer "
                                      "authenticates.")
        return redirect(LIST_URL)


class AccessKeyCreateView(CredentialsMixin, SecretShownOnceMixin, TemplateView):
    """GET explains (or says the limit is reached); POST creates and shows the secret once."""

    needs = "access_keys"
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
        annotate(request, target=created.key.id)
        return self.show_once(kind="access key", credential_id=created.key.id,
                              secret=created.secret, user_name=created.user_name)


class AccessKeyStatusView(CredentialsMixin, FormView):
    needs = "access_keys"
    http_method_names = ["post"]
    form_class = AccessKeyStatusForm

    def form_valid(self, form):
        key_id, active = self.kwargs["key_id"], form.cleaned_data["active"]
        try:
            self.credentials.set_access_key_status(key_id, active)
        except CloudError as error:
            messages.error(self.request, f"Could not change access key {key_id}: "
                                         f"{error.message}")
        else:
            messages.success(self.request, f"Access key {key_id} is now "
                                           f"{'active' if active else 'inactive'}.")
        return redirect(LIST_URL)

    def form_invalid(self, form):
        messages.error(self.request, "Choose to activate or deactivate the key.")
        return redirect(LIST_URL)


class AccessKeyDeleteView(CredentialsMixin, TemplateView):
    needs = "access_keys"
    template_name = "django_nova/credentials/delete.html"

    def get_context_data(self, **kwargs):
        key = self.credentials.access_key(self.kwargs["key_id"])
        return super().get_context_data(kind="access key", subject_id=key.id, subject_name="",
                                        **kwargs)

    def post(self, request, key_id):
        try:
            self.credentials.delete_access_key(key_id)
        except CloudError as error:
            messages.error(request, f"Could not delete access key {key_id}: {error.message}")
        else:
            messages.success(request, f"Deleted access key {key_id}; it no longer works.")
        return redirect(LIST_URL)


class SecretDownloadView(CredentialsMixin, OneTimeSecretMixin, FormView):
    """Writes a just-created credential, handed back by its one-time page, as a file.

    Nothing is looked up or kept: the id and secret come from the page that
    showed them, and leave again in this response only.
    """

    http_method_names = ["post"]
    form_class = SecretDownloadForm
    audited = False  # changes nothing

    FILES = {
        "openrc": ("application_credential_openrc", "app-cred-openrc.sh"),
        "clouds-yaml": ("application_credential_clouds_yaml", "clouds.yaml"),
        "aws-credentials": ("aws_credentials_file", "credentials"),
        "aws-env": ("aws_env_file", "aws-env.sh"),
    }

    def get_form_kwargs(self):
        formats = ((EC2_FORMATS if self.credentials.has_access_keys else ())
                   + (OPENSTACK_FORMATS if self.credentials.has_application_credentials else ()))
        return {**super().get_form_kwargs(), "formats": formats}

    def form_valid(self, form):
        data = form.cleaned_data
        method, filename = self.FILES[data["format"]]
        content = getattr(self.credentials, method)(data["credential_id"], data["secret"])
        return self.download(content, filename)

    def form_invalid(self, form):
        reasons = " ".join(form.non_field_errors()) or "the page that showed it is gone."
        messages.error(self.request, f"That download is not available: {reasons} "
                                     "Create a new credential if you lost the secret.")
        return redirect(LIST_URL)

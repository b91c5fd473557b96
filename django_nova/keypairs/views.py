from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.text import get_valid_filename
from django.views.generic import TemplateView

from ..exceptions import CloudError
from ..mixins import BulkDeleteView, CloudFormView, ProjectViewMixin
from .forms import KeyPairCreateForm, KeyPairImportForm


class OneTimeSecretMixin:
    """For views that hand a secret over once ("download once, store nothing").

    The secret passes through one response and is kept nowhere: not in the
    database, the session, the cache or a log.  Every response of the view
    tells browsers and proxies not to store it, and its POST data is hidden
    from Django's error reports.  ``download`` streams a secret as a file.
    """

    def dispatch(self, request, *args, **kwargs):
        request.sensitive_post_parameters = "__ALL__"
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def download(content: str, filename: str, content_type: str = "text/plain") -> HttpResponse:
        response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8"
                                if content_type.startswith("text/") else content_type)
        name = get_valid_filename(filename) or "download"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


class KeyPairListView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/keypairs/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(key_pairs=self.compute.key_pairs(), **kwargs)


class KeyPairCreateView(OneTimeSecretMixin, CloudFormView):
    """Creates a key pair and answers with its private key as a file download, once."""

    template_name = "django_nova/keypairs/create.html"
    form_class = KeyPairCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        created, ok = self.call_cloud(
            form, lambda: self.compute.create_key_pair(data["name"], data["key_type"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Key pair {data['name']} created; its private key "
                                       "was downloaded. It cannot be downloaded again.")
        filename = get_valid_filename(data["name"]) or "key"
        return self.download(created.private_key, f"{filename}.pem", "application/x-pem-file")


class KeyPairImportView(CloudFormView):
    template_name = "django_nova/keypairs/import.html"
    form_class = KeyPairImportForm

    def form_valid(self, form):
        data = form.cleaned_data
        imported, ok = self.call_cloud(
            form, lambda: self.compute.import_key_pair(data["name"], data["public_key"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Imported key pair {imported.name}.")
        return redirect("django_nova:keypairs")


class KeyPairDeleteView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/keypairs/delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(key_pair=self.compute.key_pair(self.kwargs["name"]),
                                        **kwargs)

    def post(self, request, name):
        try:
            self.compute.delete_key_pair(name)
        except CloudError as error:
            messages.error(request, f"Could not delete key pair {name}: {error.message}")
        else:
            messages.success(request, f"Deleted key pair {name}.")
        return redirect("django_nova:keypairs")


class KeyPairBulkDeleteView(BulkDeleteView):
    kind = "key pair"
    list_url = "django_nova:keypairs"

    def delete_one(self, resource_id):
        self.compute.delete_key_pair(resource_id)

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import get_valid_filename
from django.views.generic import TemplateView

from ..mixins import (
    BulkDeleteView,
    CloudFormView,
    Confirmation,
    ConfirmView,
    OneTimeSecretMixin,
    ProjectViewMixin,
)
from .forms import KeyPairCreateForm, KeyPairImportForm


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


class KeyPairDeleteView(ConfirmView):
    def load(self, name):
        self.key_pair = self.compute.key_pair(name)

    def cancel_url(self):
        return reverse("django_nova:keypairs")

    def doing(self):
        return f"delete key pair {self.key_pair.name}"

    def confirmation(self):
        return Confirmation(
            title=f"Delete {self.key_pair.name}",
            question=format_html('Delete key pair <span class="nova-name">{}</span>?',
                                 self.key_pair.name),
            explanation="Running instances keep working, but new instances cannot use this "
                        "key. The cloud's copy of the public key is removed.",
            submit="Delete", submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        self.compute.delete_key_pair(self.key_pair.name)
        return f"Deleted key pair {self.key_pair.name}."


class KeyPairBulkDeleteView(BulkDeleteView):
    kind = "key pair"
    list_url = "django_nova:keypairs"

    def delete_one(self, resource_id):
        self.compute.delete_key_pair(resource_id)

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..mixins import (
    BulkDeleteView,
    CloudFormView,
    Confirmation,
    ConfirmView,
    OneTimeSecretMixin,
    ProjectViewMixin,
    named,
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
        messages.success(self.request, _("Key pair %(name)s created; its private key was "
                                         "downloaded. It cannot be downloaded again.") % {
                                             "name": data["name"]})
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
        messages.success(self.request, _("Imported key pair %(name)s.") % {"name": imported.name})
        return redirect("django_nova:keypairs")


class KeyPairDeleteView(ConfirmView):
    def load(self, name):
        self.key_pair = self.compute.key_pair(name)

    def cancel_url(self):
        return reverse("django_nova:keypairs")

    def doing(self):
        # Translators: follows "Could not"; name is the key pair's name.
        return _("delete key pair %(name)s") % {"name": self.key_pair.name}

    def confirmation(self):
        return Confirmation(
            title=_("Delete %(name)s") % {"name": self.key_pair.name},
            question=format_html(_("Delete key pair {name}?"), name=named(self.key_pair.name)),
            explanation=_("Running instances keep working, but new instances cannot use this "
                          "key. The cloud's copy of the public key is removed."),
            # Translators: the button that deletes a key pair.
            submit=_("Delete"), submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        self.compute.delete_key_pair(self.key_pair.name)
        return _("Deleted key pair %(name)s.") % {"name": self.key_pair.name}


class KeyPairBulkDeleteView(BulkDeleteView):
    # Translators: what the bulk delete page deletes (mixins.BulkDeleteView, bulk_delete.html).
    kind = gettext_lazy("key pair")
    list_url = "django_nova:keypairs"

    def delete_one(self, resource_id):
        self.compute.delete_key_pair(resource_id)

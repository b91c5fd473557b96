"""Volumes and snapshots: list (live states), create, edit, extend, attach, detach, delete."""

from functools import cached_property

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..conf import nova_settings
from ..mixins import (
    BulkDeleteView,
    ChangeFormView,
    Confirmation,
    ConfirmView,
    PolledRowMixin,
    ProjectViewMixin,
    named,
)
from ..services.volumes import VolumeService
from .forms import NameDescriptionForm, VolumeAttachForm, VolumeCreateForm, VolumeExtendForm


class VolumeMixin:
    @cached_property
    def volumes(self) -> VolumeService:
        return VolumeService(self.request.nova)

    def get_context_data(self, **kwargs):
        return super().get_context_data(poll_seconds=nova_settings()["POLL_SECONDS"], **kwargs)


class VolumeListView(VolumeMixin, ProjectViewMixin, TemplateView):
    template_name = "django_nova/volumes/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(volumes=self.volumes.volumes(), **kwargs)


class RowView(PolledRowMixin, VolumeMixin, ProjectViewMixin, TemplateView):
    """One polled row of the volumes or snapshots table."""


class VolumeRowView(RowView):
    template_name = "django_nova/volumes/_row.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(volume=self.volumes.volume(self.kwargs["volume_id"]),
                                        **kwargs)


class VolumeFormView(VolumeMixin, ChangeFormView):
    """A form about one volume (``self.volume``), back to the list when done; ``change``
    makes it, ``success`` says so (``%(name)s``: the volume's)."""

    template_name = "django_nova/volumes/form.html"
    title = ""
    success = ""
    done_url = "django_nova:volumes"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is not None:
            self.volume = self.volumes.volume(kwargs["volume_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, subject=self.volume, **kwargs)

    def change(self, form) -> None:
        raise NotImplementedError

    def act(self, form):
        self.change(form)
        return self.success % {"name": self.volume.display_name}


class VolumeCreateView(VolumeMixin, ChangeFormView):
    template_name = "django_nova/volumes/form.html"
    form_class = VolumeCreateForm
    done_url = "django_nova:volumes"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["options"] = self.volumes.create_options()
        if snapshot := self.request.GET.get("snapshot"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "snapshot": snapshot}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Create volume"), **kwargs)

    def act(self, form):
        volume = self.volumes.create(form.spec())
        return _("Creating volume %(name)s (%(id)s).") % {"name": volume.display_name,
                                                          "id": volume.id}


class VolumeEditView(VolumeFormView):
    form_class = NameDescriptionForm
    title = gettext_lazy("Edit volume")
    success = gettext_lazy("Saved volume %(name)s.")

    def get_initial(self):
        return {"name": self.volume.name, "description": self.volume.description}

    def change(self, form):
        self.volumes.update(self.volume.id, form.cleaned_data["name"],
                            form.cleaned_data["description"])


class VolumeExtendView(VolumeFormView):
    form_class = VolumeExtendForm
    title = gettext_lazy("Extend volume")
    success = gettext_lazy("Extending volume %(name)s.")
    conflict_field = "size_gb"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current_gb": self.volume.size_gb}

    def change(self, form):
        self.volumes.extend(self.volume.id, form.cleaned_data["size_gb"])


class VolumeAttachView(VolumeFormView):
    form_class = VolumeAttachForm
    title = gettext_lazy("Attach volume")
    success = gettext_lazy("Attaching volume %(name)s.")
    conflict_field = "instance"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "instances": self.volumes.attachable_instances(self.volume)}

    def change(self, form):
        self.volumes.attach(self.volume.id, form.cleaned_data["instance"],
                            form.cleaned_data["device"])


class SnapshotCreateView(VolumeFormView):
    form_class = NameDescriptionForm
    title = gettext_lazy("Create snapshot")
    success = gettext_lazy("Creating a snapshot of %(name)s.")
    done_url = "django_nova:snapshots"

    def change(self, form):
        self.volumes.create_snapshot(self.volume.id, form.cleaned_data["name"],
                                     form.cleaned_data["description"])


class VolumeDetachView(VolumeMixin, ConfirmView):
    """Detaching pulls a disk from under what uses it, so it asks first, and a root
    device is refused while its instance runs (the service refuses the POST too)."""

    def load(self, volume_id):
        self.volume_id = volume_id
        if self.request.method == "GET":
            self.volume = self.volumes.volume(volume_id)

    def cancel_url(self):
        return reverse("django_nova:volumes")

    def doing(self):
        # Translators: follows "Could not"; id is the volume's id.
        return _("detach %(id)s") % {"id": self.volume_id}

    def confirmation(self):
        volume = self.volume
        found = self.volumes.detachments(volume)
        refusal = next((d.refusal for d in found if d.refusal), "")
        root = next((d for d in found if d.root), None)
        warning = ""
        if root is not None:
            warning = _("%(device)s is the root device of %(instance)s: the instance cannot "
                        "start again until a root volume is attached.") % {
                "device": root.attachment.device, "instance": root.attachment.instance_name}
        return Confirmation(
            title=_("Detach volume %(name)s") % {"name": volume.display_name},
            question=format_html(_("Detach volume {name}?"), name=named(volume.display_name)),
            subject_id=volume.id,
            details=tuple((_("Attached to"), _("%(instance)s on %(device)s") % {
                "instance": d.attachment.instance_name,
                "device": d.attachment.device or "-"}) for d in found),
            explanation=_("Programs on the instance that use the volume lose it at once: "
                          "unmount it inside the instance first."),
            warning=warning, refusal=refusal, refusal_id="detach-refusal",
            # Translators: the button that detaches a volume from its instance.
            submit=_("Detach"), submit_id="confirm-detach", danger=False,
            cancel_url=self.cancel_url())

    def perform(self):
        self.volumes.detach(self.volume_id)
        return _("Detaching %(id)s.") % {"id": self.volume_id}


class DeleteView(VolumeMixin, ConfirmView):
    """Asks first (GET), deletes on POST; the cloud's refusal becomes a message.

    Each kind says it in whole sentences: ``title`` (%(name)s), ``question``
    (format_html, {name}), ``doing_text`` for "Could not ..." and the success
    message ``done`` (both %(id)s).
    """

    list_url = ""
    title = ""
    question = ""
    doing_text = ""
    done = ""

    def lookup(self, resource_id: str):
        raise NotImplementedError

    def remove(self, resource_id: str) -> None:
        raise NotImplementedError

    def load(self, **kwargs):
        self.subject = self.lookup(*kwargs.values())

    def cancel_url(self):
        return reverse(self.list_url)

    def doing(self):
        return self.doing_text % {"id": self.subject.id}

    def confirmation(self):
        subject = self.subject
        return Confirmation(
            title=self.title % {"name": subject.display_name},
            question=format_html(self.question, name=named(subject.display_name)),
            explanation=format_html(_("{id} ({size} GB) and its data are deleted. This cannot "
                                      "be undone."),
                                    id=format_html("<code>{}</code>", subject.id),
                                    size=subject.size_gb),
            # Translators: the button that deletes a volume or a snapshot.
            submit=_("Delete"), submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        self.remove(self.subject.id)
        return self.done % {"id": self.subject.id}


class VolumeDeleteView(DeleteView):
    list_url = "django_nova:volumes"
    title = gettext_lazy("Delete volume %(name)s")
    question = gettext_lazy("Delete volume {name}?")
    # Translators: follows "Could not"; id is the volume's id.
    doing_text = gettext_lazy("delete volume %(id)s")
    # Translators: success message; id is the volume's id.
    done = gettext_lazy("Deleting volume %(id)s.")

    def lookup(self, resource_id):
        return self.volumes.volume(resource_id)

    def remove(self, resource_id):
        self.volumes.delete(resource_id)


# Snapshots

class SnapshotListView(VolumeMixin, ProjectViewMixin, TemplateView):
    template_name = "django_nova/volumes/snapshots.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(snapshots=self.volumes.snapshots(), **kwargs)


class SnapshotRowView(RowView):
    template_name = "django_nova/volumes/_snapshot_row.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            snapshot=self.volumes.snapshot(self.kwargs["snapshot_id"]), **kwargs)


class SnapshotEditView(VolumeMixin, ChangeFormView):
    template_name = "django_nova/volumes/form.html"
    form_class = NameDescriptionForm
    done_url = "django_nova:snapshots"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is not None:
            self.snapshot = self.volumes.snapshot(kwargs["snapshot_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name": self.snapshot.name, "description": self.snapshot.description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit snapshot"), subject=self.snapshot,
                                        **kwargs)

    def act(self, form):
        data = form.cleaned_data
        self.volumes.update_snapshot(self.snapshot.id, data["name"], data["description"])
        return _("Saved snapshot %(name)s.") % {"name": data["name"]}


class SnapshotDeleteView(DeleteView):
    list_url = "django_nova:snapshots"
    title = gettext_lazy("Delete snapshot %(name)s")
    question = gettext_lazy("Delete snapshot {name}?")
    # Translators: follows "Could not"; id is the snapshot's id.
    doing_text = gettext_lazy("delete snapshot %(id)s")
    # Translators: success message; id is the snapshot's id.
    done = gettext_lazy("Deleting snapshot %(id)s.")

    def lookup(self, resource_id):
        return self.volumes.snapshot(resource_id)

    def remove(self, resource_id):
        self.volumes.delete_snapshot(resource_id)


class VolumeBulkDeleteView(VolumeMixin, BulkDeleteView):
    # Translators: what the bulk delete page deletes (mixins.BulkDeleteView, bulk_delete.html).
    kind = gettext_lazy("volume")
    list_url = "django_nova:volumes"

    def delete_one(self, resource_id):
        self.volumes.delete(resource_id)


class SnapshotBulkDeleteView(VolumeMixin, BulkDeleteView):
    # Translators: what the bulk delete page deletes (mixins.BulkDeleteView, bulk_delete.html).
    kind = gettext_lazy("snapshot")
    list_url = "django_nova:snapshots"

    def delete_one(self, resource_id):
        self.volumes.delete_snapshot(resource_id)

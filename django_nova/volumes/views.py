"""Volumes and snapshots: list (live states), create, edit, extend, attach, detach, delete."""

from functools import cached_property

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..conf import nova_settings
from ..exceptions import CloudError, NotFound
from ..mixins import BulkDeleteView, CloudFormView, ProjectViewMixin
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


class RowView(VolumeMixin, ProjectViewMixin, TemplateView):
    """One polled row; to htmx, a vanished resource answers with no row (it removes itself)."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except NotFound:
            if request.headers.get("HX-Request"):
                return HttpResponse("")
            raise


class VolumeRowView(RowView):
    template_name = "django_nova/volumes/_row.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(volume=self.volumes.volume(self.kwargs["volume_id"]),
                                        **kwargs)


class VolumeFormView(VolumeMixin, CloudFormView):
    """A form about one volume (``self.volume``), back to the list when done."""

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

    def act(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        _, ok = self.call_cloud(form, lambda: self.act(form))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, self.success.format(name=self.volume.display_name))
        return redirect(self.done_url)


class VolumeCreateView(VolumeMixin, CloudFormView):
    template_name = "django_nova/volumes/form.html"
    form_class = VolumeCreateForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["options"] = self.volumes.create_options()
        if snapshot := self.request.GET.get("snapshot"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "snapshot": snapshot}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Create volume", **kwargs)

    def form_valid(self, form):
        volume, ok = self.call_cloud(form, lambda: self.volumes.create(form.spec()))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Creating volume {volume.display_name} ({volume.id}).")
        return redirect("django_nova:volumes")


class VolumeEditView(VolumeFormView):
    form_class = NameDescriptionForm
    title = "Edit volume"
    success = "Saved volume {name}."

    def get_initial(self):
        return {"name": self.volume.name, "description": self.volume.description}

    def act(self, form):
        self.volumes.update(self.volume.id, form.cleaned_data["name"],
                            form.cleaned_data["description"])


class VolumeExtendView(VolumeFormView):
    form_class = VolumeExtendForm
    title = "Extend volume"
    success = "Extending volume {name}."
    conflict_field = "size_gb"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current_gb": self.volume.size_gb}

    def act(self, form):
        self.volumes.extend(self.volume.id, form.cleaned_data["size_gb"])


class VolumeAttachView(VolumeFormView):
    form_class = VolumeAttachForm
    title = "Attach volume"
    success = "Attaching volume {name}."
    conflict_field = "instance"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "instances": self.volumes.attachable_instances(self.volume)}

    def act(self, form):
        self.volumes.attach(self.volume.id, form.cleaned_data["instance"],
                            form.cleaned_data["device"])


class SnapshotCreateView(VolumeFormView):
    form_class = NameDescriptionForm
    title = "Create snapshot"
    success = "Creating a snapshot of {name}."
    done_url = "django_nova:snapshots"

    def act(self, form):
        self.volumes.create_snapshot(self.volume.id, form.cleaned_data["name"],
                                     form.cleaned_data["description"])


class VolumeDetachView(VolumeMixin, ProjectViewMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, volume_id):
        try:
            self.volumes.detach(volume_id)
        except CloudError as error:
            messages.error(request, f"Could not detach {volume_id}: {error.message}")
        else:
            messages.success(request, f"Detaching {volume_id}.")
        return redirect("django_nova:volumes")


class DeleteView(VolumeMixin, ProjectViewMixin, TemplateView):
    """Asks first (GET), deletes on POST; the cloud's refusal becomes a message."""

    template_name = "django_nova/volumes/delete.html"
    kind = ""
    list_url = ""

    def lookup(self):
        raise NotImplementedError

    def delete(self, resource_id: str) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.lookup(), kind=self.kind, **kwargs)

    def post(self, request, **kwargs):
        resource_id = next(iter(kwargs.values()))
        try:
            self.delete(resource_id)
        except CloudError as error:
            messages.error(request, f"Could not delete {self.kind} {resource_id}: "
                                    f"{error.message}")
        else:
            messages.success(request, f"Deleting {self.kind} {resource_id}.")
        return redirect(self.list_url)


class VolumeDeleteView(DeleteView):
    kind = "volume"
    list_url = "django_nova:volumes"

    def lookup(self):
        return self.volumes.volume(self.kwargs["volume_id"])

    def delete(self, resource_id):
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


class SnapshotEditView(VolumeMixin, CloudFormView):
    template_name = "django_nova/volumes/form.html"
    form_class = NameDescriptionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is not None:
            self.snapshot = self.volumes.snapshot(kwargs["snapshot_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name": self.snapshot.name, "description": self.snapshot.description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Edit snapshot", subject=self.snapshot, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        _, ok = self.call_cloud(form, lambda: self.volumes.update_snapshot(
            self.snapshot.id, data["name"], data["description"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Saved snapshot {data['name']}.")
        return redirect("django_nova:snapshots")


class SnapshotDeleteView(DeleteView):
    kind = "snapshot"
    list_url = "django_nova:snapshots"

    def lookup(self):
        return self.volumes.snapshot(self.kwargs["snapshot_id"])

    def delete(self, resource_id):
        self.volumes.delete_snapshot(resource_id)


class VolumeBulkDeleteView(VolumeMixin, BulkDeleteView):
    kind = "volume"
    list_url = "django_nova:volumes"

    def delete_one(self, resource_id):
        self.volumes.delete(resource_id)


class SnapshotBulkDeleteView(VolumeMixin, BulkDeleteView):
    kind = "snapshot"
    list_url = "django_nova:snapshots"

    def delete_one(self, resource_id):
        self.volumes.delete_snapshot(resource_id)

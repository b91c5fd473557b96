from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..forms import NameDescriptionForm
from ..mixins import ActView, ChangeFormView, Confirmation, ConfirmView, ProjectViewMixin, named
from ..services.volumes import VolumeService
from .forms import ImageEditForm, ImageRegisterForm, ImageUploadForm


class InstanceTypeListView(ProjectViewMixin, TemplateView):
    """The sizes instances come in: EC2 instance types or OpenStack flavors."""

    template_name = "django_nova/flavors/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            instance_types=self.compute.instance_types(),
            label=self.request.nova.capabilities.instance_type_label, **kwargs)


class ImageListView(ProjectViewMixin, TemplateView):
    """The images the project can launch, its own first."""

    template_name = "django_nova/images/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            images=self.compute.launchable_images(),
            registers=self.request.nova.capabilities.registers_from_snapshot,
            uploads=self.request.nova.capabilities.uploads_images, **kwargs)


class ImageFormView(ChangeFormView):
    template_name = "django_nova/images/form.html"
    title = ""
    done_url = "django_nova:images"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class ImageCreateView(ImageFormView):
    """Snapshot an instance into an image of the project."""

    form_class = NameDescriptionForm
    title = gettext_lazy("Create image")

    def get_context_data(self, **kwargs):
        instance = self.compute.instance(self.kwargs["instance_id"])
        return super().get_context_data(subject=instance, **kwargs)

    def act(self, form):
        data = form.cleaned_data
        image_id = self.compute.create_image(self.kwargs["instance_id"], data["name"],
                                             data["description"])
        return _("Creating image %(name)s (%(id)s).") % {"name": data["name"], "id": image_id}


class ImageRegisterView(ImageFormView):
    """EC2: register an image from a snapshot of a root volume."""

    form_class = ImageRegisterForm
    title = gettext_lazy("Register image")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["snapshots"] = VolumeService(self.request.nova).snapshots()
        if snapshot := self.request.GET.get("snapshot"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "snapshot": snapshot}
        return kwargs

    def act(self, form):
        data = form.cleaned_data
        image_id = self.compute.register_image(data["snapshot"], data["name"],
                                               data["description"])
        return _("Registered image %(name)s (%(id)s).") % {"name": data["name"], "id": image_id}


class ImageEditView(ImageFormView):
    form_class = ImageEditForm
    title = gettext_lazy("Edit image")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is not None:
            self.image = self.compute.own_image(kwargs["image_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "name_fixed": self.request.nova.capabilities.image_name_fixed}

    def get_initial(self):
        return {"name": self.image.name, "description": self.image.description}

    def conflict_error(self, form, error):
        """The cloud kept an old value (read back after the change): said above the form."""
        return None, error.message

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.image, **kwargs)

    def act(self, form):
        data = form.cleaned_data
        saved = self.compute.update_image(self.image.id, data["name"], data["description"])
        return _("Saved image %(name)s.") % {"name": saved.name}


class ImageVisibilityView(ActView):
    def load(self, image_id):
        self.image_id, self.public = image_id, self.request.POST.get("public") == "1"

    def cancel_url(self):
        return reverse("django_nova:images")

    def doing(self):
        # Translators: follows "Could not" (changing an image's visibility); id is the image's.
        return _("change %(id)s") % {"id": self.image_id}

    def perform(self):
        self.compute.set_image_public(self.image_id, self.public)
        if self.public:
            return _("%(id)s is now public.") % {"id": self.image_id}
        return _("%(id)s is now private.") % {"id": self.image_id}


class ImageDeleteView(ConfirmView):
    def load(self, image_id):
        self.image = self.compute.own_image(image_id)

    def cancel_url(self):
        return reverse("django_nova:images")

    def doing(self):
        # Translators: follows "Could not"; id is the image's id.
        return _("delete %(id)s") % {"id": self.image.id}

    def confirmation(self):
        return Confirmation(
            title=_("Delete image %(name)s") % {"name": self.image.name},
            question=format_html(_("Delete image {name}?"), name=named(self.image.name)),
            explanation=format_html(_("{id} can no longer be launched. Running instances made "
                                      "from it keep running."),
                                    id=format_html("<code>{}</code>", self.image.id)),
            # Translators: the button that deletes an image.
            submit=_("Delete"), submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        self.compute.delete_image(self.image.id)
        return _("Deleted image %(id)s.") % {"id": self.image.id}


class ImageUploadView(ImageFormView):
    """Upload an image file. The page's script sends it with a progress bar and gets
    JSON back (a place to go, or field errors); without script it is a plain form."""

    form_class = ImageUploadForm
    title = gettext_lazy("Upload image")
    template_name = "django_nova/images/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if (request.user.is_authenticated and request.nova.project is not None
                and not self.request.nova.capabilities.uploads_images):
            raise Http404("This cloud does not take image uploads.")
        return super().dispatch(request, *args, **kwargs)

    def wants_json(self) -> bool:
        return self.request.headers.get("X-Requested-With") == "XMLHttpRequest"

    def form_invalid(self, form):
        if self.wants_json():
            return JsonResponse({"errors": {field: [str(e) for e in errors]
                                            for field, errors in form.errors.items()}},
                                status=400)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        image_id, ok = self.call_cloud(form, lambda: self.compute.upload_image(
            data["name"], data["file"], data["disk_format"], data["container_format"],
            data["min_disk_gb"], data["min_ram_mb"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Uploaded image %(name)s (%(id)s).") % {
            "name": data["name"], "id": image_id})
        if self.wants_json():
            return JsonResponse({"redirect": reverse("django_nova:images")})
        return redirect("django_nova:images")

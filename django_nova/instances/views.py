from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from ..clouds.base import ACTIONS
from ..conf import nova_settings
from ..exceptions import CloudError, InvalidInput, NotFound
from ..mixins import ProjectViewMixin
from .forms import InstanceChoiceForm, LaunchForm


class InstanceListView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/instances/list.html"

    def get_context_data(self, **kwargs):
        marker = self.request.GET.get("marker", "")
        show_terminated = self.request.GET.get("terminated") == "1"
        page = self.compute.instances_page(marker=marker, include_terminated=show_terminated)
        return super().get_context_data(
            page=page, instances=page.items, marker=marker, show_terminated=show_terminated,
            poll_seconds=nova_settings()["POLL_SECONDS"], **kwargs)


class InstanceDetailView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/instances/detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            instance=self.compute.instance(self.kwargs["instance_id"]),
            poll_seconds=nova_settings()["POLL_SECONDS"], **kwargs)


class InstanceRowView(InstanceDetailView):
    """One table row, for live status polling while an instance changes state.

    To a polling row (htmx), an instance that is gone (deleted on OpenStack)
    answers with no row, so the row removes itself instead of spinning on a 404.
    """

    template_name = "django_nova/instances/_row.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except NotFound:
            if request.headers.get("HX-Request"):
                return HttpResponse("")
            raise


class InstanceConsoleView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/instances/console.html"

    def get_context_data(self, **kwargs):
        instance, output = self.compute.console_output(self.kwargs["instance_id"])
        return super().get_context_data(instance=instance, output=output, **kwargs)


class InstanceActionView(ProjectViewMixin, View):
    """Start, stop, reboot, pause... (POST only); the row then shows the new state live."""

    http_method_names = ["post"]

    def post(self, request, instance_id, action):
        if action not in ACTIONS or ACTIONS[action].confirm or ACTIONS[action].form_url:
            raise Http404("No such action.")
        label = ACTIONS[action].label.lower()
        try:
            self.compute.act(action, [instance_id])
        except CloudError as error:
            messages.error(request, f"Could not {label} {instance_id}: {error.message}")
        else:
            messages.success(request, f"Asked the cloud to {label} {instance_id}.")
        return redirect(self.safe_next(reverse("django_nova:instances")))


class InstanceTerminateView(ProjectViewMixin, TemplateView):
    """Terminating cannot be undone, so it asks first (GET) and acts on POST."""

    template_name = "django_nova/instances/terminate.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            instance=self.compute.instance(self.kwargs["instance_id"]), **kwargs)

    def post(self, request, instance_id):
        try:
            self.compute.act("terminate", [instance_id])
        except CloudError as error:
            messages.error(request, f"Could not terminate {instance_id}: {error.message}")
        else:
            messages.success(request, f"Terminating {instance_id}.")
        return redirect("django_nova:instances")


class LaunchView(ProjectViewMixin, FormView):
    template_name = "django_nova/instances/launch.html"
    form_class = LaunchForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["options"] = self.compute.launch_options()
        if image := self.request.GET.get("image"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "image": image}
        return kwargs

    def form_valid(self, form):
        try:
            launched = self.compute.launch(form.spec())
        except InvalidInput as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except CloudError as error:
            form.add_error(None, f"{error.title}: {error.message}")
            return self.form_invalid(form)
        names = ", ".join(i.id for i in launched)
        messages.success(self.request, f"Launched {form.cleaned_data['name']} ({names}).")
        return redirect("django_nova:instances")


class InstanceChoiceView(ProjectViewMixin, FormView):
    """An action that needs one choice first: resize (a size) or rebuild (an image)."""

    template_name = "django_nova/instances/choice.html"
    form_class = InstanceChoiceForm
    title = ""
    help_text = ""

    def choices(self, instance) -> list[tuple[str, str]]:
        raise NotImplementedError

    def perform(self, instance_id: str, value: str) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is not None:
            self.instance = self.compute.instance(kwargs["instance_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices(self.instance),
                "label": self.field_label()}

    def field_label(self) -> str:
        return "Image"

    def get_context_data(self, **kwargs):
        return super().get_context_data(instance=self.instance, title=self.title,
                                        help_text=self.help_text, **kwargs)

    def form_valid(self, form):
        try:
            self.perform(self.instance.id, form.cleaned_data["choice"])
        except CloudError as error:
            form.add_error(None, f"{error.title}: {error.message}")
            return self.form_invalid(form)
        messages.success(self.request, f"{self.title} of {self.instance.display_name} started.")
        return redirect("django_nova:instances")


class InstanceResizeView(InstanceChoiceView):
    title = "Resize"
    help_text = ("The instance restarts on the new size; then confirm the resize, "
                 "or revert to the old size.")

    def field_label(self):
        return self.compute.driver.INSTANCE_TYPE_LABEL

    def choices(self, instance):
        return [(t.id, t.label) for t in self.compute.instance_types()
                if t.name != instance.instance_type]

    def perform(self, instance_id, value):
        self.compute.resize(instance_id, value)


class InstanceRebuildView(InstanceChoiceView):
    title = "Rebuild"
    help_text = "The instance is reinstalled from the image: data on its disk is lost."

    def choices(self, instance):
        return [(i.id, i.name) for i in self.compute.launchable_images()]

    def perform(self, instance_id, value):
        self.compute.rebuild(instance_id, value)

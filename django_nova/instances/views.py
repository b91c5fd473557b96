from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .. import audit
from ..conf import nova_settings
from ..mixins import (
    ChangeFormView,
    CloudFormView,
    Confirmation,
    ConfirmView,
    InstanceActionMixin,
    PolledRowMixin,
    ProjectViewMixin,
    call_cloud,
    named,
)
from ..resources import ACTIONS
from ..search import search_for
from ..services.network import NetworkService
from ..services.paging import page_size, page_sizes
from .forms import InstanceChoiceForm, LabelForm, LaunchForm, TagForm


class InstanceListView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/instances/list.html"

    def get_context_data(self, **kwargs):
        marker = self.request.GET.get("marker", "")
        show_terminated = self.request.GET.get("terminated") == "1"
        tag = self.request.GET.get("tag", "").strip()[:256]
        search = search_for(self.request.GET.get("q", ""))
        size = page_size(self.request.GET.get("size", ""))
        page = self.compute.instances_page(marker=marker, include_terminated=show_terminated,
                                           tag=tag, search=search, size=size)
        if self.request.nova.capabilities.has_labels:
            # Translators: completes "Filter by tag: ..." (what to type in the filter box).
            tag_filter_help = _("a server tag")
        else:
            # Translators: completes "Filter by tag: ..." (what to type in the filter box).
            tag_filter_help = _("key or key=value")
        return super().get_context_data(
            page=page, instances=page.items, marker=marker, show_terminated=show_terminated,
            tag=tag, tag_filter_help=tag_filter_help, search=search, size=size,
            page_sizes=page_sizes(), menu_actions=tuple(ACTIONS.values()),
            poll_seconds=nova_settings()["POLL_SECONDS"], **kwargs)


class InstanceDetailView(ProjectViewMixin, TemplateView):
    """The instance page; it also takes its tag and label edits (POST, then back here)."""

    template_name = "django_nova/instances/detail.html"
    # POST "op" -> (form class, service call taking the instance id and the cleaned data)
    TAG_OPS = {
        "set-tag": (TagForm, lambda compute, iid, d: compute.set_tag(iid, d["key"], d["value"])),
        "delete-tag": (TagForm, lambda compute, iid, d: compute.delete_tag(iid, d["key"])),
        "add-label": (LabelForm, lambda compute, iid, d: compute.add_label(iid, d["label"])),
        "remove-label": (LabelForm,
                         lambda compute, iid, d: compute.remove_label(iid, d["label"])),
    }

    def get_context_data(self, **kwargs):
        capabilities = self.request.nova.capabilities
        kwargs.setdefault("tag_form", TagForm())
        kwargs.setdefault("label_form", LabelForm())
        return super().get_context_data(
            instance=self.compute.instance(self.kwargs["instance_id"]),
            poll_seconds=nova_settings()["POLL_SECONDS"], tags_label=capabilities.tags_label,
            has_labels=capabilities.has_labels, **kwargs)

    def post(self, request, instance_id):
        op = request.POST.get("op", "")
        if op not in self.TAG_OPS:
            raise Http404("No such change.")
        form_class, change = self.TAG_OPS[op]
        form = form_class(request.POST)
        if op == "delete-tag":
            form.fields["value"].required = False
        if form.is_valid():
            _result, ok = call_cloud(form, lambda: change(self.compute, instance_id,
                                                          form.cleaned_data))
            if ok:
                messages.success(request, _("Saved."))
                return redirect("django_nova:instance", instance_id=instance_id)
        key = "label_form" if form_class is LabelForm else "tag_form"
        return self.render_to_response(self.get_context_data(**{key: form}), status=400)


class InstanceRowView(PolledRowMixin, InstanceDetailView):
    template_name = "django_nova/instances/_row.html"


class InstanceConsoleView(ProjectViewMixin, TemplateView):
    template_name = "django_nova/instances/console.html"

    def get_context_data(self, **kwargs):
        instance, output = self.compute.console_output(self.kwargs["instance_id"])
        return super().get_context_data(instance=instance, output=output, **kwargs)


class InstanceActionView(InstanceActionMixin, ProjectViewMixin, TemplateView):
    """Start, stop, reboot, pause... of one instance; the row then shows the new state live."""

    def load(self, instance_id, action):
        super().load(action)
        self.instance_id = instance_id

    def cancel_url(self):
        return self.safe_next(reverse("django_nova:instances"))


class InstanceTerminateView(ConfirmView):
    """Terminating cannot be undone, so it asks first."""

    def load(self, instance_id):
        self.instance = self.compute.instance(instance_id)

    def cancel_url(self):
        return reverse("django_nova:instances")

    def doing(self):
        # Translators: follows "Could not"; id is the instance's id.
        return _("terminate %(id)s") % {"id": self.instance.id}

    def confirmation(self):
        return Confirmation(
            title=_("Terminate %(name)s") % {"name": self.instance.display_name},
            question=format_html(_("Terminate {name}?"), name=named(self.instance.display_name)),
            explanation=format_html(_("Instance {id} and its instance-store data will be "
                                      "deleted. This cannot be undone."),
                                    id=format_html("<code>{}</code>", self.instance.id)),
            # Translators: the button that terminates (deletes) an instance.
            submit=_("Terminate"), submit_id="confirm-terminate", cancel_url=self.cancel_url())

    def perform(self):
        self.compute.act("terminate", [self.instance.id])
        # Translators: success message; id is the instance's id.
        return _("Terminating %(id)s.") % {"id": self.instance.id}


class LaunchView(CloudFormView):
    template_name = "django_nova/instances/launch.html"
    form_class = LaunchForm
    conflict_field = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        options = kwargs["options"] = self.compute.launch_options()
        if self.request.nova.capabilities.has_networks:
            kwargs["networks"] = NetworkService(self.request.nova).launch_networks()
        initial = dict(kwargs.get("initial", {}))
        if like := self.request.GET.get("like"):
            initial.update(self.like(self.compute.instance(like), options))
        if image := self.request.GET.get("image"):
            initial["image"] = image
        kwargs["initial"] = initial
        return kwargs

    @staticmethod
    def like(instance, options) -> dict:
        """Launch more like this: the form filled in from an existing instance."""
        types = {t.name: t.id for t in options.instance_types}
        groups = {g.name: g.id for g in options.security_groups}
        return {
            "name": f"{instance.display_name}-copy"[:255], "image": instance.image_id,
            "instance_type": types.get(instance.instance_type, instance.instance_type),
            "key_name": instance.key_name, "availability_zone": instance.availability_zone,
            "security_groups": [groups[g] for g in instance.security_groups if g in groups],
        }

    def form_valid(self, form):
        launched, ok = self.call_cloud(form, lambda: self.compute.launch(form.spec()))
        if not ok:
            return self.form_invalid(form)
        names = ", ".join(i.id for i in launched)
        messages.success(self.request, _("Launched %(name)s (%(ids)s).") % {
            "name": form.cleaned_data["name"], "ids": names})
        return redirect("django_nova:instances")


class InstanceChoiceView(ChangeFormView):
    """An action that needs one choice first: resize (a size) or rebuild (an image)."""

    template_name = "django_nova/instances/choice.html"
    form_class = InstanceChoiceForm
    conflict_field = None
    done_url = "django_nova:instances"
    title = ""
    help_text = ""
    # The success message: %(name)s is the instance's.
    started = ""

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
                "label": self.field_label(), "empty_label": self.empty_label()}

    def field_label(self) -> str:
        return _("Image")

    def empty_label(self) -> str | None:
        """The choice list's empty entry (None: "Choose" and the label)."""
        return _("Choose image")

    def get_context_data(self, **kwargs):
        return super().get_context_data(instance=self.instance, title=self.title,
                                        help_text=self.help_text, **kwargs)

    def act(self, form):
        self.perform(self.instance.id, form.cleaned_data["choice"])
        return self.started % {"name": self.instance.display_name}


class InstanceResizeView(InstanceChoiceView):
    # Translators: the page and button that resize an instance (a verb).
    title = gettext_lazy("Resize")
    help_text = gettext_lazy("The instance restarts on the new size; then confirm the resize, "
                             "or revert to the old size.")
    started = gettext_lazy("Resize of %(name)s started.")

    def field_label(self):
        return self.request.nova.capabilities.instance_type_label

    def empty_label(self):
        return None

    def choices(self, instance):
        return [(t.id, t.label) for t in self.compute.instance_types()
                if t.name != instance.instance_type]

    def perform(self, instance_id, value):
        self.compute.resize(instance_id, value)


class InstanceRebuildView(InstanceChoiceView):
    # Translators: the page and button that rebuild an instance (a verb).
    title = gettext_lazy("Rebuild")
    help_text = gettext_lazy("The instance is reinstalled from the image: data on its disk is "
                             "lost.")
    started = gettext_lazy("Rebuild of %(name)s started.")

    def choices(self, instance):
        return [(i.id, i.name) for i in self.compute.launchable_images()]

    def perform(self, instance_id, value):
        self.compute.rebuild(instance_id, value)


MAX_BULK = 50


class InstanceBulkView(ProjectViewMixin, TemplateView):
    """Several instances at once: one confirmation, then a result for each."""

    template_name = "django_nova/instances/bulk.html"
    http_method_names = ["post"]

    def post(self, request):
        action = request.POST.get("action", "")
        ids = list(dict.fromkeys(i for i in request.POST.getlist("ids") if i))[:MAX_BULK]
        if action not in ACTIONS or ACTIONS[action].form_url:
            raise Http404("No such action.")
        if not ids:
            audit.not_a_change(request)
            messages.warning(request, _("Select at least one instance first."))
            return redirect("django_nova:instances")
        context = {"action": ACTIONS[action], "ids": ids}
        if request.POST.get("confirmed") == "1":
            context["results"] = self.compute.act_each(action, ids)
        else:
            audit.not_a_change(request)
        return self.render_to_response(self.get_context_data(**context))

"""Cloud-admin pages: every project's instances and volumes; flavors, hypervisors, services.

Admins only (``AdminRequiredMixin``).  Flavors, hypervisors and compute
services exist on OpenStack; an EC2 admin following such a link gets a
readable "not on this cloud" page with status 404.
"""

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..mixins import (
    AdminActView,
    AdminConfirmView,
    AdminRequiredMixin,
    CloudFormView,
    Confirmation,
    InstanceActionMixin,
    named,
    safe_next,
)
from ..services.cloudadmin import CloudAdminService
from .forms import DisableServiceForm, FlavorAccessForm, FlavorForm


class CloudAdminMixin(AdminRequiredMixin):
    @cached_property
    def admin(self) -> CloudAdminService:
        return CloudAdminService(self.request.nova)

    def back_to(self, name: str) -> str:
        """The page's own ``next`` (same site only), else the named list."""
        return safe_next(self.request, reverse(name))


class ComputeAdminMixin(CloudAdminMixin):
    """Pages of Nova's admin APIs: other clouds answer with a readable 404 page."""

    def dispatch(self, request, *args, **kwargs):
        if (request.user.is_authenticated and request.nova.is_cloud_admin
                and not self.admin.has_compute_admin):
            return render(request, "django_nova/cloudadmin/not_here.html", status=404)
        return super().dispatch(request, *args, **kwargs)


class AllProjectsListView(CloudAdminMixin, TemplateView):
    """Every project's instances or volumes, filtered to one project on request."""

    def page(self, marker: str, project_id: str):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        marker = self.request.GET.get("marker", "")[:256]
        project_id = self.request.GET.get("project", "")[:64]
        page = self.page(marker, project_id)
        project = next((p for p in page.projects if p.id == project_id), None)
        return super().get_context_data(
            page=page, marker=marker, project_id=project_id, project=project,
            one_call=self.admin.lists_all_projects, **kwargs)


class AllInstancesView(AllProjectsListView):
    template_name = "django_nova/cloudadmin/instances.html"

    def page(self, marker, project_id):
        return self.admin.instances_page(marker=marker, project_id=project_id)


class AllVolumesView(AllProjectsListView):
    template_name = "django_nova/cloudadmin/volumes.html"

    def page(self, marker, project_id):
        return self.admin.volumes_page(marker=marker, project_id=project_id)


class AdminInstanceActionView(CloudAdminMixin, InstanceActionMixin, AdminRequiredMixin,
                              TemplateView):
    """A row action on any project's instance (the same actions, and confirmations, as the
    instances page)."""

    def load(self, project_id, instance_id, action):
        super().load(action)
        self.compute = self.admin.compute_for(project_id)  # an unknown project is a 404
        self.instance_id = instance_id

    def cancel_url(self):
        return self.back_to("django_nova:admin-instances")


class ConfirmView(CloudAdminMixin, AdminConfirmView):
    """Ask first (GET), act on POST, then back to the list with a message.

    Each view says it in whole sentences: ``title`` (%(name)s), ``question``
    (format_html, {name}), the button ``submit``, ``doing`` for "Could not ..."
    (%(id)s) and the success message ``done`` (%(id)s).
    """

    list_url = ""
    title = ""
    question = ""
    submit = ""
    doing_text = ""
    done = ""

    def subject(self):
        """(name, id, what happens)."""
        raise NotImplementedError

    def act(self) -> None:
        raise NotImplementedError

    def load(self, **kwargs):
        self.name, self.subject_id, self.warning = self.subject()

    def cancel_url(self):
        return reverse(self.list_url)

    def doing(self):
        return self.doing_text % {"id": self.subject_id}

    def confirmation(self):
        return Confirmation(
            title=self.title % {"name": self.name},
            question=format_html(self.question, name=named(self.name)),
            explanation=format_html("<code>{}</code>. {}", self.subject_id, self.warning),
            submit=self.submit, submit_id="confirm", cancel_url=self.cancel_url())

    def perform(self):
        self.act()
        return self.done % {"id": self.subject_id}


class AdminInstanceTerminateView(ConfirmView):
    list_url = "django_nova:admin-instances"
    title = gettext_lazy("Terminate instance %(name)s")
    question = gettext_lazy("Terminate instance {name}?")
    # Translators: the button that terminates (deletes) an instance.
    submit = gettext_lazy("Terminate")
    # Translators: follows "Could not"; id is the instance's id.
    doing_text = gettext_lazy("terminate %(id)s")
    # Translators: success message; id is the instance's id.
    done = gettext_lazy("Terminate: %(id)s.")

    def subject(self):
        instance = self.admin.compute_for(self.kwargs["project_id"]).instance(
            self.kwargs["instance_id"])
        return (instance.display_name, instance.id,
                _("The instance and its local disks are deleted. This cannot be undone."))

    def act(self):
        self.admin.act(self.kwargs["project_id"], "terminate", self.kwargs["instance_id"])


class AdminVolumeDeleteView(ConfirmView):
    list_url = "django_nova:admin-volumes"
    title = gettext_lazy("Delete volume %(name)s")
    question = gettext_lazy("Delete volume {name}?")
    # Translators: the button that deletes a volume.
    submit = gettext_lazy("Delete")
    # Translators: follows "Could not"; id is the volume's id.
    doing_text = gettext_lazy("delete %(id)s")
    # Translators: success message; id is the volume's id.
    done = gettext_lazy("Delete: %(id)s.")

    @cached_property
    def volumes(self):
        return self.admin.volumes_for(self.kwargs["project_id"])

    def subject(self):
        volume = self.volumes.volume(self.kwargs["volume_id"])
        return (volume.display_name, volume.id,
                _("The volume (%(size)s GB) and its data are deleted. This cannot be undone.")
                % {"size": volume.size_gb})

    def act(self):
        self.volumes.delete(self.kwargs["volume_id"])


# Flavors
class FlavorListView(ComputeAdminMixin, TemplateView):
    template_name = "django_nova/cloudadmin/flavors.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(flavors=self.admin.flavors(), **kwargs)


class AdminFormView(ComputeAdminMixin, CloudFormView):
    template_name = "django_nova/cloudadmin/form.html"
    title = ""
    # Translators: the button of a form that saves changes.
    submit = gettext_lazy("Save")
    cancel_url = "django_nova:admin-flavors"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, submit=self.submit,
                                        cancel_url=self.cancel_url, **kwargs)


class FlavorCreateView(AdminFormView):
    form_class = FlavorForm
    title = gettext_lazy("Create flavor")
    # Translators: the button that creates a flavor.
    submit = gettext_lazy("Create")

    def form_valid(self, form):
        data = form.cleaned_data
        flavor, ok = self.call_cloud(form, lambda: self.admin.create_flavor(
            data["name"], data["vcpus"], data["ram_mb"], data["disk_gb"], data["is_public"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Created flavor %(name)s.") % {"name": flavor.name})
        if not flavor.is_public:
            return redirect("django_nova:admin-flavor-access", flavor_id=flavor.id)
        return redirect("django_nova:admin-flavors")


class FlavorDeleteView(ComputeAdminMixin, ConfirmView):
    list_url = "django_nova:admin-flavors"
    title = gettext_lazy("Delete flavor %(name)s")
    question = gettext_lazy("Delete flavor {name}?")
    # Translators: the button that deletes a flavor.
    submit = gettext_lazy("Delete")
    # Translators: follows "Could not"; id is the flavor's id.
    doing_text = gettext_lazy("delete %(id)s")
    # Translators: success message; id is the flavor's id.
    done = gettext_lazy("Delete: %(id)s.")

    def subject(self):
        flavor = self.admin.flavor(self.kwargs["flavor_id"])
        return (flavor.name, flavor.id,
                _("Instances already running on it keep running; nobody can launch, "
                  "resize to or rebuild on it any more."))

    def act(self):
        self.admin.delete_flavor(self.kwargs["flavor_id"])


class FlavorAccessView(AdminFormView):
    """Which projects may use a private flavor; add one (POST here) or remove one."""

    template_name = "django_nova/cloudadmin/flavor_access.html"
    form_class = FlavorAccessForm
    submit = gettext_lazy("Give access")

    @cached_property
    def access(self):
        return self.admin.flavor_access(self.kwargs["flavor_id"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "projects": self.access.available}

    def get_context_data(self, **kwargs):
        return super().get_context_data(access=self.access, **kwargs)

    def form_valid(self, form):
        flavor_id, project_id = self.kwargs["flavor_id"], form.cleaned_data["project"]
        _result, ok = self.call_cloud(form, lambda: self.admin.add_flavor_project(flavor_id,
                                                                            project_id))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Gave project %(project)s access to the flavor.")
                         % {"project": project_id})
        return redirect("django_nova:admin-flavor-access", flavor_id=flavor_id)


class FlavorAccessRemoveView(ComputeAdminMixin, AdminActView):
    def load(self, flavor_id, project_id):
        self.flavor_id, self.project_id = flavor_id, project_id

    def cancel_url(self):
        return reverse("django_nova:admin-flavor-access", kwargs={"flavor_id": self.flavor_id})

    def doing(self):
        # Translators: follows "Could not"; project is a project's id.
        return _("remove project %(project)s") % {"project": self.project_id}

    def perform(self):
        self.admin.remove_flavor_project(self.flavor_id, self.project_id)
        return _("Project %(project)s no longer has the flavor.") % {"project": self.project_id}


# Hypervisors and compute services
class HypervisorListView(ComputeAdminMixin, TemplateView):
    template_name = "django_nova/cloudadmin/hypervisors.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(hosts=self.admin.compute_hosts(), **kwargs)


class ServiceDisableView(AdminFormView):
    form_class = DisableServiceForm
    # Translators: the button that disables a compute service.
    submit = gettext_lazy("Disable")
    cancel_url = "django_nova:admin-hypervisors"

    @cached_property
    def service(self):
        service = self.admin.compute_service(self.kwargs["service_id"])
        if service.binary != "nova-compute":
            raise Http404("Only compute services take new instances, so only they are disabled.")
        return service

    @property
    def title(self):
        # Translators: binary is a service's name (nova-compute), host a host's name.
        return _("Disable %(binary)s on %(host)s") % {"binary": self.service.binary,
                                                      "host": self.service.host}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            help_text=_("The scheduler stops placing new instances here; running instances "
                        "keep running."), **kwargs)

    def form_valid(self, form):
        service = self.service
        _result, ok = self.call_cloud(form, lambda: self.admin.set_compute_service(
            service.id, False, form.cleaned_data["reason"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Disabled %(binary)s on %(host)s.") % {
            "binary": service.binary, "host": service.host})
        return redirect("django_nova:admin-hypervisors")


class ServiceEnableView(ComputeAdminMixin, AdminActView):
    def load(self, service_id):
        self.service_id = service_id

    def cancel_url(self):
        return reverse("django_nova:admin-hypervisors")

    def doing(self):
        # Translators: follows "Could not".
        return _("enable the service")

    def perform(self):
        self.admin.set_compute_service(self.service_id, True)
        return _("Enabled the service.")

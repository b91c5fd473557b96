"""Security groups, their rules, an instance's groups, and floating/elastic IPs.

Each page fetches the project's groups once (rules come with them); changes
are POST-only, deletions ask first.  Names and descriptions come from the
cloud and other users, so templates only ever escape them.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from ..exceptions import CloudError, NotFound
from ..mixins import CloudFormView, ProjectViewMixin, cloud_message
from ..resources import SecurityGroup, SecurityGroupRule
from ..services.network import NetworkService
from .forms import (
    DUPLICATE,
    AddressAllocateForm,
    AddressAssociateForm,
    InstanceSecurityGroupsForm,
    NetworkForm,
    RouterForm,
    RouterGatewayForm,
    RouterInterfaceForm,
    RuleForm,
    SecurityGroupForm,
    SubnetForm,
)


@dataclass(frozen=True)
class RuleRow:
    """A rule as the page shows it: its ports and source in words."""

    rule: SecurityGroupRule
    ports: str
    source: str
    # The source group when it is one of the project's (linked on the page).
    source_group: SecurityGroup | None = None


def _ports(rule: SecurityGroupRule) -> str:
    if rule.port_min is None:
        return "any"
    if rule.protocol == "icmp":
        code = "" if rule.port_max is None else f", code {rule.port_max}"
        return f"type {rule.port_min}{code}"
    if rule.port_max is None or rule.port_max == rule.port_min:
        return str(rule.port_min)
    return f"{rule.port_min}–{rule.port_max}"


def rule_row(rule: SecurityGroupRule, groups: list[SecurityGroup]) -> RuleRow:
    if rule.remote_group_id:
        group = next((g for g in groups if g.id == rule.remote_group_id), None)
        return RuleRow(rule, _ports(rule), group.name if group else rule.remote_group_id, group)
    return RuleRow(rule, _ports(rule), rule.remote_cidr or "any address")


class NetworkViewMixin(ProjectViewMixin):
    @cached_property
    def network(self) -> NetworkService:
        return NetworkService(self.request.nova)

    def has_project(self) -> bool:
        return self.request.user.is_authenticated and self.request.nova.project is not None

    def get_context_data(self, **kwargs):
        return super().get_context_data(features=self.network.features, **kwargs)


class GroupViewMixin(NetworkViewMixin):
    """Pages about one group: it (and the project's other groups) fetched once, or 404."""

    def dispatch(self, request, *args, **kwargs):
        if self.has_project():
            self.group, self.groups = self.network.security_group(kwargs["group_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)


class SecurityGroupListView(NetworkViewMixin, TemplateView):
    template_name = "django_nova/network/security_groups.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(security_groups=self.network.security_groups(),
                                        **kwargs)


class SecurityGroupDetailView(GroupViewMixin, TemplateView):
    template_name = "django_nova/network/security_group.html"

    def get_context_data(self, **kwargs):
        rows = [rule_row(r, self.groups) for r in self.group.rules]
        return super().get_context_data(
            ingress=[r for r in rows if r.rule.direction == "ingress"],
            egress=[r for r in rows if r.rule.direction != "ingress"],
            deletion_refusal=self.network.deletion_refusal(self.group, self.groups),
            edit_refusal=self.network.edit_refusal(self.group), **kwargs)


class SecurityGroupCreateView(NetworkViewMixin, CloudFormView):
    template_name = "django_nova/network/security_group_form.html"
    form_class = SecurityGroupForm
    extra_context = {"title": "Create security group", "submit": "Create"}
    invalid_field = "name"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "features": self.network.features}

    def form_valid(self, form):
        data = form.cleaned_data
        group, ok = self.call_cloud(form, lambda: self.network.create_security_group(
            data["name"], data["description"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Created security group {group.name}. "
                                       "It has no ingress rules yet: add the ones you need.")
        return redirect("django_nova:security-group", group.id)


class SecurityGroupEditView(GroupViewMixin, CloudFormView):
    """Rename or describe a group, where the cloud allows it (Neutron; not EC2)."""

    template_name = "django_nova/network/security_group_form.html"
    form_class = SecurityGroupForm
    extra_context = {"title": "Edit security group", "submit": "Save"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "features": self.network.features}

    def get_initial(self):
        return {"name": self.group.name, "description": self.group.description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(refusal=self.network.edit_refusal(self.group), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        _, ok = self.call_cloud(form, lambda: self.network.update_security_group(
            self.group.id, data["name"], data["description"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Saved security group {data['name']}.")
        return redirect("django_nova:security-group", self.group.id)


class SecurityGroupDeleteView(GroupViewMixin, TemplateView):
    template_name = "django_nova/network/security_group_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            refusal=self.network.deletion_refusal(self.group, self.groups), **kwargs)

    def post(self, request, group_id):
        try:
            group = self.network.delete_security_group(group_id)
        except NotFound:
            raise
        except CloudError as error:
            messages.error(request, f"Could not delete security group {self.group.name}: "
                                    f"{error.message}")
            return redirect("django_nova:security-group", group_id)
        messages.success(request, f"Deleted security group {group.name}.")
        return redirect("django_nova:security-groups")


class RuleAddView(GroupViewMixin, CloudFormView):
    template_name = "django_nova/network/rule_form.html"
    form_class = RuleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.group, "groups": self.groups,
                "features": self.network.features}

    def conflict_error(self, form, error):
        # The cloud's duplicate check (EC2 InvalidPermission.Duplicate, Neutron 409):
        # a rule added since the page loaded, or one the cloud counts as the same.
        return form.source_field, DUPLICATE

    def form_valid(self, form):
        _, ok = self.call_cloud(form, lambda: self.network.add_rule(self.group, form.rule()))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Added the rule to {self.group.name}.")
        return redirect("django_nova:security-group", self.group.id)


class RuleDeleteView(NetworkViewMixin, TemplateView):
    template_name = "django_nova/network/rule_delete.html"

    def get_context_data(self, **kwargs):
        group, rule, groups = self.network.rule(self.kwargs["group_id"], self.kwargs["rule_id"])
        return super().get_context_data(group=group, row=rule_row(rule, groups), **kwargs)

    def post(self, request, group_id, rule_id):
        try:
            self.network.delete_rule(group_id, rule_id)
        except NotFound:
            raise
        except CloudError as error:
            messages.error(request, f"Could not remove the rule: {error.message}")
        else:
            messages.success(request, "Removed the rule.")
        return redirect("django_nova:security-group", group_id)


class InstanceSecurityGroupsView(NetworkViewMixin, CloudFormView):
    """Choose an instance's groups: the current ones are checked."""

    template_name = "django_nova/network/instance_security_groups.html"
    form_class = InstanceSecurityGroupsForm

    def dispatch(self, request, *args, **kwargs):
        if self.has_project():
            self.instance, self.groups = self.network.instance_security_groups(
                kwargs["instance_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "groups": self.groups,
                "features": self.network.features}

    def get_initial(self):
        known = {g.id for g in self.groups}
        return {"groups": [g for g in self.instance.security_group_ids if g in known]}

    def get_context_data(self, **kwargs):
        known = {g.id for g in self.groups}
        return super().get_context_data(
            instance=self.instance,
            foreign=[g for g in self.instance.security_group_ids if g not in known], **kwargs)

    def form_valid(self, form):
        chosen = form.cleaned_data["groups"]
        _, ok = self.call_cloud(form, lambda: self.network.set_instance_security_groups(
            self.instance, chosen, self.groups))
        if not ok:
            return self.form_invalid(form)
        names = ", ".join(g.name for g in self.groups if g.id in chosen) or "no groups"
        messages.success(self.request,
                         f"{self.instance.display_name} is now in {names}.")
        return redirect("django_nova:instance", self.instance.id)


# Floating / elastic IPs

class AddressListView(NetworkViewMixin, TemplateView):
    template_name = "django_nova/network/addresses.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(addresses=self.network.addresses(), **kwargs)


class AddressAllocateView(NetworkViewMixin, CloudFormView):
    template_name = "django_nova/network/address_form.html"
    form_class = AddressAllocateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pools": self.network.address_pools()}

    def get_context_data(self, **kwargs):
        noun = self.network.features.address_noun
        return super().get_context_data(title=f"Allocate {noun}", submit="Allocate", **kwargs)

    def form_valid(self, form):
        address, ok = self.call_cloud(form, lambda: self.network.allocate_address(
            form.cleaned_data.get("pool", "")))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Allocated {self.network.features.address_noun} "
                                       f"{address.ip}.")
        return redirect("django_nova:addresses")


class AddressViewMixin(NetworkViewMixin):
    """Pages about one of the project's addresses (``self.address``), or 404."""

    def dispatch(self, request, *args, **kwargs):
        if self.has_project():
            self.address = self.network.address(kwargs["address_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(address=self.address, **kwargs)


class AddressAssociateView(AddressViewMixin, CloudFormView):
    template_name = "django_nova/network/address_form.html"
    form_class = AddressAssociateForm

    @cached_property
    def targets(self):
        return [] if self.address.associated else self.network.address_targets()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "targets": self.targets}

    def get_context_data(self, **kwargs):
        refusal = (f"{self.address.ip} is already associated with "
                   f"{self.address.instance_label or self.address.port_id}: disassociate it "
                   "first." if self.address.associated else "")
        return super().get_context_data(
            title=f"Associate {self.address.ip}", submit="Associate", refusal=refusal, **kwargs)

    def form_valid(self, form):
        target, ok = self.call_cloud(form, lambda: self.network.associate_address(
            self.address, form.cleaned_data["target"], self.targets), field="target")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Associated {self.address.ip} with {target.label}.")
        return redirect("django_nova:addresses")


class AddressDisassociateView(NetworkViewMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, address_id):
        try:
            address = self.network.disassociate_address(address_id)
        except NotFound:
            raise
        except CloudError as error:
            messages.error(request, f"Could not disassociate: {cloud_message(error)}")
        else:
            messages.success(request, f"Disassociated {address.ip} from "
                                      f"{address.instance_label or address.port_id}.")
        return redirect("django_nova:addresses")


class AddressReleaseView(AddressViewMixin, TemplateView):
    template_name = "django_nova/network/address_release.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(refusal=self.network.release_refusal(self.address),
                                        **kwargs)

    def post(self, request, address_id):
        try:
            address = self.network.release_address(address_id)
        except NotFound:
            raise
        except CloudError as error:
            messages.error(request, f"Could not release {self.address.ip}: "
                                    f"{cloud_message(error)}")
            return redirect("django_nova:addresses")
        messages.success(request, f"Released {self.network.features.address_noun} "
                                  f"{address.ip}.")
        return redirect("django_nova:addresses")


# Networks, subnets and routers (Neutron; 404 on clouds without them)

class NeutronViewMixin(NetworkViewMixin):
    """Pages that exist only where the driver has networks (``HAS_NETWORKS``)."""

    def dispatch(self, request, *args, **kwargs):
        if self.has_project():
            if not request.nova.driver.HAS_NETWORKS:
                raise Http404("This cloud has no networks to manage here.")
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch what the page is about (or raise NotFound) before anything else."""


class NeutronFormView(NeutronViewMixin, CloudFormView):
    """A form page: cloud refusals land on the form, the user's input is kept."""

    template_name = "django_nova/network/network_form.html"
    title = ""
    submit = "Save"
    back = "networks"  # URL name of the list the page belongs to
    back_label = "Networks"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, submit=self.submit,
                                        back_url=reverse(f"django_nova:{self.back}"),
                                        back_label=self.back_label, **kwargs)


class NeutronConfirmView(NeutronViewMixin, TemplateView):
    """A GET confirm page and the POST that does it."""

    template_name = "django_nova/network/network_confirm.html"
    back = "networks"
    back_label = "Networks"

    def confirm_context(self) -> dict:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=reverse(f"django_nova:{self.back}"),
                                        back_label=self.back_label,
                                        **self.confirm_context(), **kwargs)

    def perform(self) -> str:
        """Do it; return the success message (CloudError: shown as an error)."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            done = self.perform()
        except NotFound:
            raise
        except CloudError as error:
            messages.error(request, cloud_message(error))
        else:
            messages.success(request, done)
        return redirect(f"django_nova:{self.back}")


class NetworkListView(NeutronViewMixin, TemplateView):
    template_name = "django_nova/network/networks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(networks=self.network.networks(), **kwargs)


class NetworkCreateView(NeutronFormView):
    form_class = NetworkForm
    title = "Create network"
    submit = "Create"

    def form_valid(self, form):
        subnet_request = form.subnet_request()
        made, ok = self.call_cloud(form, lambda: self.network.create_network(
            form.cleaned_data["name"], subnet_request),
            field="cidr" if subnet_request else "name")
        if not ok:
            return self.form_invalid(form)
        network, subnet = made
        extra = f" with subnet {subnet.cidr}" if subnet else ""
        messages.success(self.request, f"Created network {network.label}{extra}.")
        return redirect("django_nova:networks")


class NetworkDeleteView(NeutronConfirmView):
    def load(self, network_id):
        self.net = self.network.network(network_id)

    def confirm_context(self):
        subnets = ", ".join(s.cidr for s in self.net.subnets)
        return {"title": f"Delete network {self.net.label}?",
                "subject": self.net.label, "subject_id": self.net.id,
                "body": "The network and its subnets"
                        + (f" ({subnets})" if subnets else "") + " are deleted.",
                "refusal": self.network.network_deletion_refusal(self.net),
                "submit": "Delete network"}

    def perform(self):
        network = self.network.delete_network(self.net.id)
        return f"Deleted network {network.label}."


class SubnetCreateView(NeutronFormView):
    form_class = SubnetForm
    submit = "Add subnet"

    def load(self, network_id):
        self.net = self.network.network(network_id)
        self.title = f"Add a subnet to {self.net.label}"

    def form_valid(self, form):
        made, ok = self.call_cloud(form, lambda: self.network.create_subnet(
            self.net.id, form.subnet_request()), field="cidr")
        if not ok:
            return self.form_invalid(form)
        _, subnet = made
        messages.success(self.request, f"Added subnet {subnet.cidr} to {self.net.label}.")
        return redirect("django_nova:networks")


class SubnetDeleteView(NeutronConfirmView):
    def load(self, subnet_id):
        self.subnet = self.network.subnet(subnet_id)

    def confirm_context(self):
        label = self.subnet.name or self.subnet.cidr
        return {"title": f"Delete subnet {label}?", "subject": label,
                "subject_id": self.subnet.id,
                "body": f"The subnet {self.subnet.cidr} is deleted; its network stays.",
                "refusal": "", "submit": "Delete subnet"}

    def perform(self):
        subnet = self.network.delete_subnet(self.subnet.id)
        return f"Deleted subnet {subnet.name or subnet.cidr}."


class RouterListView(NeutronViewMixin, TemplateView):
    template_name = "django_nova/network/routers.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(routers=self.network.routers(), **kwargs)


class RouterCreateView(NeutronFormView):
    form_class = RouterForm
    title = "Create router"
    submit = "Create"
    back = "routers"
    back_label = "Routers"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "networks": self.network.external_networks()}

    def form_valid(self, form):
        data = form.cleaned_data
        router, ok = self.call_cloud(form, lambda: self.network.create_router(
            data["name"], data["external_network"]), field="name")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Created router {router.label}.")
        return redirect("django_nova:routers")


class RouterMixin:
    """Pages about one of the project's routers (``self.router``), or 404."""

    back = "routers"
    back_label = "Routers"

    def load(self, router_id, **kwargs):
        self.router, self.networks = self.network.router(router_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(router=self.router, **kwargs)


class RouterGatewayView(RouterMixin, NeutronFormView):
    form_class = RouterGatewayForm
    submit = "Save gateway"

    def load(self, router_id):
        super().load(router_id)
        self.title = f"External gateway of {self.router.label}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "networks": self.networks}

    def get_initial(self):
        return {"external_network": self.router.external_network_id}

    def form_valid(self, form):
        chosen = form.cleaned_data["external_network"]
        _, ok = self.call_cloud(form, lambda: self.network.set_router_gateway(
            self.router, chosen, self.networks), field="external_network")
        if not ok:
            return self.form_invalid(form)
        name = next((n.label for n in self.networks if n.id == chosen), chosen)
        messages.success(self.request, f"{self.router.label} now reaches the outside through "
                                       f"{name}." if chosen else
                         f"Cleared the gateway of {self.router.label}.")
        return redirect("django_nova:routers")


class RouterInterfaceAddView(RouterMixin, NeutronFormView):
    form_class = RouterInterfaceForm
    submit = "Add interface"

    def load(self, router_id):
        super().load(router_id)
        self.title = f"Add an interface to {self.router.label}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "router": self.router, "networks": self.networks}

    def form_valid(self, form):
        subnet, ok = self.call_cloud(form, lambda: self.network.add_router_interface(
            self.router, form.cleaned_data["subnet"], self.networks), field="subnet")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, f"Added an interface on {subnet.cidr} to "
                                       f"{self.router.label}.")
        return redirect("django_nova:routers")


class RouterInterfaceRemoveView(RouterMixin, NeutronConfirmView):
    def load(self, router_id, subnet_id):
        super().load(router_id)
        self.interface = self.network.router_interface(self.router, subnet_id)

    def confirm_context(self):
        subnet = self.interface.subnet
        where = subnet.cidr if subnet else self.interface.subnet_id
        return {"title": f"Remove the interface on {where} from {self.router.label}?",
                "subject": self.router.label, "subject_id": self.router.id,
                "body": f"Instances on {where} no longer reach other subnets or the outside "
                        "through this router.",
                "refusal": "", "submit": "Remove interface"}

    def perform(self):
        self.network.remove_router_interface(self.router, self.interface.subnet_id)
        return f"Removed the interface from {self.router.label}."


class RouterDeleteView(RouterMixin, NeutronConfirmView):
    def confirm_context(self):
        count = len(self.router.interfaces)
        body = "The router is deleted."
        if count:
            body = (f"Its {count} interface{'s are' if count > 1 else ' is'} removed first, "
                    "then the router is deleted.")
        return {"title": f"Delete router {self.router.label}?", "subject": self.router.label,
                "subject_id": self.router.id, "body": body, "refusal": "",
                "submit": "Delete router"}

    def perform(self):
        router = self.network.delete_router(self.router.id)
        return f"Deleted router {router.label}."

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
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.views.generic import TemplateView

from ..mixins import ActView, CloudFormView, Confirmation, ConfirmView, ProjectViewMixin
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


class SecurityGroupDeleteView(NetworkViewMixin, ConfirmView):
    def load(self, group_id):
        self.group, self.groups = self.network.security_group(group_id)

    def cancel_url(self):
        return reverse("django_nova:security-group", args=[self.group.id])

    def done_url(self):
        return reverse("django_nova:security-groups")

    def doing(self):
        return f"delete security group {self.group.name}"

    def confirmation(self):
        group, count = self.group, len(self.group.rules)
        return Confirmation(
            title=f"Delete {group.name or group.id}",
            question=format_html('Delete security group <span class="nova-name">{}</span>?',
                                 group.name or group.id),
            explanation=format_html("Group <code>{}</code> and its {} rule{} will be deleted. "
                                    "The cloud refuses while instances use it.", group.id, count,
                                    pluralize(count)),
            refusal=self.network.deletion_refusal(group, self.groups),
            refusal_id="delete-refusal", back_label="Back to the group",
            submit="Delete", submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        group = self.network.delete_security_group(self.group.id)
        return f"Deleted security group {group.name}."


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


class RuleDeleteView(NetworkViewMixin, ConfirmView):
    def load(self, group_id, rule_id):
        self.group, self.rule, groups = self.network.rule(group_id, rule_id)
        self.row = rule_row(self.rule, groups)

    def cancel_url(self):
        return reverse("django_nova:security-group", args=[self.group.id])

    def doing(self):
        return "remove the rule"

    def confirmation(self):
        rule, row, name = self.rule, self.row, self.group.name or self.group.id
        source = (format_html('group <span class="nova-name">{}</span>', row.source)
                  if rule.remote_group_id else format_html("<code>{}</code>", row.source))
        return Confirmation(
            title=f"Remove rule from {name}",
            question=format_html('Remove this rule from <span class="nova-name">{}</span>?',
                                 name),
            details=(("Direction", rule.direction),
                     ("Ether type", rule.ether_type or "IPv4 and IPv6"),
                     ("Protocol", rule.protocol), ("Port range", row.ports),
                     ("Source" if rule.direction == "ingress" else "Destination", source)),
            explanation="Traffic this rule admits is cut off at once for every instance in "
                        "the group.",
            submit="Remove", submit_id="confirm-remove", cancel_url=self.cancel_url())

    def perform(self):
        self.network.delete_rule(self.group.id, self.rule.id)
        return "Removed the rule."


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


class AddressDisassociateView(NetworkViewMixin, ActView):
    def load(self, address_id):
        self.address = self.network.address(address_id)

    def cancel_url(self):
        return reverse("django_nova:addresses")

    def doing(self):
        return "disassociate"

    def perform(self):
        address = self.network.disassociate_address(self.address.id)
        return f"Disassociated {address.ip} from {address.instance_label or address.port_id}."


class AddressReleaseView(NetworkViewMixin, ConfirmView):
    def load(self, address_id):
        self.address = self.network.address(address_id)

    def cancel_url(self):
        return reverse("django_nova:addresses")

    def doing(self):
        return f"release {self.address.ip}"

    def confirmation(self):
        features, address = self.network.features, self.address
        return Confirmation(
            title=f"Release {address.ip}",
            question=format_html("Release {} <code>{}</code>?", features.address_noun,
                                 address.ip),
            explanation=format_html("The address <code>{}</code> ({}) goes back to the cloud; "
                                    "you may not get it again.", address.ip, address.id),
            refusal=self.network.release_refusal(address), refusal_id="release-refusal",
            back_label=f"Back to {features.address_label}",
            alternatives=((reverse("django_nova:address-disassociate", args=[address.id]),
                           "disassociate", "Disassociate"),),
            submit="Release", submit_id="confirm-release", cancel_url=self.cancel_url())

    def perform(self):
        address = self.network.release_address(self.address.id)
        return f"Released {self.network.features.address_noun} {address.ip}."


# Networks, subnets and routers (Neutron; 404 on clouds without them)

class NeutronViewMixin(NetworkViewMixin):
    """Pages that exist only where the cloud has networks (``has_networks``)."""

    def dispatch(self, request, *args, **kwargs):
        if self.has_project() and not request.nova.capabilities.has_networks:
            raise Http404("This cloud has no networks to manage here.")
        return super().dispatch(request, *args, **kwargs)


class NeutronFormView(NeutronViewMixin, CloudFormView):
    """A form page: cloud refusals land on the form, the user's input is kept."""

    template_name = "django_nova/network/network_form.html"
    title = ""
    submit = "Save"
    back = "networks"  # URL name of the list the page belongs to
    back_label = "Networks"

    def dispatch(self, request, *args, **kwargs):
        if self.has_project() and request.nova.capabilities.has_networks:
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch what the page is about (or raise NotFound) before anything else."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, submit=self.submit,
                                        back_url=reverse(f"django_nova:{self.back}"),
                                        back_label=self.back_label, **kwargs)


class NeutronConfirmView(NeutronViewMixin, ConfirmView):
    """A confirm page about a network, subnet or router; back to its list when done."""

    back = "networks"
    back_label = "Networks"

    def cancel_url(self):
        return reverse(f"django_nova:{self.back}")

    def ask(self, title: str, subject_id: str, body: str, submit: str,
            refusal: str = "") -> Confirmation:
        return Confirmation(title=title, question=title, subject_id=subject_id,
                            explanation=body, refusal=refusal, submit=submit,
                            submit_id="confirm-submit", back_label=f"Back to {self.back_label}",
                            cancel_url=self.cancel_url())


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

    def doing(self):
        return f"delete network {self.net.label}"

    def confirmation(self):
        subnets = ", ".join(s.cidr for s in self.net.subnets)
        return self.ask(f"Delete network {self.net.label}?", self.net.id,
                        "The network and its subnets" + (f" ({subnets})" if subnets else "")
                        + " are deleted.", "Delete network",
                        refusal=self.network.network_deletion_refusal(self.net))

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

    def doing(self):
        return f"delete subnet {self.subnet.name or self.subnet.cidr}"

    def confirmation(self):
        return self.ask(f"Delete subnet {self.subnet.name or self.subnet.cidr}?",
                        self.subnet.id,
                        f"The subnet {self.subnet.cidr} is deleted; its network stays.",
                        "Delete subnet")

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

    def doing(self):
        return f"remove the interface from {self.router.label}"

    def confirmation(self):
        subnet = self.interface.subnet
        where = subnet.cidr if subnet else self.interface.subnet_id
        return self.ask(f"Remove the interface on {where} from {self.router.label}?",
                        self.router.id,
                        f"Instances on {where} no longer reach other subnets or the outside "
                        "through this router.", "Remove interface")

    def perform(self):
        self.network.remove_router_interface(self.router, self.interface.subnet_id)
        return f"Removed the interface from {self.router.label}."


class RouterDeleteView(RouterMixin, NeutronConfirmView):
    def doing(self):
        return f"delete router {self.router.label}"

    def confirmation(self):
        count = len(self.router.interfaces)
        body = "The router is deleted."
        if count:
            body = (f"Its {count} interface{'s are' if count > 1 else ' is'} removed first, "
                    "then the router is deleted.")
        return self.ask(f"Delete router {self.router.label}?", self.router.id, body,
                        "Delete router")

    def perform(self):
        router = self.network.delete_router(self.router.id)
        return f"Deleted router {router.label}."

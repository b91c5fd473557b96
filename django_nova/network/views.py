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
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext
from django.views.generic import TemplateView

from ..mixins import (
    CloudFormView,
    Confirmation,
    ConfirmView,
    ProjectViewMixin,
    named,
)
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

    @property
    def protocol(self) -> str:
        # Translators: the protocol of a security group rule that admits every protocol.
        return pgettext("protocol", "any") if self.rule.protocol == "any" else self.rule.protocol


def _ports(rule: SecurityGroupRule) -> str:
    if rule.port_min is None:
        # Translators: the port range of a security group rule that covers all ports.
        return gettext("any")
    if rule.protocol == "icmp":
        if rule.port_max is None:
            # Translators: an ICMP rule's message type (a number).
            return gettext("type %(type)s") % {"type": rule.port_min}
        # Translators: an ICMP rule's message type and code (numbers).
        return gettext("type %(type)s, code %(code)s") % {"type": rule.port_min,
                                                           "code": rule.port_max}
    if rule.port_max is None or rule.port_max == rule.port_min:
        return str(rule.port_min)
    return f"{rule.port_min}–{rule.port_max}"


def rule_row(rule: SecurityGroupRule, groups: list[SecurityGroup]) -> RuleRow:
    if rule.remote_group_id:
        group = next((g for g in groups if g.id == rule.remote_group_id), None)
        return RuleRow(rule, _ports(rule), group.name if group else rule.remote_group_id, group)
    return RuleRow(rule, _ports(rule), rule.remote_cidr or gettext("any address"))


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
    extra_context = {"title": gettext_lazy("Create security group"),
                     "submit": gettext_lazy("Create")}
    invalid_field = "name"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "features": self.network.features}

    def form_valid(self, form):
        data = form.cleaned_data
        group, ok = self.call_cloud(form, lambda: self.network.create_security_group(
            data["name"], data["description"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, gettext(
            "Created security group %(name)s. It has no ingress rules yet: add the ones you "
            "need.") % {"name": group.name})
        return redirect("django_nova:security-group", group.id)


class SecurityGroupEditView(GroupViewMixin, CloudFormView):
    """Rename or describe a group, where the cloud allows it (Neutron; not EC2)."""

    template_name = "django_nova/network/security_group_form.html"
    form_class = SecurityGroupForm
    extra_context = {"title": gettext_lazy("Edit security group"),
                     "submit": gettext_lazy("Save")}

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
        messages.success(self.request,
                         gettext("Saved security group %(name)s.") % {"name": data["name"]})
        return redirect("django_nova:security-group", self.group.id)


class SecurityGroupDeleteView(NetworkViewMixin, ConfirmView):
    def load(self, group_id):
        self.group, self.groups = self.network.security_group(group_id)

    def cancel_url(self):
        return reverse("django_nova:security-group", args=[self.group.id])

    def done_url(self):
        return reverse("django_nova:security-groups")

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete security group %(name)s") % {"name": self.group.name}

    def confirmation(self):
        group, count = self.group, len(self.group.rules)
        return Confirmation(
            title=gettext("Delete %(name)s") % {"name": group.name or group.id},
            question=format_html(gettext("Delete security group {name}?"),
                                 name=named(group.name or group.id)),
            explanation=format_html(ngettext(
                "Group {group} and its {count} rule will be deleted. The cloud refuses while "
                "instances use it.",
                "Group {group} and its {count} rules will be deleted. The cloud refuses while "
                "instances use it.", count),
                group=format_html("<code>{}</code>", group.id), count=count),
            refusal=self.network.deletion_refusal(group, self.groups),
            refusal_id="delete-refusal", back_label=gettext("Back to the group"),
            # Translators: button.
            submit=gettext("Delete"), submit_id="confirm-delete", cancel_url=self.cancel_url())

    def perform(self):
        group = self.network.delete_security_group(self.group.id)
        return gettext("Deleted security group %(name)s.") % {"name": group.name}


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
        messages.success(self.request,
                         gettext("Added the rule to %(name)s.") % {"name": self.group.name})
        return redirect("django_nova:security-group", self.group.id)


class RuleDeleteView(NetworkViewMixin, ConfirmView):
    def load(self, group_id, rule_id):
        self.group, self.rule, groups = self.network.rule(group_id, rule_id)
        self.row = rule_row(self.rule, groups)

    def cancel_url(self):
        return reverse("django_nova:security-group", args=[self.group.id])

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("remove the rule")

    def confirmation(self):
        rule, row, name = self.rule, self.row, self.group.name or self.group.id
        # Translators: a rule's source or destination that is a security group.
        source = (format_html(gettext("group {name}"), name=named(row.source))
                  if rule.remote_group_id else format_html("<code>{}</code>", row.source))
        return Confirmation(
            title=gettext("Remove rule from %(name)s") % {"name": name},
            question=format_html(gettext("Remove this rule from {name}?"), name=named(name)),
            details=((gettext("Direction"), rule.direction),
                     (gettext("Ether type"), rule.ether_type or gettext("IPv4 and IPv6")),
                     (gettext("Protocol"), row.protocol), (gettext("Port range"), row.ports),
                     (gettext("Source") if rule.direction == "ingress"
                      else gettext("Destination"), source)),
            explanation=gettext("Traffic this rule admits is cut off at once for every "
                                "instance in the group."),
            # Translators: button.
            submit=gettext("Remove"), submit_id="confirm-remove", cancel_url=self.cancel_url())

    def perform(self):
        self.network.delete_rule(self.group.id, self.rule.id)
        return gettext("Removed the rule.")


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
        names = ", ".join(g.name for g in self.groups if g.id in chosen) or gettext("no groups")
        messages.success(self.request, gettext("%(instance)s is now in %(groups)s.")
                         % {"instance": self.instance.display_name, "groups": names})
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
        return super().get_context_data(title=gettext("Allocate %(noun)s") % {"noun": noun},
                                        submit=gettext("Allocate"), **kwargs)

    def form_valid(self, form):
        address, ok = self.call_cloud(form, lambda: self.network.allocate_address(
            form.cleaned_data.get("pool", "")))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, gettext("Allocated %(noun)s %(ip)s.") % {
            "noun": self.network.features.address_noun, "ip": address.ip})
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
        refusal = (gettext("%(ip)s is already associated with %(target)s: disassociate it "
                           "first.") % {"ip": self.address.ip,
                                        "target": self.address.instance_label
                                        or self.address.port_id}
                   if self.address.associated else "")
        return super().get_context_data(
            title=gettext("Associate %(ip)s") % {"ip": self.address.ip},
            submit=gettext("Associate"), refusal=refusal, **kwargs)

    def form_valid(self, form):
        target, ok = self.call_cloud(form, lambda: self.network.associate_address(
            self.address, form.cleaned_data["target"], self.targets), field="target")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, gettext("Associated %(ip)s with %(target)s.")
                         % {"ip": self.address.ip, "target": target.label})
        return redirect("django_nova:addresses")


class AddressDisassociateView(NetworkViewMixin, ConfirmView):
    """Whoever reaches the instance at this address loses it, so it asks first."""

    def load(self, address_id):
        self.address = self.network.address(address_id)

    def cancel_url(self):
        return reverse("django_nova:addresses")

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("disassociate")

    def confirmation(self):
        address = self.address
        ip = format_html("<code>{}</code>", address.ip)
        target = address.instance_label or address.port_id
        return Confirmation(
            title=gettext("Disassociate %(ip)s") % {"ip": address.ip},
            question=format_html(gettext("Disassociate {ip} from {target}?"), ip=ip,
                                 target=named(target)),
            explanation=format_html(gettext(
                "Connections to {ip} stop reaching the instance at once. The address stays "
                "in the project, to associate again."), ip=ip),
            refusal="" if address.associated else gettext(
                "%(ip)s is not associated with anything.") % {"ip": address.ip},
            refusal_id="disassociate-refusal",
            submit=gettext("Disassociate"), submit_id="confirm-disassociate", danger=False,
            cancel_url=self.cancel_url())

    def perform(self):
        address = self.network.disassociate_address(self.address.id)
        return gettext("Disassociated %(ip)s from %(target)s.") % {
            "ip": address.ip, "target": address.instance_label or address.port_id}


class AddressReleaseView(NetworkViewMixin, ConfirmView):
    def load(self, address_id):
        self.address = self.network.address(address_id)

    def cancel_url(self):
        return reverse("django_nova:addresses")

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("release %(ip)s") % {"ip": self.address.ip}

    def confirmation(self):
        features, address = self.network.features, self.address
        ip = format_html("<code>{}</code>", address.ip)
        return Confirmation(
            title=gettext("Release %(ip)s") % {"ip": address.ip},
            question=format_html(gettext("Release {noun} {ip}?"), noun=features.address_noun,
                                 ip=ip),
            explanation=format_html(gettext("The address {ip} ({id}) goes back to the cloud; "
                                            "you may not get it again."), ip=ip, id=address.id),
            refusal=self.network.release_refusal(address), refusal_id="release-refusal",
            back_label=gettext("Back to %(label)s") % {"label": features.address_label},
            alternatives=((reverse("django_nova:address-disassociate", args=[address.id]),
                           "disassociate", gettext("Disassociate")),),
            submit=gettext("Release"), submit_id="confirm-release", cancel_url=self.cancel_url())

    def perform(self):
        address = self.network.release_address(self.address.id)
        return gettext("Released %(noun)s %(ip)s.") % {
            "noun": self.network.features.address_noun, "ip": address.ip}


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
    submit = gettext_lazy("Save")
    back = "networks"  # URL name of the list the page belongs to
    back_label = gettext_lazy("Networks")

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
    back_label = gettext_lazy("Networks")

    def cancel_url(self):
        return reverse(f"django_nova:{self.back}")

    def ask(self, title: str, subject_id: str, body: str, submit: str,
            refusal: str = "") -> Confirmation:
        return Confirmation(title=title, question=title, subject_id=subject_id,
                            explanation=body, refusal=refusal, submit=submit,
                            submit_id="confirm-submit",
                            back_label=gettext("Back to %(label)s") % {"label": self.back_label},
                            cancel_url=self.cancel_url())


class NetworkListView(NeutronViewMixin, TemplateView):
    template_name = "django_nova/network/networks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(networks=self.network.networks(), **kwargs)


class NetworkCreateView(NeutronFormView):
    form_class = NetworkForm
    title = gettext_lazy("Create network")
    submit = gettext_lazy("Create")

    def form_valid(self, form):
        subnet_request = form.subnet_request()
        made, ok = self.call_cloud(form, lambda: self.network.create_network(
            form.cleaned_data["name"], subnet_request),
            field="cidr" if subnet_request else "name")
        if not ok:
            return self.form_invalid(form)
        network, subnet = made
        if subnet:
            done = gettext("Created network %(name)s with subnet %(cidr)s.") % {
                "name": network.label, "cidr": subnet.cidr}
        else:
            done = gettext("Created network %(name)s.") % {"name": network.label}
        messages.success(self.request, done)
        return redirect("django_nova:networks")


class NetworkDeleteView(NeutronConfirmView):
    def load(self, network_id):
        self.net = self.network.network(network_id)

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete network %(name)s") % {"name": self.net.label}

    def confirmation(self):
        subnets = ", ".join(s.cidr for s in self.net.subnets)
        body = (gettext("The network and its subnets (%(subnets)s) are deleted.")
                % {"subnets": subnets} if subnets
                else gettext("The network and its subnets are deleted."))
        return self.ask(gettext("Delete network %(name)s?") % {"name": self.net.label},
                        self.net.id, body, gettext("Delete network"),
                        refusal=self.network.network_deletion_refusal(self.net))

    def perform(self):
        network = self.network.delete_network(self.net.id)
        return gettext("Deleted network %(name)s.") % {"name": network.label}


class SubnetCreateView(NeutronFormView):
    form_class = SubnetForm
    submit = gettext_lazy("Add subnet")

    def load(self, network_id):
        self.net = self.network.network(network_id)
        self.title = gettext("Add a subnet to %(network)s") % {"network": self.net.label}

    def form_valid(self, form):
        made, ok = self.call_cloud(form, lambda: self.network.create_subnet(
            self.net.id, form.subnet_request()), field="cidr")
        if not ok:
            return self.form_invalid(form)
        _, subnet = made
        messages.success(self.request, gettext("Added subnet %(cidr)s to %(network)s.")
                         % {"cidr": subnet.cidr, "network": self.net.label})
        return redirect("django_nova:networks")


class SubnetDeleteView(NeutronConfirmView):
    def load(self, subnet_id):
        self.subnet = self.network.subnet(subnet_id)

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete subnet %(name)s") % {"name": self.subnet.name or self.subnet.cidr}

    def confirmation(self):
        return self.ask(gettext("Delete subnet %(name)s?")
                        % {"name": self.subnet.name or self.subnet.cidr},
                        self.subnet.id,
                        gettext("The subnet %(cidr)s is deleted; its network stays.")
                        % {"cidr": self.subnet.cidr},
                        gettext("Delete subnet"))

    def perform(self):
        subnet = self.network.delete_subnet(self.subnet.id)
        return gettext("Deleted subnet %(name)s.") % {"name": subnet.name or subnet.cidr}


class RouterListView(NeutronViewMixin, TemplateView):
    template_name = "django_nova/network/routers.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(routers=self.network.routers(), **kwargs)


class RouterCreateView(NeutronFormView):
    form_class = RouterForm
    title = gettext_lazy("Create router")
    submit = gettext_lazy("Create")
    back = "routers"
    back_label = gettext_lazy("Routers")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "networks": self.network.external_networks()}

    def form_valid(self, form):
        data = form.cleaned_data
        router, ok = self.call_cloud(form, lambda: self.network.create_router(
            data["name"], data["external_network"]), field="name")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request,
                         gettext("Created router %(name)s.") % {"name": router.label})
        return redirect("django_nova:routers")


class RouterMixin:
    """Pages about one of the project's routers (``self.router``), or 404."""

    back = "routers"
    back_label = gettext_lazy("Routers")

    def load(self, router_id, **kwargs):
        self.router, self.networks = self.network.router(router_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(router=self.router, **kwargs)


class RouterGatewayView(RouterMixin, NeutronFormView):
    form_class = RouterGatewayForm
    submit = gettext_lazy("Save gateway")

    def load(self, router_id):
        super().load(router_id)
        self.title = gettext("External gateway of %(router)s") % {"router": self.router.label}

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
        messages.success(self.request, gettext(
            "%(router)s now reaches the outside through %(network)s.") % {
                "router": self.router.label, "network": name} if chosen else
            gettext("Cleared the gateway of %(router)s.") % {"router": self.router.label})
        return redirect("django_nova:routers")


class RouterInterfaceAddView(RouterMixin, NeutronFormView):
    form_class = RouterInterfaceForm
    submit = gettext_lazy("Add interface")

    def load(self, router_id):
        super().load(router_id)
        self.title = gettext("Add an interface to %(router)s") % {"router": self.router.label}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "router": self.router, "networks": self.networks}

    def form_valid(self, form):
        subnet, ok = self.call_cloud(form, lambda: self.network.add_router_interface(
            self.router, form.cleaned_data["subnet"], self.networks), field="subnet")
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, gettext("Added an interface on %(cidr)s to %(router)s.")
                         % {"cidr": subnet.cidr, "router": self.router.label})
        return redirect("django_nova:routers")


class RouterInterfaceRemoveView(RouterMixin, NeutronConfirmView):
    def load(self, router_id, subnet_id):
        super().load(router_id)
        self.interface = self.network.router_interface(self.router, subnet_id)

    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("remove the interface from %(router)s") % {"router": self.router.label}

    def confirmation(self):
        subnet = self.interface.subnet
        where = subnet.cidr if subnet else self.interface.subnet_id
        return self.ask(gettext("Remove the interface on %(subnet)s from %(router)s?")
                        % {"subnet": where, "router": self.router.label},
                        self.router.id,
                        gettext("Instances on %(subnet)s no longer reach other subnets or the "
                                "outside through this router.") % {"subnet": where},
                        gettext("Remove interface"))

    def perform(self):
        self.network.remove_router_interface(self.router, self.interface.subnet_id)
        return gettext("Removed the interface from %(router)s.") % {"router": self.router.label}


class RouterDeleteView(RouterMixin, NeutronConfirmView):
    def doing(self):
        # Translators: completes "Could not …: <the cloud's reason>".
        return gettext("delete router %(name)s") % {"name": self.router.label}

    def confirmation(self):
        count = len(self.router.interfaces)
        body = gettext("The router is deleted.")
        if count:
            body = ngettext(
                "Its %(count)d interface is removed first, then the router is deleted.",
                "Its %(count)d interfaces are removed first, then the router is deleted.",
                count) % {"count": count}
        return self.ask(gettext("Delete router %(name)s?") % {"name": self.router.label},
                        self.router.id, body, gettext("Delete router"))

    def perform(self):
        router = self.network.delete_router(self.router.id)
        return gettext("Deleted router %(name)s.") % {"name": router.label}

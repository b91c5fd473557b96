"""Security groups, their rules, an instance's groups, and floating/elastic IPs.

Each page fetches the project's groups once (rules come with them); changes
are POST-only, deletions ask first.  Names and descriptions come from the
cloud and other users, so templates only ever escape them.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from ..exceptions import CloudError, Conflict, InvalidInput, NotFound
from ..mixins import ProjectViewMixin
from ..resources import SecurityGroup, SecurityGroupRule
from ..services.network import NetworkService
from .forms import (
    DUPLICATE,
    AddressAllocateForm,
    AddressAssociateForm,
    InstanceSecurityGroupsForm,
    RuleForm,
    SecurityGroupForm,
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


def field_error(form, field: str | None, message: str) -> None:
    """A cloud's answer as a form error, marked on its widget like validation errors."""
    form.add_error(field, message)
    if field in form.fields:
        widget = form.fields[field].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


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


class SecurityGroupCreateView(NetworkViewMixin, FormView):
    template_name = "django_nova/network/security_group_form.html"
    form_class = SecurityGroupForm
    extra_context = {"title": "Create security group", "submit": "Create"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "features": self.network.features}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            group = self.network.create_security_group(data["name"], data["description"])
        except (Conflict, InvalidInput) as error:
            field_error(form, "name", error.message)
            return self.form_invalid(form)
        except CloudError as error:
            field_error(form, None, f"{error.title}: {error.message}")
            return self.form_invalid(form)
        messages.success(self.request, f"Created security group {group.name}. "
                                       "It has no ingress rules yet: add the ones you need.")
        return redirect("django_nova:security-group", group.id)


class SecurityGroupEditView(GroupViewMixin, FormView):
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
        try:
            self.network.update_security_group(self.group.id, data["name"], data["description"])
        except Conflict as error:
            field_error(form, "name", error.message)
            return self.form_invalid(form)
        except InvalidInput as error:
            field_error(form, None, error.message)
            return self.form_invalid(form)
        except CloudError as error:
            field_error(form, None, f"{error.title}: {error.message}")
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


class RuleAddView(GroupViewMixin, FormView):
    template_name = "django_nova/network/rule_form.html"
    form_class = RuleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.group, "groups": self.groups,
                "features": self.network.features}

    def form_valid(self, form):
        try:
            self.network.add_rule(self.group, form.rule())
        except Conflict:
            # The cloud's duplicate check (EC2 InvalidPermission.Duplicate, Neutron 409):
            # a rule added since the page loaded, or one the cloud counts as the same.
            field_error(form, form.source_field, DUPLICATE)
            return self.form_invalid(form)
        except InvalidInput as error:
            field_error(form, None, error.message)
            return self.form_invalid(form)
        except CloudError as error:
            field_error(form, None, f"{error.title}: {error.message}")
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


class InstanceSecurityGroupsView(NetworkViewMixin, FormView):
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
        try:
            self.network.set_instance_security_groups(self.instance, chosen, self.groups)
        except CloudError as error:
            message = error.message if isinstance(error, InvalidInput) else (
                f"{error.title}: {error.message}")
            field_error(form, None, message)
            return self.form_invalid(form)
        names = ", ".join(g.name for g in self.groups if g.id in chosen) or "no groups"
        messages.success(self.request,
                         f"{self.instance.display_name} is now in {names}.")
        return redirect("django_nova:instance", self.instance.id)


# Floating / elastic IPs

def cloud_message(error: CloudError) -> str:
    """A refusal in the user's words; anything unexpected with its title."""
    if isinstance(error, Conflict | InvalidInput | NotFound):
        return error.message
    return f"{error.title}: {error.message}"


class AddressListView(NetworkViewMixin, TemplateView):
    template_name = "django_nova/network/addresses.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(addresses=self.network.addresses(), **kwargs)


class AddressAllocateView(NetworkViewMixin, FormView):
    template_name = "django_nova/network/address_form.html"
    form_class = AddressAllocateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pools": self.network.address_pools()}

    def get_context_data(self, **kwargs):
        noun = self.network.features.address_noun
        return super().get_context_data(title=f"Allocate {noun}", submit="Allocate", **kwargs)

    def form_valid(self, form):
        try:
            address = self.network.allocate_address(form.cleaned_data.get("pool", ""))
        except CloudError as error:
            field_error(form, None, cloud_message(error))
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


class AddressAssociateView(AddressViewMixin, FormView):
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
        try:
            target = self.network.associate_address(self.address, form.cleaned_data["target"],
                                                    self.targets)
        except CloudError as error:
            field_error(form, "target" if isinstance(error, InvalidInput) else None,
                        cloud_message(error))
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

import ipaddress

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..forms import BootstrapFormMixin
from ..resources import (
    AddressTarget,
    Capabilities,
    Network,
    Router,
    SecurityGroup,
    SecurityGroupRule,
)
from ..services.network import DEFAULT_GROUP, SubnetRequest, find_duplicate

MAX_NAME = 255
PORTLESS = {"icmp": _("ICMP rules take no ports."),
            "any": _("Rules for any protocol take no ports.")}
DUPLICATE = _("This group already has this rule.")


def strict_network(text: str, ipv4: str,
                   ipv6: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in CIDR notation without host bits, or a field error that says which;
    ``ipv4`` and ``ipv6`` are the examples the error gives."""
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise forms.ValidationError(
            _("Enter a network in CIDR notation, like %(ipv4)s or %(ipv6)s.")
            % {"ipv4": ipv4, "ipv6": ipv6}) from None
    raise forms.ValidationError(_("%(text)s has host bits set: the network is %(network)s.")
                                % {"text": text, "network": loose})


class SecurityGroupForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=MAX_NAME, label=_("Name"))
    description = forms.CharField(max_length=MAX_NAME, required=False, label=_("Description"))

    def __init__(self, *args, features: Capabilities, **kwargs):
        super().__init__(*args, **kwargs)
        if features.group_description_required:
            self.fields["description"].required = True
            self.fields["description"].help_text = _("This cloud requires a description.")

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name == DEFAULT_GROUP:
            raise forms.ValidationError(
                _("The name %(name)s is reserved for the project's default group.")
                % {"name": DEFAULT_GROUP})
        return name


class RuleForm(BootstrapFormMixin, forms.Form):
    """One rule for one group, checked in full before the cloud sees it."""

    direction = forms.ChoiceField(choices=[("ingress", _("Ingress (incoming)")),
                                           ("egress", _("Egress (outgoing)"))],
                                  initial="ingress", label=_("Direction"))
    ether_type = forms.ChoiceField(choices=[("IPv4", "IPv4"), ("IPv6", "IPv6")],
                                   initial="IPv4", label=_("Ether type"))
    protocol = forms.ChoiceField(choices=[("tcp", "TCP"), ("udp", "UDP"), ("icmp", "ICMP"),
                                          ("any", _("Any protocol"))], initial="tcp",
                                 label=_("Protocol"))
    port_min = forms.IntegerField(
        required=False, min_value=1, max_value=65535, label=_("From port"),
        help_text=_("TCP and UDP only. Leave both ports empty for all ports."))
    port_max = forms.IntegerField(
        required=False, min_value=1, max_value=65535, label=_("To port"),
        help_text=_("Leave empty for the single port above."))
    remote_cidr = forms.CharField(
        required=False, max_length=64, label=_("Source CIDR"),
        widget=forms.TextInput(attrs={"placeholder": "0.0.0.0/0", "spellcheck": "false"}),
        help_text=_("Addresses the rule admits (ingress) or reaches (egress), e.g. 0.0.0.0/0 "
                    "for any IPv4 address. Or choose a source group below, not both."))
    remote_group = forms.ChoiceField(
        required=False, label=_("Source group"),
        help_text=_("Instances in this group (instead of a CIDR)."))

    def __init__(self, *args, group: SecurityGroup, groups: list[SecurityGroup],
                 features: Capabilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.features = features
        self.fields["remote_group"].choices = [("", _("No source group"))] + [
            (g.id, g.name or g.id) for g in groups]
        if not features.group_rules_have_ether_type:
            self.fields["remote_group"].help_text = format_lazy(
                "{} {}", self.fields["remote_group"].help_text,
                _("On this cloud a source group covers both IPv4 and IPv6."))

    def clean_remote_cidr(self):
        text = self.cleaned_data["remote_cidr"].strip()
        return strict_network(text, "10.0.0.0/8", "2001:db8::/32") if text else None

    def clean(self):
        data = super().clean()
        protocol = data.get("protocol")
        low, high = data.get("port_min"), data.get("port_max")
        if protocol in PORTLESS:
            for field in ("port_min", "port_max"):
                if data.get(field) is not None:
                    self.add_error(field, PORTLESS[protocol])
        elif high is not None and low is None and "port_min" not in self.errors:
            self.add_error("port_min", _("Give the first port of the range too."))
        elif low is not None and high is not None and low > high:
            self.add_error("port_max", _("The last port cannot be lower than the first "
                                         "(%(first)s).") % {"first": low})

        network, group_id = data.get("remote_cidr"), data.get("remote_group")
        ether_type = data.get("ether_type")
        if "remote_cidr" not in self.errors:
            if network is not None and group_id:
                self.add_error("remote_cidr",
                               _("Give a source CIDR or a source group, not both."))
            elif network is None and not group_id:
                self.add_error("remote_cidr", _("Give a source CIDR (0.0.0.0/0 or ::/0 for any "
                                                "address) or a source group."))
            elif network is not None and ether_type and f"IPv{network.version}" != ether_type:
                self.add_error("remote_cidr", _("This is an IPv%(version)s network; the rule's "
                                                "ether type is %(ether_type)s.")
                               % {"version": network.version, "ether_type": ether_type})
        if not self.errors:
            duplicate = find_duplicate(self.rule(), self.group.rules)
            if duplicate is not None:
                self.add_error(self.source_field, DUPLICATE)
        return data

    @property
    def source_field(self) -> str:
        return "remote_group" if self.cleaned_data.get("remote_group") else "remote_cidr"

    def rule(self) -> SecurityGroupRule:
        """The rule the valid form describes (no id yet)."""
        data = self.cleaned_data
        low, high = data["port_min"], data["port_max"]
        group_id = data["remote_group"] or ""
        ether_type = data["ether_type"]
        if group_id and not self.features.group_rules_have_ether_type:
            ether_type = ""
        return SecurityGroupRule(
            id="", direction=data["direction"], protocol=data["protocol"],
            port_min=low, port_max=high if high is not None else low,
            remote_cidr=str(data["remote_cidr"]) if data["remote_cidr"] is not None else "",
            remote_group_id=group_id, ether_type=ether_type)


class InstanceSecurityGroupsForm(BootstrapFormMixin, forms.Form):
    groups = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                       label=_("Security groups"))

    def __init__(self, *args, groups: list[SecurityGroup], features: Capabilities,
                 **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["groups"]
        field.choices = [(g.id, g.name or g.id) for g in groups]
        if features.instance_needs_group:
            field.required = True
            field.error_messages["required"] = _(
                "Choose at least one security group: this cloud's instances always have one.")


class AddressAllocateForm(BootstrapFormMixin, forms.Form):
    """Where a new address comes from: an external network, where the cloud has several."""

    pool = forms.ChoiceField(label=_("External network"),
                             help_text=_("The network the address is allocated from."))

    def __init__(self, *args, pools: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if not pools:
            del self.fields["pool"]  # EC2: every elastic IP is a VPC address
            return
        field = self.fields["pool"]
        field.choices = pools if len(pools) == 1 else [("", _("Choose a network"))] + pools
        field.initial = pools[0][0] if len(pools) == 1 else ""


class AddressAssociateForm(BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label=_("Instance"),
                               help_text=_("An instance with several addresses appears once "
                                           "for each of its fixed IPs."))

    def __init__(self, *args, targets: list[AddressTarget], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Choose an instance"))] + [
            (t.key, t.label) for t in targets]


# Networks, subnets and routers (Neutron)

def parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A network in strict CIDR notation (no host bits), big enough to hold hosts."""
    network = strict_network(text, "10.0.0.0/24", "2001:db8::/64")
    if "/" not in text:
        raise forms.ValidationError(_("Give the prefix length too, like %(address)s/24.")
                                    % {"address": text})
    if network.num_addresses < 4:
        raise forms.ValidationError(
            _("%(network)s is too small for a subnet: use a prefix of at most /%(prefix)s.")
            % {"network": network, "prefix": network.max_prefixlen - 2})
    return network


class SubnetFields(forms.Form):
    """The fields of a subnet; ``cidr_required`` says whether it is optional."""

    cidr_required = True
    subnet_name = forms.CharField(max_length=MAX_NAME, required=False, label=_("Subnet name"))
    cidr = forms.CharField(
        max_length=64, label=_("Network address (CIDR)"),
        widget=forms.TextInput(attrs={"placeholder": "192.168.10.0/24", "spellcheck": "false"}),
        help_text=_("Like 192.168.10.0/24 or 2001:db8:1::/64; the IP version follows from it."))
    gateway_ip = forms.CharField(
        max_length=64, required=False, label=_("Gateway IP"),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text=_("An address inside the CIDR; empty for the first address in it."))
    dhcp = forms.BooleanField(required=False, initial=True, label=_("Enable DHCP"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.cidr_required:
            self.fields["cidr"].required = False
            self.fields["cidr"].help_text = format_lazy(
                "{} {}", self.fields["cidr"].help_text,
                _("Leave empty to create the network without a subnet."))

    def clean_cidr(self):
        text = self.cleaned_data["cidr"].strip()
        return parse_cidr(text) if text else None

    def clean_gateway_ip(self):
        text = self.cleaned_data["gateway_ip"].strip()
        if not text:
            return None
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an IP address, like %(example)s.") % {"example": "192.168.10.1"}
            ) from None

    def clean(self):
        data = super().clean()
        network, gateway = data.get("cidr"), data.get("gateway_ip")
        if gateway is None or "cidr" in self.errors:
            return data
        if network is None:
            self.add_error("gateway_ip", _("Give the subnet's CIDR too, or no gateway."))
        elif gateway.version != network.version or gateway not in network:
            self.add_error("gateway_ip", _("%(gateway)s is not inside %(network)s.")
                           % {"gateway": gateway, "network": network})
        elif gateway == network.network_address:
            self.add_error("gateway_ip", _("%(gateway)s is the network's network address, "
                                           "not one a gateway can have.") % {"gateway": gateway})
        elif network.version == 4 and gateway == network.broadcast_address:
            self.add_error("gateway_ip", _("%(gateway)s is the network's broadcast address, "
                                           "not one a gateway can have.") % {"gateway": gateway})
        return data

    def subnet_request(self) -> SubnetRequest | None:
        data = self.cleaned_data
        if data.get("cidr") is None:
            return None
        return SubnetRequest(cidr=str(data["cidr"]), ip_version=data["cidr"].version,
                             name=data["subnet_name"],
                             gateway_ip=str(data["gateway_ip"] or ""), dhcp=data["dhcp"])


class NetworkForm(BootstrapFormMixin, SubnetFields):
    """A network and, optionally, its first subnet."""

    cidr_required = False
    field_order = ["name"]
    name = forms.CharField(max_length=MAX_NAME, label=_("Name"))


class SubnetForm(BootstrapFormMixin, SubnetFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subnet_name"].label = _("Name")


def _external_choices(networks: list[Network]) -> list[tuple[str, str]]:
    return [(n.id, n.label) for n in networks if n.external]


class RouterForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=MAX_NAME, label=_("Name"))
    external_network = forms.ChoiceField(
        required=False, label=_("External gateway"),
        help_text=_("The external network the router reaches the outside through "
                    "(needed for floating IPs)."))

    def __init__(self, *args, networks: list[Network], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_network"].choices = [("", _("No gateway"))] + _external_choices(
            networks)


class RouterGatewayForm(BootstrapFormMixin, forms.Form):
    external_network = forms.ChoiceField(required=False, label=_("External gateway"))

    def __init__(self, *args, networks: list[Network], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_network"].choices = [
            ("", _("No gateway (clear it)"))] + _external_choices(networks)


class RouterInterfaceForm(BootstrapFormMixin, forms.Form):
    subnet = forms.ChoiceField(label=_("Subnet"), help_text=_("One of this project's subnets."))

    def __init__(self, *args, router: Router, networks: list[Network], **kwargs):
        super().__init__(*args, **kwargs)
        used = {i.subnet_id for i in router.interfaces}
        self.fields["subnet"].choices = [("", _("Choose a subnet"))] + [
            (s.id, f"{n.label}: {s.name + ' ' if s.name else ''}{s.cidr}")
            for n in networks if n.own for s in n.subnets if s.id not in used]

"""Security groups and rules on the EC2 cloud against moto: cloud, service rules, views."""

import re
from collections import Counter

import pytest
from django.test import Client

from django_nova.clouds import open_cloud
from django_nova.clouds.calls import cloud_call
from django_nova.exceptions import Conflict, InvalidInput, NotFound
from django_nova.resources import SecurityGroupRule
from tests.helpers import messages_of, row_menu_links

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
DUPLICATE = "This group already has this rule."


def group_named(cloud, name):
    return next((g for g in cloud.security_groups.list_security_groups() if g.name == name), None)


def ingress(cloud, name):
    return [r for r in group_named(cloud, name).rules if r.direction == "ingress"]


@pytest.fixture
def make_group(ec2):
    """Create a group directly in the project's account (test arrangement)."""
    def make(name="web", description="web servers"):
        return ec2.create_security_group(GroupName=name, Description=description)["GroupId"]
    return make


@pytest.fixture
def default_id(ec2):
    groups = ec2.describe_security_groups()["SecurityGroups"]
    return next(g["GroupId"] for g in groups if g["GroupName"] == "default")


def allow(ec2, group_id, protocol="tcp", low=22, high=22, cidr="10.0.0.0/8"):
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": protocol, "FromPort": low, "ToPort": high,
         "IpRanges": [{"CidrIp": cidr}]}])


# --- the cloud ------------------------------------------------------------------------

def test_driver_lists_groups_with_their_rules_as_one_rule_per_source(cloud, ec2, make_group,
                                                                    default_id):
    web = make_group()
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 443,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
         "UserIdGroupPairs": [{"GroupId": default_id}]},
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535,
         "IpRanges": [{"CidrIp": "1.2.3.4/32"}]},
    ])
    group = group_named(cloud, "web")
    assert group.id == web and group.description == "web servers"
    rules = {(r.direction, r.protocol, r.port_min, r.port_max, r.remote_cidr or r.remote_group_id,
              r.ether_type) for r in group.rules}
    assert rules == {
        ("ingress", "tcp", 80, 443, "10.0.0.0/8", "IPv4"),
        ("ingress", "tcp", 80, 443, "192.168.0.0/16", "IPv4"),
        ("ingress", "tcp", 80, 443, "2001:db8::/32", "IPv6"),
        ("ingress", "tcp", 80, 443, default_id, ""),
        ("ingress", "icmp", None, None, "0.0.0.0/0", "IPv4"),
        ("ingress", "udp", None, None, "1.2.3.4/32", "IPv4"),
        # A new VPC group may reach anywhere.
        ("egress", "any", None, None, "0.0.0.0/0", "IPv4"),
    }
    assert len({r.id for r in group.rules}) == len(group.rules)


def test_driver_adds_and_removes_each_kind_of_rule(cloud, make_group, default_id):
    web = make_group()
    added = [
        SecurityGroupRule(id="", direction="ingress", protocol="tcp", port_min=8000,
                          port_max=8080, remote_cidr="10.0.0.0/8"),
        SecurityGroupRule(id="", direction="ingress", protocol="tcp", remote_cidr="10.1.0.0/16"),
        SecurityGroupRule(id="", direction="ingress", protocol="icmp", remote_cidr="::/0",
                          ether_type="IPv6"),
        SecurityGroupRule(id="", direction="ingress", protocol="any",
                          remote_group_id=default_id, ether_type=""),
        SecurityGroupRule(id="", direction="egress", protocol="udp", port_min=53, port_max=53,
                          remote_cidr="10.0.0.2/32"),
    ]
    for rule in added:
        cloud.security_groups.add_rule(web, rule)
    listed = group_named(cloud, "web").rules
    shown = {(r.direction, r.protocol, r.port_min, r.port_max, r.remote_cidr,
              r.remote_group_id, r.ether_type) for r in listed}
    for rule in added:
        assert (rule.direction, rule.protocol, rule.port_min, rule.port_max, rule.remote_cidr,
                rule.remote_group_id, rule.ether_type) in shown
    for rule in listed:
        cloud.security_groups.delete_rule(web, rule.id)
    assert group_named(cloud, "web").rules == ()


def test_driver_maps_ec2_errors(cloud, make_group, launch, ec2):
    web = make_group()
    rule = SecurityGroupRule(id="", direction="ingress", protocol="tcp", port_min=22,
                             port_max=22, remote_cidr="10.0.0.0/8")
    cloud.security_groups.add_rule(web, rule)
    with pytest.raises(Conflict) as duplicate:
        cloud.security_groups.add_rule(web, rule)
    assert duplicate.value.code == "InvalidPermission.Duplicate"
    with pytest.raises(NotFound):
        cloud.security_groups.delete_rule(web, "not-a-rule-id")
    with pytest.raises(InvalidInput):
        cloud.security_groups.update_security_group(web, "renamed", "x")
    with pytest.raises(Conflict):
        cloud.security_groups.create_security_group("web", "again")
    (instance_id,) = launch()
    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[web])
    with pytest.raises(Conflict) as in_use:
        cloud.security_groups.delete_security_group(web)
    assert instance_id in in_use.value.message
    cloud.compute.instance_action("terminate", [instance_id])
    cloud.security_groups.delete_security_group(web)
    assert group_named(cloud, "web") is None
    with pytest.raises(NotFound):
        cloud.security_groups.delete_security_group(web)


def test_driver_sets_an_instances_groups(cloud, make_group, launch, default_id):
    web, db = make_group("web"), make_group("db")
    (instance_id,) = launch()
    cloud.security_groups.set_instance_groups(cloud.compute.get_instance(instance_id), [web, db])
    instance = cloud.security_groups.instance_with_groups(instance_id)
    assert set(instance.security_group_ids) == {web, db}
    assert set(instance.security_groups) == {"web", "db"}
    with pytest.raises(InvalidInput):
        cloud.security_groups.set_instance_groups(instance, [])
    with pytest.raises(NotFound):
        cloud.security_groups.instance_with_groups("i-0123456789abcdef0")


# --- pages -----------------------------------------------------------------------------

def test_list_shows_groups_with_rule_counts(member_client, ec2, make_group):
    web = make_group("web", "front ends")
    allow(ec2, web, low=80, high=80)
    allow(ec2, web, low=443, high=443)
    response = member_client.get("/network/security-groups/")
    assert response.status_code == 200
    groups = {g.name: g for g in response.context["security_groups"]}
    assert [g.name for g in response.context["security_groups"]][0] == "default"
    assert len(groups["web"].rules) == 3  # two ingress rules and EC2's default egress
    html = response.content.decode()
    for expected in ("web", web, "front ends", "Create security group"):
        assert expected in html
    # EC2 cannot rename: no Edit button; the default group has no Delete button.
    assert "/edit/" not in html
    assert f"/network/security-groups/{web}/delete/" in html
    default = groups["default"].id
    assert f"/network/security-groups/{default}/delete/" not in html


def test_sidebar_and_instance_menu_link_here(member_client, launch):
    (instance_id,) = launch()
    html = member_client.get("/instances/").content.decode()
    assert "Network" in html and 'href="/network/security-groups/"' in html
    assert f"/network/instances/{instance_id}/security-groups/" in row_menu_links(html,
                                                                                 instance_id)
    menu = f'href="/network/instances/{instance_id}/security-groups/">Edit security groups'
    detail = member_client.get(f"/instances/{instance_id}/").content.decode()
    assert menu in detail
    assert detail.index("Edit security groups") < detail.index("Launch more like this")


def test_create_group(member_client, cloud):
    response = member_client.post("/network/security-groups/create/",
                                  {"name": "api", "description": "API servers"})
    group = group_named(cloud, "api")
    assert group is not None and group.description == "API servers"
    assert response.status_code == 302
    assert response["Location"] == f"/network/security-groups/{group.id}/"
    assert any("Created security group api" in m for m in messages_of(response))


@pytest.mark.parametrize("data, field, error", [
    ({"name": "", "description": "x"}, "name", "This field is required."),
    ({"name": "default", "description": "x"}, "name", "reserved"),
    ({"name": "web", "description": "x"}, "name", "already exists"),
    ({"name": "bad\nname", "description": "x"}, "name", "control characters"),
    ({"name": "x" * 256, "description": "x"}, "name", "at most 255"),
    ({"name": "fresh", "description": ""}, "description", "This field is required."),
    ({"name": "fresh", "description": "two\nlines"}, "description", "control characters"),
])
def test_create_group_errors_are_field_errors(member_client, make_group, cloud, data, field,
                                              error):
    make_group("web")
    response = member_client.post("/network/security-groups/create/", data)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert b"is-invalid" in response.content
    assert {g.name for g in cloud.security_groups.list_security_groups()} == {"default", "web"}


def test_ec2_groups_cannot_be_edited_and_say_so(member_client, make_group, cloud):
    web = make_group("web", "old")
    page = member_client.get(f"/network/security-groups/{web}/edit/")
    assert page.status_code == 200
    assert b"cannot rename" in page.content and b'id="security-group-form"' not in page.content
    response = member_client.post(f"/network/security-groups/{web}/edit/",
                                  {"name": "renamed", "description": "new"})
    assert response.status_code == 200
    assert "cannot rename" in " ".join(response.context["form"].non_field_errors())
    group = group_named(cloud, "web")
    assert group.description == "old" and group_named(cloud, "renamed") is None
    assert b"/edit/" not in member_client.get(f"/network/security-groups/{web}/").content


def test_delete_group_after_confirming(member_client, make_group, cloud):
    web = make_group("web")
    confirm = member_client.get(f"/network/security-groups/{web}/delete/")
    assert confirm.status_code == 200 and b'id="confirm-delete"' in confirm.content
    assert group_named(cloud, "web") is not None  # GET changes nothing
    response = member_client.post(f"/network/security-groups/{web}/delete/")
    assert response["Location"] == "/network/security-groups/"
    assert group_named(cloud, "web") is None
    assert "Deleted security group web." in messages_of(response)


def test_default_group_cannot_be_deleted(member_client, cloud, default_id):
    confirm = member_client.get(f"/network/security-groups/{default_id}/delete/")
    assert confirm.status_code == 200
    assert b"cannot be deleted" in confirm.content and b'id="confirm-delete"' not in confirm.content
    response = member_client.post(f"/network/security-groups/{default_id}/delete/", follow=True)
    assert response.status_code == 200
    assert any("default security group cannot be deleted" in m for m in messages_of(response))
    assert group_named(cloud, "default") is not None


def test_group_in_use_cannot_be_deleted(member_client, make_group, launch, ec2, cloud):
    web = make_group("web")
    (instance_id,) = launch()
    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[web])
    response = member_client.post(f"/network/security-groups/{web}/delete/", follow=True)
    assert response.status_code == 200
    shown = " ".join(messages_of(response))
    assert "Could not delete security group web" in shown and "in use" in shown
    assert instance_id in shown
    assert group_named(cloud, "web") is not None


def test_group_referred_to_by_another_groups_rule_cannot_be_deleted(member_client, make_group,
                                                                    ec2, cloud):
    web, db = make_group("web"), make_group("db")
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": web}]}])
    confirm = member_client.get(f"/network/security-groups/{web}/delete/")
    assert b"Rules of db refer to this group" in confirm.content
    member_client.post(f"/network/security-groups/{web}/delete/")
    assert group_named(cloud, "web") is not None


def test_group_page_shows_rules(member_client, ec2, make_group, default_id):
    web = make_group("web")
    allow(ec2, web, low=8000, high=8080)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "UserIdGroupPairs": [{"GroupId": default_id}]}])
    response = member_client.get(f"/network/security-groups/{web}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "8000–8080" in html and "10.0.0.0/8" in html
    assert f'href="/network/security-groups/{default_id}/">default</a>' in html
    assert [r.source for r in response.context["ingress"]] == ["10.0.0.0/8", "default"]
    assert [r.source for r in response.context["egress"]] == ["0.0.0.0/0"]
    assert html.count("/rules/") >= 4  # add + one remove per rule


@pytest.mark.parametrize("data, ports, source, ether_type", [
    ({"protocol": "tcp", "port_min": "8000", "port_max": "8080", "remote_cidr": "10.0.0.0/8"},
     (8000, 8080), "10.0.0.0/8", "IPv4"),
    ({"protocol": "tcp", "port_min": "22", "remote_cidr": "192.168.1.0/24"},
     (22, 22), "192.168.1.0/24", "IPv4"),
    ({"protocol": "udp", "remote_cidr": "10.0.0.0/8"}, (None, None), "10.0.0.0/8", "IPv4"),
    ({"protocol": "icmp", "remote_cidr": "0.0.0.0/0"}, (None, None), "0.0.0.0/0", "IPv4"),
    ({"protocol": "icmp", "ether_type": "IPv6", "remote_cidr": "2001:db8::/32"},
     (None, None), "2001:db8::/32", "IPv6"),
    ({"protocol": "any", "remote_cidr": "10.9.0.0/16"}, (None, None), "10.9.0.0/16", "IPv4"),
    ({"protocol": "tcp", "port_min": "443", "ether_type": "IPv6", "remote_cidr": "::/0"},
     (443, 443), "::/0", "IPv6"),
])
def test_add_rule(member_client, make_group, cloud, data, ports, source, ether_type):
    web = make_group("web")
    form = {"direction": "ingress", "ether_type": "IPv4", **data}
    response = member_client.post(f"/network/security-groups/{web}/rules/add/", form)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == f"/network/security-groups/{web}/"
    (rule,) = ingress(cloud, "web")
    assert (rule.protocol, rule.port_min, rule.port_max) == (data["protocol"], *ports)
    assert (rule.remote_cidr, rule.ether_type) == (source, ether_type)


def test_add_rule_from_a_source_group_and_egress(member_client, make_group, cloud,
                                                 default_id):
    web = make_group("web")
    member_client.post(f"/network/security-groups/{web}/rules/add/", {
        "direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "5432",
        "remote_group": default_id})
    member_client.post(f"/network/security-groups/{web}/rules/add/", {
        "direction": "egress", "ether_type": "IPv4", "protocol": "udp", "port_min": "53",
        "remote_cidr": "10.0.0.2/32"})
    group = group_named(cloud, "web")
    (from_group,) = [r for r in group.rules if r.remote_group_id]
    assert (from_group.direction, from_group.protocol, from_group.port_min) == (
        "ingress", "tcp", 5432)
    assert from_group.remote_group_id == default_id
    egress = {(r.protocol, r.port_min, r.remote_cidr) for r in group.rules
              if r.direction == "egress"}
    assert ("udp", 53, "10.0.0.2/32") in egress
    page = member_client.get(f"/network/security-groups/{web}/").content.decode()
    assert f'href="/network/security-groups/{default_id}/">default</a>' in page


@pytest.mark.parametrize("data, field, error", [
    ({"remote_cidr": "banana"}, "remote_cidr", "CIDR notation"),
    ({"remote_cidr": "10.0.0.300/8"}, "remote_cidr", "CIDR notation"),
    ({"remote_cidr": "10.0.0.0/33"}, "remote_cidr", "CIDR notation"),
    ({"remote_cidr": "10.0.0.1/8"}, "remote_cidr", "host bits set: the network is 10.0.0.0/8"),
    ({"remote_cidr": "2001:db8::1/32"}, "remote_cidr", "host bits set"),
    ({"remote_cidr": "2001:db8::/32"}, "remote_cidr",
     "IPv6 network; the rule's ether type is IPv4"),
    ({"ether_type": "IPv6", "remote_cidr": "10.0.0.0/8"}, "remote_cidr",
     "IPv4 network; the rule's ether type is IPv6"),
    ({"port_min": "0"}, "port_min", "greater than or equal to 1"),
    ({"port_min": "22", "port_max": "65536"}, "port_max", "less than or equal to 65535"),
    ({"port_min": "80", "port_max": "22"}, "port_max", "cannot be lower than the first (80)"),
    ({"port_min": "", "port_max": "22"}, "port_min", "first port"),
    ({"protocol": "icmp", "port_min": "8"}, "port_min", "ICMP rules take no ports"),
    ({"protocol": "icmp", "port_min": "", "port_max": "8"}, "port_max", "ICMP rules take no ports"),
    ({"protocol": "any", "port_min": "22"}, "port_min", "any protocol take no ports"),
    ({"remote_group": "DEFAULT"}, "remote_cidr", "not both"),
    ({"remote_cidr": ""}, "remote_cidr", "or a source group"),
    ({"remote_group": "sg-0123456789abcdef0", "remote_cidr": ""}, "remote_group",
     "Select a valid choice"),
    ({"protocol": "gre"}, "protocol", "Select a valid choice"),
    ({"direction": "sideways"}, "direction", "Select a valid choice"),
    ({"ether_type": "IPX"}, "ether_type", "Select a valid choice"),
])
def test_rule_form_errors_are_field_errors(member_client, make_group, cloud, default_id, data,
                                           field, error):
    web = make_group("web")
    form = {"direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "22",
            "port_max": "", "remote_cidr": "10.0.0.0/8", "remote_group": ""}
    form.update({k: default_id if v == "DEFAULT" else v for k, v in data.items()})
    response = member_client.post(f"/network/security-groups/{web}/rules/add/", form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert error in " ".join(errors.get(field, [])), errors
    assert b"is-invalid" in response.content
    assert ingress(cloud, "web") == []


def test_duplicate_rule_is_a_field_error_before_the_cloud(member_client, make_group, ec2,
                                                          cloud, default_id):
    web = make_group("web")
    allow(ec2, web, low=22, high=22, cidr="10.0.0.0/8")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default_id}]}])
    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    base = {"direction": "ingress", "ether_type": "IPv4"}
    cloud_call.connect(record, weak=False)
    try:
        same = member_client.post(f"/network/security-groups/{web}/rules/add/", {
            **base, "protocol": "tcp", "port_min": "22", "port_max": "22",
            "remote_cidr": "10.0.0.0/8"})
        from_group = member_client.post(f"/network/security-groups/{web}/rules/add/", {
            **base, "ether_type": "IPv6", "protocol": "any", "remote_group": default_id})
        # A rule open to all of IPv4 egress is what every new EC2 group has.
        egress = member_client.post(f"/network/security-groups/{web}/rules/add/", {
            **base, "direction": "egress", "protocol": "any", "remote_cidr": "0.0.0.0/0"})
    finally:
        cloud_call.disconnect(record)
    assert same.context["form"].errors["remote_cidr"] == [DUPLICATE]
    assert from_group.context["form"].errors["remote_group"] == [DUPLICATE]
    assert egress.context["form"].errors["remote_cidr"] == [DUPLICATE]
    assert not [c for c in calls if c.startswith("Authorize")], calls
    assert len(ingress(cloud, "web")) == 2


def test_clouds_duplicate_error_is_a_field_error(member_client, make_group, ec2, cloud,
                                                 monkeypatch):
    """A rule someone added since the page loaded: the cloud says duplicate."""
    from django_nova.network import forms
    from django_nova.services import network

    web = make_group("web")
    allow(ec2, web, low=22, high=22, cidr="10.0.0.0/8")
    monkeypatch.setattr(forms, "find_duplicate", lambda rule, rules: None)
    monkeypatch.setattr(network, "find_duplicate", lambda rule, rules: None)
    response = member_client.post(f"/network/security-groups/{web}/rules/add/", {
        "direction": "ingress", "ether_type": "IPv4", "protocol": "tcp", "port_min": "22",
        "remote_cidr": "10.0.0.0/8"})
    assert response.status_code == 200
    assert response.context["form"].errors["remote_cidr"] == [DUPLICATE]
    assert len(ingress(cloud, "web")) == 1


def test_remove_rule_after_confirming(member_client, make_group, ec2, cloud):
    web = make_group("web")
    allow(ec2, web, low=22, high=22)
    allow(ec2, web, protocol="icmp", low=-1, high=-1, cidr="0.0.0.0/0")
    tcp = next(r for r in ingress(cloud, "web") if r.protocol == "tcp")
    url = f"/network/security-groups/{web}/rules/{tcp.id}/delete/"
    confirm = member_client.get(url)
    assert confirm.status_code == 200 and b"10.0.0.0/8" in confirm.content
    assert len(ingress(cloud, "web")) == 2
    response = member_client.post(url)
    assert response["Location"] == f"/network/security-groups/{web}/"
    assert [r.protocol for r in ingress(cloud, "web")] == ["icmp"]
    assert member_client.get(url).status_code == 404
    assert member_client.post(url).status_code == 404


def test_rule_of_another_group_or_made_up_is_404(member_client, make_group, ec2, cloud):
    web, db = make_group("web"), make_group("db")
    allow(ec2, web)
    (rule,) = ingress(cloud, "web")
    for url in (f"/network/security-groups/{db}/rules/{rule.id}/delete/",
                f"/network/security-groups/{web}/rules/bm90LWEtcnVsZQ/delete/",
                f"/network/security-groups/{web}/rules/%3Cimg%3E/delete/"):
        assert member_client.get(url).status_code == 404, url
        assert member_client.post(url).status_code == 404, url
    assert len(ingress(cloud, "web")) == 1


def test_instance_security_groups_page(member_client, launch, make_group, ec2, cloud,
                                       default_id):
    web, db = make_group("web"), make_group("db")
    (instance_id,) = launch()
    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[web])
    url = f"/network/instances/{instance_id}/security-groups/"
    page = member_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["groups"] == [web]
    assert set(dict(form.fields["groups"].choices)) == {web, db, default_id}
    checked = re.findall(r'<input type="checkbox" name="groups" value="([^"]+)"[^>]*checked',
                         page.content.decode())
    assert checked == [web]
    response = member_client.post(url, {"groups": [db, default_id]})
    assert response.status_code == 302 and response["Location"] == f"/instances/{instance_id}/"
    after = cloud.security_groups.instance_with_groups(instance_id)
    assert set(after.security_group_ids) == {db, default_id}
    assert any("is now in" in m for m in messages_of(response))
    assert set(member_client.get(url).context["form"].initial["groups"]) == {db, default_id}


@pytest.mark.parametrize("groups, error", [
    ([], "at least one security group"),
    (["sg-0123456789abcdef0"], "Select a valid choice"),
])
def test_instance_security_groups_errors(member_client, launch, make_group, ec2, cloud,
                                         groups, error):
    web = make_group("web")
    (instance_id,) = launch()
    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[web])
    response = member_client.post(f"/network/instances/{instance_id}/security-groups/",
                                  {"groups": groups})
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["groups"])
    assert cloud.security_groups.instance_with_groups(instance_id).security_group_ids == (web,)


def test_missing_group_is_404_not_500(member_client):
    for suffix in ("", "edit/", "delete/", "rules/add/"):
        response = member_client.get(f"/network/security-groups/sg-0123456789abcdef0/{suffix}")
        assert response.status_code == 404, suffix
        assert b"no security group" in response.content
    assert member_client.get(
        "/network/instances/i-0123456789abcdef0/security-groups/").status_code == 404


def test_unreachable_cloud_gives_a_readable_page(member_client, settings, closed_port_url):
    from tests.helpers import cloud_settings

    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    response = member_client.get("/network/security-groups/")
    assert response.status_code == 503 and b"did not answer" in response.content


# --- isolation and hostile names -------------------------------------------------------

@pytest.fixture
def intruder(make_user, make_project):
    user = make_user("mallory")
    project = make_project("gamma", user)
    client = Client()
    client.force_login(user)
    return client, open_cloud("embedded", project, "us-east-1")


def test_other_projects_groups_are_invisible_also_by_url(intruder, make_group, ec2, cloud,
                                                         launch):
    client, _ = intruder
    web = make_group("a-secret-group")
    allow(ec2, web)
    (rule,) = ingress(cloud, "a-secret-group")
    (instance_id,) = launch()
    listing = client.get("/network/security-groups/")
    assert listing.status_code == 200
    assert b"a-secret-group" not in listing.content and web.encode() not in listing.content
    urls = [f"/network/security-groups/{web}/", f"/network/security-groups/{web}/edit/",
            f"/network/security-groups/{web}/delete/",
            f"/network/security-groups/{web}/rules/add/",
            f"/network/security-groups/{web}/rules/{rule.id}/delete/",
            f"/network/instances/{instance_id}/security-groups/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"a-secret-group" not in response.content
        assert client.post(url, {"name": "x", "description": "x", "groups": [web],
                                 "protocol": "any", "direction": "ingress",
                                 "ether_type": "IPv4", "remote_cidr": "0.0.0.0/0"}
                           ).status_code == 404, url
    group = group_named(cloud, "a-secret-group")
    assert group is not None and [r.id for r in group.rules if r.direction == "ingress"] == [
        rule.id]


def test_hostile_group_name_is_escaped_everywhere(member_client, make_group, ec2, cloud,
                                                  launch, default_id):
    evil = make_group(HOSTILE, HOSTILE)
    allow(ec2, evil)
    ec2.authorize_security_group_ingress(GroupId=default_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "UserIdGroupPairs": [{"GroupId": evil}]}])
    (rule,) = ingress(cloud, HOSTILE)
    from_evil = next(r for r in ingress(cloud, "default") if r.remote_group_id == evil)
    (instance_id,) = launch()
    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[evil])
    pages = ["/network/security-groups/", f"/network/security-groups/{evil}/",
             f"/network/security-groups/{evil}/edit/", f"/network/security-groups/{evil}/delete/",
             f"/network/security-groups/{evil}/rules/add/",
             f"/network/security-groups/{evil}/rules/{rule.id}/delete/",
             f"/network/security-groups/{default_id}/",
             f"/network/security-groups/{default_id}/rules/add/",
             f"/network/security-groups/{default_id}/rules/{from_evil.id}/delete/",
             f"/network/instances/{instance_id}/security-groups/", f"/instances/{instance_id}/"]
    for page in pages:
        response = member_client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert HOSTILE not in html, page
        assert HOSTILE_ESCAPED in html, page
    # Messages that name the group are escaped too.
    response = member_client.post(f"/network/security-groups/{evil}/delete/", follow=True)
    html = response.content.decode()
    assert "Could not delete security group" in html
    assert HOSTILE not in html and HOSTILE_ESCAPED in html


def test_hostile_name_through_the_create_form_is_escaped(member_client, cloud):
    response = member_client.post("/network/security-groups/create/",
                                  {"name": HOSTILE, "description": HOSTILE}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Created security group" in html
    assert HOSTILE not in html and HOSTILE_ESCAPED in html
    assert group_named(cloud, HOSTILE) is not None


# --- speed -----------------------------------------------------------------------------

def test_pages_make_a_constant_number_of_calls(member_client, make_group, ec2, launch):
    calls = []

    def record(sender, operation, **_):
        calls.append(operation)

    web = make_group("web")
    (instance_id,) = launch()
    pages = ["/network/security-groups/", f"/network/security-groups/{web}/",
             f"/network/security-groups/{web}/rules/add/",
             f"/network/security-groups/{web}/delete/",
             f"/network/instances/{instance_id}/security-groups/"]

    def counts():
        result = {}
        for page in pages:
            member_client.get(page)  # warm credentials
            calls.clear()
            assert member_client.get(page).status_code == 200, page
            result[page] = Counter(calls)
        return result

    cloud_call.connect(record, weak=False)
    try:
        few = counts()
        for n in range(6):
            group_id = make_group(f"extra-{n}")
            for port in range(3):
                allow(ec2, group_id, low=1000 + port, high=1000 + port)
            allow(ec2, web, low=2000 + n, high=2000 + n)
        many = counts()
    finally:
        cloud_call.disconnect(record)
    assert few == many
    for page in pages[:4]:
        assert few[page] == Counter({"DescribeSecurityGroups": 1}), (page, few[page])
    instance_page = few[pages[4]]
    assert instance_page == Counter({"DescribeSecurityGroups": 1, "DescribeInstances": 1})

"""Cloud-admin pages on an EC2 cloud (moto): every project is its own account."""

from collections import Counter

import boto3
import pytest
from django.urls import reverse

from django_nova.clouds import open_cloud
from django_nova.models import AuditEntry
from tests.data import IMAGE_ID
from tests.helpers import messages_of

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"

LIST_URLS = ["django_nova:admin-instances", "django_nova:admin-volumes"]
OPENSTACK_ONLY_URLS = ["django_nova:admin-flavors", "django_nova:admin-hypervisors",
                       "django_nova:admin-flavor-create"]


def ec2_of(project):
    cloud = open_cloud("embedded", project, "us-east-1")
    key, secret, token = cloud.session.credentials()
    return boto3.client("ec2", endpoint_url=cloud.session.endpoint(), region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token)


def launch_in(project, name="web", count=1):
    result = ec2_of(project).run_instances(
        ImageId=IMAGE_ID, InstanceType="t3.micro", MinCount=count, MaxCount=count,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
    return [i["InstanceId"] for i in result["Instances"]]


def state_of(project, instance_id):
    reservations = ec2_of(project).describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["State"]["Name"]


@pytest.fixture
def admin_client(client, make_user, project):
    """A staff user (a cloud admin on EC2 clouds), member of project alpha only."""
    admin = make_user("root", is_staff=True)
    project.memberships.create(user=admin)
    client.force_login(admin)
    return client


@pytest.fixture
def beta(make_project, make_user):
    return make_project("beta", make_user("bob"))


@pytest.mark.parametrize("name", LIST_URLS + OPENSTACK_ONLY_URLS)
def test_anonymous_goes_to_login_and_members_get_403(client, member_client, name):
    url = reverse(name)
    member = member_client.get(url)
    assert member.status_code == 403
    member_client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("django_nova:login"))


def test_member_cannot_act_on_instances_by_url(member_client, project):
    (instance_id,) = launch_in(project)
    response = member_client.post(reverse("django_nova:admin-instance-action",
                                          args=[project.pk, instance_id, "stop"]))
    assert response.status_code == 403
    assert state_of(project, instance_id) == "running"


@pytest.mark.parametrize("name", LIST_URLS)
def test_admin_sees_the_all_projects_lists(admin_client, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 200
    assert 'id="per-project-note"' in response.content.decode()


@pytest.mark.parametrize("name", OPENSTACK_ONLY_URLS)
def test_openstack_pages_say_not_on_this_cloud(admin_client, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 404
    assert "Not on this cloud" in response.content.decode()


def test_the_menu_offers_no_page_this_cloud_lacks(admin_client):
    html = admin_client.get(reverse("django_nova:admin-instances")).content.decode()
    assert 'id="nav-admin-instances"' in html and 'id="nav-admin-volumes"' in html
    assert 'id="nav-admin-flavors"' not in html and 'id="nav-admin-hypervisors"' not in html


def test_staff_without_any_project_still_sees_every_project(client, make_user, project, beta):
    launch_in(project, "alpha-vm")
    launch_in(beta, "beta-vm")
    client.force_login(make_user("lonely-admin", is_staff=True))
    response = client.get(reverse("django_nova:admin-instances"))
    assert response.status_code == 200
    names = {(r.project_name, r.instance.name) for r in response.context["page"].rows}
    assert names == {("alpha", "alpha-vm"), ("beta", "beta-vm")}


def test_all_instances_of_two_projects_with_their_names(admin_client, project, beta,
                                                         calls):
    alpha_ids = launch_in(project, "alpha-vm", 2)
    beta_ids = launch_in(beta, "beta-vm")
    admin_client.get(reverse("django_nova:admin-instances"))  # warm credentials
    calls.clear()
    response = admin_client.get(reverse("django_nova:admin-instances"))
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert {(r.project_name, r.instance.id) for r in rows} == (
        {("alpha", i) for i in alpha_ids} | {("beta", i) for i in beta_ids})
    html = response.content.decode()
    assert "beta-vm" in html and f'data-project="{beta.pk}"' in html
    assert all(r.instance.image and r.instance.image.name for r in rows)
    # One listing per project, side by side on the pool (the images were named on the
    # warm-up view: each project's are cached).
    assert Counter(op for op, _ in calls) == Counter({"DescribeInstances": 2})
    assert all(thread.startswith("nova-cloud") for _, thread in calls)


def test_project_filter_shows_one_project(admin_client, project, beta):
    launch_in(project, "alpha-vm")
    launch_in(beta, "beta-vm")
    response = admin_client.get(reverse("django_nova:admin-instances"), {"project": beta.pk})
    assert {r.project_name for r in response.context["page"].rows} == {"beta"}


def test_pages_go_over_projects(admin_client, project, beta, make_project, settings):
    settings.NOVA = {**settings.NOVA, "MAX_CONCURRENT_CALLS": 2}
    gamma = make_project("gamma")
    for p in (project, beta, gamma):
        launch_in(p, f"{p.name}-vm")
    url = reverse("django_nova:admin-instances")
    first = admin_client.get(url).context["page"]
    assert {r.project_name for r in first.rows} == {"alpha", "beta"}
    assert first.next_marker == "2"
    second = admin_client.get(url, {"marker": first.next_marker}).context["page"]
    assert {r.project_name for r in second.rows} == {"gamma"} and not second.next_marker


def test_a_busy_project_is_paged_on_its_own(admin_client, project, beta, settings):
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 5}
    for n in range(6):  # separate reservations: EC2 pages by reservation
        launch_in(project, f"alpha-vm-{n}")
    launch_in(beta, "beta-vm")
    url = reverse("django_nova:admin-instances")
    page = admin_client.get(url).context["page"]
    assert [p.name for p in page.truncated] == ["alpha"]
    only_alpha = admin_client.get(url, {"project": project.pk}).context["page"]
    assert len(only_alpha.rows) == 5 and only_alpha.next_marker
    rest = admin_client.get(url, {"project": project.pk,
                                  "marker": only_alpha.next_marker}).context["page"]
    assert len(rest.rows) == 1


def test_admin_stops_and_terminates_another_projects_instance(admin_client, beta):
    (instance_id,) = launch_in(beta, "beta-vm")
    list_url = reverse("django_nova:admin-instances")
    response = admin_client.post(
        reverse("django_nova:admin-instance-action", args=[beta.pk, instance_id, "stop"]),
        {"next": f"{list_url}?project={beta.pk}"})
    assert response.status_code == 302 and response["Location"] == f"{list_url}?project={beta.pk}"
    assert state_of(beta, instance_id) in ("stopping", "stopped")
    entry = AuditEntry.objects.latest("created_at")
    # Filed under the project acted in, which that project's members see in its log.
    assert (entry.action, entry.target, entry.project_id, entry.project_name,
            entry.outcome) == ("instance.stop", instance_id, str(beta.pk), beta.name,
                               AuditEntry.SUCCESS)

    terminate = reverse("django_nova:admin-instance-terminate", args=[beta.pk, instance_id])
    confirm = admin_client.get(terminate)
    assert confirm.status_code == 200 and "beta-vm" in confirm.content.decode()
    assert state_of(beta, instance_id) != "terminated"
    done = admin_client.post(terminate)
    assert done.status_code == 302
    assert any("Terminate" in m for m in messages_of(done))
    assert state_of(beta, instance_id) in ("shutting-down", "terminated")


def test_admin_reboot_asks_first(admin_client, beta):
    (instance_id,) = launch_in(beta, "beta-vm")
    url = reverse("django_nova:admin-instance-action", args=[beta.pk, instance_id, "reboot"])
    listing = admin_client.get(reverse("django_nova:admin-instances")).content.decode()
    assert f'href="{url}?next=' in listing
    confirm = admin_client.get(url, {"next": "/manage/instances/?project=x"}).content.decode()
    assert 'id="confirm-reboot"' in confirm and "beta-vm" in confirm
    assert 'name="next" value="/manage/instances/?project=x"' in confirm
    start = reverse("django_nova:admin-instance-action", args=[beta.pk, instance_id, "start"])
    assert admin_client.get(start).status_code == 405


def test_action_next_must_stay_on_the_site(admin_client, beta):
    (instance_id,) = launch_in(beta)
    response = admin_client.post(
        reverse("django_nova:admin-instance-action", args=[beta.pk, instance_id, "reboot"]),
        {"next": "https://evil.example/"})
    assert response["Location"] == reverse("django_nova:admin-instances")


def test_unknown_project_or_action_is_404(admin_client, beta):
    (instance_id,) = launch_in(beta)
    missing = admin_client.post(reverse("django_nova:admin-instance-action",
                                        args=[99999, instance_id, "stop"]))
    assert missing.status_code == 404
    form_action = admin_client.post(reverse("django_nova:admin-instance-action",
                                            args=[beta.pk, instance_id, "resize"]))
    assert form_action.status_code == 404
    assert state_of(beta, instance_id) == "running"


def test_all_volumes_and_admin_delete(admin_client, project, beta):
    alpha_volume = ec2_of(project).create_volume(Size=1, AvailabilityZone="us-east-1a")
    beta_volume = ec2_of(beta).create_volume(
        Size=2, AvailabilityZone="us-east-1a",
        TagSpecifications=[{"ResourceType": "volume",
                            "Tags": [{"Key": "Name", "Value": "beta-data"}]}])
    response = admin_client.get(reverse("django_nova:admin-volumes"))
    assert response.status_code == 200
    rows = {(r.project_name, r.volume.id) for r in response.context["page"].rows}
    assert rows == {("alpha", alpha_volume["VolumeId"]), ("beta", beta_volume["VolumeId"])}
    assert "beta-data" in response.content.decode()

    delete = reverse("django_nova:admin-volume-delete", args=[beta.pk, beta_volume["VolumeId"]])
    assert "beta-data" in admin_client.get(delete).content.decode()
    assert admin_client.post(delete).status_code == 302
    remaining = ec2_of(beta).describe_volumes()["Volumes"]
    assert beta_volume["VolumeId"] not in {v["VolumeId"] for v in remaining}


def test_hostile_names_are_escaped(admin_client, make_project):
    hostile = make_project(HOSTILE)
    launch_in(hostile, HOSTILE)
    ec2_of(hostile).create_volume(
        Size=1, AvailabilityZone="us-east-1a",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name",
                                                                "Value": HOSTILE}]}])
    for name in LIST_URLS:
        html = admin_client.get(reverse(name)).content.decode()
        assert HOSTILE not in html
        assert ESCAPED in html


def test_one_unreachable_project_does_not_break_the_page(admin_client, project, beta,
                                                         monkeypatch):
    launch_in(project, "alpha-vm")
    from django_nova.clouds.ec2.compute import EC2Compute
    from django_nova.exceptions import Forbidden

    original = EC2Compute.list_instances

    def refuse_beta(self, *args, **kwargs):
        if self.session.project.pk == beta.pk:
            raise Forbidden("The role cannot be assumed.")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EC2Compute, "list_instances", refuse_beta)
    response = admin_client.get(reverse("django_nova:admin-instances"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "alpha-vm" in html and "Could not list project" in html
    assert "The role cannot be assumed." in html


def test_admin_posts_need_a_csrf_token(make_user, project, beta):
    from django.test import Client

    (instance_id,) = launch_in(beta)
    admin = make_user("csrf-admin", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = reverse("django_nova:admin-instance-action", args=[beta.pk, instance_id, "stop"])
    refused = client.post(url)
    assert refused.status_code == 403 and b"CSRF verification failed" in refused.content
    assert state_of(beta, instance_id) == "running"
    client.get(reverse("django_nova:admin-instances"))
    accepted = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert accepted.status_code == 302
    assert state_of(beta, instance_id) in ("stopping", "stopped")

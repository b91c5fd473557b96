"""Views through the real cloud against moto: pages, forms, errors (the instances pages,
and the key pair, image, login and project pages around them)."""

import pytest

from django_nova.context import SESSION_PROJECT
from tests.data import ED25519_KEY, IMAGE_ID, PASSWORD
from tests.helpers import cloud_settings, messages_of, row_menu_links

RSA_1024 = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEXR5XEpvDS/7XZ4CMsrlqvmKh+S6BkdZcpz9+yXMbhEBxB"
            "Gm2h0ZS8v/1AfFLuXdl2lLiwkRGLbrZ2v2Go5Q7x9D2UyqWxDgIsxdYeBuFjjIvyd/dZuQR0xN2xYz9ncAzR"
            "Pap0Ma6dw9HtPvbFLaaylc8JWVaRU1UE5LE7nT8Ow== weak@example")


def test_instances_page_renders(member_client, launch):
    launch(name="smoke")
    response = member_client.get("/instances/")
    assert response.status_code == 200
    assert b"smoke" in response.content


def test_instances_table_shows_the_columns(member_client, launch):
    (instance_id,) = launch(name="web-1")
    response = member_client.get("/instances/")
    html = response.content.decode()
    assert response.status_code == 200
    for expected in ("web-1", instance_id, "running", "t3.micro", "CirrOS 0.6.3", "us-east-1"):
        assert expected in html


def test_terminated_instances_are_hidden_unless_asked(member_client, launch, cloud):
    keep, gone = launch(count=2, name="pair")
    cloud.compute.instance_action("terminate", [gone])
    assert gone not in member_client.get("/instances/").content.decode()
    assert gone in member_client.get("/instances/?terminated=1").content.decode()


def test_transitional_rows_poll_and_settled_rows_do_not(member_client, launch, cloud):
    (instance_id,) = launch()
    row = member_client.get(f"/instances/{instance_id}/row/").content.decode()
    assert row.startswith("<tr") and "hx-trigger" not in row
    cloud.compute.instance_action("stop", [instance_id])
    listing = member_client.get("/instances/").content.decode()
    state = cloud.compute.get_instance(instance_id).state
    assert ("hx-trigger" in listing) == (state == "stopping")


def test_paging_links_to_the_next_page(member_client, launch, settings):
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 5}
    for n in range(6):
        launch(name=f"vm-{n}")
    first = member_client.get("/instances/")
    assert first.context["page"].next_marker
    second = member_client.get("/instances/", {"marker": first.context["page"].next_marker})
    first_ids = {i.id for i in first.context["instances"]}
    second_ids = {i.id for i in second.context["instances"]}
    assert len(first_ids) == 5 and len(second_ids) == 1 and not first_ids & second_ids


def test_pager_goes_back_says_the_page_and_keeps_the_size(member_client, launch, settings):
    """Previous and next, the page's number and count, and a page size kept across pages
    and filters (the clouds page by marker only: the link carries the ones before)."""
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 5}
    for n in range(12):
        launch(name=f"vm-{n}")
    first = member_client.get("/instances/")
    assert first.context["page"].number == 1 and first.context["page"].previous_marker is None
    assert "Page 1: 5 instances" in first.content.decode()
    second = member_client.get("/instances/", {"marker": first.context["page"].next_marker})
    third = member_client.get("/instances/", {"marker": second.context["page"].next_marker})
    assert third.context["page"].number == 3 and len(third.context["instances"]) == 2
    assert not third.context["page"].next_marker
    back = member_client.get("/instances/", {"marker": third.context["page"].previous_marker})
    assert [i.id for i in back.context["instances"]] == [
        i.id for i in second.context["instances"]]
    html = second.content.decode()
    assert 'id="previous-page" rel="prev" href="?"' in html  # page 1 is the plain URL
    # 50 a page: all twelve, and the size is kept in the filter form and the other sizes.
    bigger = member_client.get("/instances/", {"size": "50", "terminated": "1"})
    assert len(bigger.context["instances"]) == 12 and not bigger.context["page"].next_marker
    html = bigger.content.decode()
    assert '<input type="hidden" name="size" value="50">' in html
    assert '<a href="?size=100&amp;terminated=1">100</a>' in html
    # A size that is not offered is the site's.
    assert member_client.get("/instances/", {"size": "7"}).context["size"] == 5


def test_search_finds_by_name_id_and_address_across_pages(member_client, launch, cloud,
                                                          settings):
    """The search box is the cloud's filter (tag:Name with wildcards, instance-id,
    private-ip-address or ip-address), so it finds what is not on the first page."""
    settings.NOVA = {**settings.NOVA, "PAGE_SIZE": 5}
    for n in range(6):
        launch(name=f"hay-{n}")
    (target,) = launch(name="needle-db")  # moto pages oldest first: not on page 1
    assert target not in {i.id for i in member_client.get("/instances/").context["instances"]}

    def found(text):
        response = member_client.get("/instances/", {"q": text})
        assert response.status_code == 200
        return [i.id for i in response.context["instances"]]

    instance = cloud.compute.get_instance(target)
    assert found("edle-d") == [target]  # part of the name
    assert found(target) == [target]
    assert found(instance.private_ips[0]) == [target]
    assert found(instance.public_ips[0]) == [target]
    assert len(found("hay-")) == 5  # paged like the list
    assert found("Needle") == []  # EC2 compares names case by case
    assert found("needle*") == [] and found("n?edle-db") == []  # wildcards are literal


def test_search_without_match_says_so_and_escapes_the_text(member_client, launch):
    launch(name="web")
    hostile = "<img src=x onerror=alert(1)>"
    html = member_client.get("/instances/", {"q": hostile, "tag": "team"}).content.decode()
    assert "No instances match “&lt;img src=x onerror=alert(1)&gt;”. (with the tag filter)" in html
    assert hostile not in html and "No instances yet" not in html
    assert f'value="{hostile}"' not in html
    # A tag filter alone keeps its own message; an empty project its invitation.
    html = member_client.get("/instances/", {"tag": "team"}).content.decode()
    assert "No instances match the tag filter" in html


def test_detail_and_console(member_client, launch):
    (instance_id,) = launch(name="db-1")
    detail = member_client.get(f"/instances/{instance_id}/")
    assert detail.status_code == 200 and b"db-1" in detail.content and b"CirrOS" in detail.content
    console = member_client.get(f"/instances/{instance_id}/console/")
    assert console.status_code == 200
    assert console.context["output"].strip()


def test_missing_instance_is_a_404_page_not_a_500(member_client):
    response = member_client.get("/instances/i-0123456789abcdef0/")
    assert response.status_code == 404
    assert b"does not exist" in response.content


def test_launch_form_offers_the_catalogs(member_client):
    form = member_client.get("/instances/launch/").context["form"]
    assert IMAGE_ID in dict(form.fields["image"].choices)
    assert "t3.micro" in dict(form.fields["instance_type"].choices)
    assert "default" in dict(form.fields["security_groups"].choices).values()
    assert "us-east-1a" in dict(form.fields["availability_zone"].choices)


def test_launch_prefills_the_image(member_client):
    form = member_client.get(f"/instances/launch/?image={IMAGE_ID}").context["form"]
    assert form.initial["image"] == IMAGE_ID


def test_launch_creates_instances(member_client, cloud):
    response = member_client.post("/instances/launch/", {
        "name": "batch", "image": IMAGE_ID, "instance_type": "t3.small", "count": 3,
        "availability_zone": "us-east-1b", "user_data": "#!/bin/sh\necho hi\n",
    })
    assert response.status_code == 302
    launched = [i for i in cloud.compute.list_instances().items if i.name.startswith("batch")]
    # Several instances of one launch are told apart as Nova names them.
    assert sorted(i.name for i in launched) == ["batch-1", "batch-2", "batch-3"]
    assert {i.instance_type for i in launched} == {"t3.small"}
    assert {i.availability_zone for i in launched} == {"us-east-1b"}
    assert any("Launched batch" in m for m in messages_of(response))


@pytest.mark.parametrize("field, value, error", [
    ("name", "", "This field is required."),
    ("name", "bad\nname", "control characters"),
    ("image", "ami-doesnotexist", "Select a valid choice"),
    ("instance_type", "t9.enormous", "Select a valid choice"),
    ("count", "0", "greater than or equal to 1"),
    ("count", "21", "less than or equal to 20"),
    ("user_data", "x" * (16 * 1024 + 1), "the limit is 16,384"),
])
def test_launch_form_errors_are_field_errors(member_client, cloud, field, value, error):
    data = {"name": "ok", "image": IMAGE_ID, "instance_type": "t3.micro", "count": 1}
    data[field] = value
    response = member_client.post("/instances/launch/", data)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert b"is-invalid" in response.content
    assert cloud.compute.list_instances().items == []


def test_instance_actions_and_terminate(member_client, launch, cloud):
    (instance_id,) = launch()
    response = member_client.post(f"/instances/{instance_id}/stop/")
    assert response.status_code == 302
    assert cloud.compute.get_instance(instance_id).state in {"stopping", "stopped"}
    member_client.post(f"/instances/{instance_id}/start/")
    assert cloud.compute.get_instance(instance_id).state in {"pending", "running"}
    confirm = member_client.get(f"/instances/{instance_id}/terminate/")
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    member_client.post(f"/instances/{instance_id}/terminate/")
    assert cloud.compute.get_instance(instance_id).state in {"shutting-down", "terminated"}


def test_unknown_action_is_404_and_get_is_refused(member_client, launch):
    (instance_id,) = launch()
    assert member_client.post(f"/instances/{instance_id}/explode/").status_code == 404
    # Start interrupts nothing: it has no confirmation page, only the POST.
    assert member_client.get(f"/instances/{instance_id}/start/").status_code == 405
    assert member_client.get(f"/instances/{instance_id}/explode/").status_code == 404


@pytest.mark.parametrize("action, effect", [
    ("stop", "everything running on it stops"), ("reboot", "interrupted while it boots")])
def test_disruptive_actions_ask_first_and_go_back_where_they_came_from(
        member_client, launch, cloud, action, effect):
    (instance_id,) = launch(name="db")
    listing = member_client.get("/instances/?tag=Name%3Ddb").content.decode()
    # The row menu links to the confirmation (a GET) instead of acting at once.
    link = f"/instances/{instance_id}/{action}/?next=/instances/%3Ftag%3DName%253Ddb"
    assert link in row_menu_links(listing, instance_id)
    confirm = member_client.get(f"/instances/{instance_id}/{action}/",
                                {"next": "/instances/?tag=Name%3Ddb"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and effect in html
    assert 'instance <span class="nova-name">db</span>?' in html
    assert f'id="confirm-{action}"' in html
    assert 'name="next" value="/instances/?tag=Name%3Ddb"' in html
    assert cloud.compute.get_instance(instance_id).state == "running"  # asking changed nothing

    done = member_client.post(f"/instances/{instance_id}/{action}/",
                              {"next": "/instances/?tag=Name%3Ddb"})
    assert done.status_code == 302 and done["Location"] == "/instances/?tag=Name%3Ddb"
    if action == "stop":
        assert cloud.compute.get_instance(instance_id).state in {"stopping", "stopped"}


def test_confirmation_never_sends_back_off_site(member_client, launch):
    (instance_id,) = launch()
    confirm = member_client.get(f"/instances/{instance_id}/stop/",
                                {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in confirm
    done = member_client.post(f"/instances/{instance_id}/stop/", {"next": "https://evil.example/"})
    assert done["Location"] == "/instances/"


def test_bulk_stop_says_what_happens_once(member_client, launch):
    ids = launch(count=2)
    confirm = member_client.post("/instances/bulk/", {"action": "stop", "ids": ids})
    html = confirm.content.decode()
    assert 'id="bulk-effect"' in html and "everything running on it stops" in html
    assert "cannot be undone" not in html


def test_failed_action_shows_the_clouds_reason(member_client):
    response = member_client.post("/instances/i-0123456789abcdef0/stop/", follow=True)
    assert response.status_code == 200
    assert any("Could not stop" in m for m in messages_of(response))


def test_images_page_lists_own_images_first(member_client, ec2, launch):
    (instance_id,) = launch()
    own_id = ec2.create_image(InstanceId=instance_id, Name="zz-my-image")["ImageId"]
    images = member_client.get("/images/").context["images"]
    assert images[0].id == own_id and images[0].is_own
    assert {i.name for i in images[1:]} >= {"CirrOS 0.6.3", "Debian 13 (Trixie)"}
    assert not any(i.is_own for i in images[1:])


def test_key_pair_create_downloads_the_private_key_once(member_client, cloud):
    response = member_client.post("/keypairs/create/", {"name": "deploy", "key_type": "ed25519"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="deploy.pem"'
    assert response["Cache-Control"] == "no-store"
    assert b"PRIVATE KEY" in response.content
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["deploy"]
    listing = member_client.get("/keypairs/")
    assert b"deploy" in listing.content and b"PRIVATE KEY" not in listing.content
    duplicate = member_client.post("/keypairs/create/", {"name": "deploy", "key_type": "rsa"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]


@pytest.mark.parametrize("public_key, error", [
    ("ssh-rsa AAAA-not-base64", "not a valid OpenSSH public key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----",
     "private key"),
    (RSA_1024, "at least 2048 bits"),
    ("", "This field is required."),
])
def test_key_pair_import_rejects_bad_keys(member_client, cloud, public_key, error):
    response = member_client.post("/keypairs/import/", {"name": "k", "public_key": public_key})
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["public_key"])
    assert cloud.key_pairs.list_key_pairs() == []


def test_key_pair_import_and_delete(member_client, cloud):
    response = member_client.post("/keypairs/import/",
                                  {"name": "laptop", "public_key": ED25519_KEY})
    assert response.status_code == 302
    assert [k.name for k in cloud.key_pairs.list_key_pairs()] == ["laptop"]
    assert member_client.get("/keypairs/laptop/delete/").status_code == 200
    member_client.post("/keypairs/laptop/delete/")
    assert cloud.key_pairs.list_key_pairs() == []
    assert member_client.get("/keypairs/laptop/delete/").status_code == 404


def test_key_pair_name_is_validated(member_client):
    response = member_client.post("/keypairs/create/", {"name": "../etc", "key_type": "rsa"})
    assert response.context["form"].errors["name"]


def test_switching_projects_and_regions(member_client, member, make_project, launch):
    launch(name="in-alpha")
    beta = make_project("beta", member)
    header = member_client.get("/instances/").content.decode()
    assert "alpha" in header and "beta" in header and "us-east-1" in header
    member_client.post("/switch/project/", {"project": beta.pk})
    assert member_client.session[SESSION_PROJECT] == str(beta.pk)
    assert b"in-alpha" not in member_client.get("/instances/").content
    member_client.post("/switch/region/", {"region": "eu-west-1"})
    page = member_client.get("/instances/")
    assert page.wsgi_request.nova.region == "eu-west-1"
    assert member_client.post("/switch/region/", {"region": "mars-1"}).status_code == 403


def test_user_without_project_gets_a_clear_page(client, make_user):
    client.force_login(make_user("loner"))
    response = client.get("/instances/")
    assert response.status_code == 403
    assert b"not a member of any project" in response.content


def test_unreachable_cloud_gives_a_readable_page(member_client, settings, closed_port_url):
    settings.NOVA = {**settings.NOVA, **cloud_settings(closed_port_url)}
    response = member_client.get("/instances/")
    assert response.status_code == 503
    assert b"Cloud unavailable" in response.content and b"did not answer" in response.content
    launch_page = member_client.get("/instances/launch/")
    assert launch_page.status_code == 503


def test_login_and_logout(client, member, project):
    response = client.post("/login/?next=/images/", {"username": "alice", "password": PASSWORD,
                                                     "next": "/images/"})
    assert response.status_code == 302 and response["Location"] == "/images/"
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/instances/").status_code == 302


def test_wrong_password_is_refused(client, member):
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200 and b"correct username and password" in response.content


def test_instance_of_another_project_is_not_found_by_url(client, make_user, make_project,
                                                         launch, cloud):
    (instance_id,) = launch()
    intruder = make_user("mallory")
    make_project("gamma", intruder)
    client.force_login(intruder)
    assert client.get(f"/instances/{instance_id}/").status_code == 404
    assert client.get(f"/instances/{instance_id}/console/").status_code == 404
    client.post(f"/instances/{instance_id}/terminate/")
    assert cloud.compute.get_instance(instance_id).state == "running"


def test_embedded_cloud_that_cannot_start_gives_a_readable_page(member_client, settings):
    from django_nova import embedded

    embedded.forget_endpoint()
    settings.NOVA = {**settings.NOVA, **cloud_settings("embedded"),
                     "EMBEDDED_STATE_DIR": "/dev/null/cannot-exist"}
    response = member_client.get("/instances/")
    assert response.status_code == 503
    assert b"could not be started" in response.content


def test_polling_row_of_a_vanished_instance_removes_itself(member_client):
    missing = "/instances/i-0123456789abcdef0/row/"
    assert member_client.get(missing).status_code == 404
    polled = member_client.get(missing, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and polled.content == b""


def test_instance_types_page(member_client):
    response = member_client.get("/flavors/")
    assert response.status_code == 200
    assert [t.name for t in response.context["instance_types"]][:2] == ["t3.nano", "t3.micro"]
    assert b"Instance types" in response.content

"""The project's own images on EC2 (moto): create from an instance, register from a
snapshot, edit, make public or private, delete; others' images stay read-only."""


from django_nova.resources import VolumeSpec
from tests.data import IMAGE_ID


def own_images(cloud):
    return cloud.images.list_images("own")


def test_create_image_from_instance(member_client, launch, cloud):
    (instance_id,) = launch(name="golden")
    response = member_client.post(f"/images/from-instance/{instance_id}/",
                                  {"name": "golden-v1", "description": "base"})
    assert response.status_code == 302
    (image,) = own_images(cloud)
    assert (image.name, image.description) == ("golden-v1", "base")
    listing = member_client.get("/images/").context["images"]
    assert listing[0].id == image.id and listing[0].is_own


def test_edit_visibility_and_delete_own_image(member_client, launch, cloud):
    (instance_id,) = launch()
    image_id = cloud.images.create_image(instance_id, "mine", "")
    form = member_client.get(f"/images/{image_id}/edit/").context["form"]
    assert form.fields["name"].disabled  # EC2 fixes AMI names
    # moto accepts a new description and keeps the old one (AWS applies it): read back,
    # the page says nothing was saved instead of "Saved" (Glance's edits: tests/openstack).
    kept = member_client.post(f"/images/{image_id}/edit/", {"name": "ignored",
                                                           "description": "new"})
    assert kept.status_code == 200 and "Saved image" not in kept.content.decode()
    assert "kept the image's old description, so nothing was saved" in " ".join(
        kept.context["form"].non_field_errors())
    assert kept.context["form"]["description"].value() == "new"  # the input is kept
    assert (own_images(cloud)[0].name, own_images(cloud)[0].description) == ("mine", "")
    unchanged = member_client.post(f"/images/{image_id}/edit/", {"name": "ignored",
                                                                "description": ""})
    assert unchanged.status_code == 302

    member_client.post(f"/images/{image_id}/visibility/", {"public": "1"})
    assert own_images(cloud)[0].is_public
    member_client.post(f"/images/{image_id}/visibility/", {"public": "0"})
    assert not own_images(cloud)[0].is_public

    assert member_client.get(f"/images/{image_id}/delete/").status_code == 200
    member_client.post(f"/images/{image_id}/delete/")
    assert own_images(cloud) == []


def test_public_images_of_others_cannot_be_changed(member_client, cloud):
    assert member_client.get(f"/images/{IMAGE_ID}/edit/").status_code == 404
    assert member_client.get(f"/images/{IMAGE_ID}/delete/").status_code == 404
    response = member_client.post(f"/images/{IMAGE_ID}/delete/")
    assert response.status_code == 404
    assert b"not one of this project&#x27;s images" in response.content
    assert IMAGE_ID in {i.id for i in cloud.images.list_images("public")}


def test_register_image_from_snapshot(member_client, cloud):
    volume = cloud.volumes.create_volume(VolumeSpec(name="root", size_gb=8,
                                             availability_zone="us-east-1a"))
    snapshot = cloud.volumes.create_snapshot(volume.id, "root-snap", "")
    form = member_client.get(f"/images/register/?snapshot={snapshot.id}").context["form"]
    assert form.initial["snapshot"] == snapshot.id
    response = member_client.post("/images/register/", {"name": "from-snap", "description": "",
                                                        "snapshot": snapshot.id})
    assert response.status_code == 302
    assert [i.name for i in own_images(cloud)] == ["from-snap"]
    bad = member_client.post("/images/register/", {"name": "x", "snapshot": "snap-nope"})
    assert bad.context["form"].errors["snapshot"]


def test_image_forms_validate(member_client, launch, cloud):
    (instance_id,) = launch()
    response = member_client.post(f"/images/from-instance/{instance_id}/", {"name": ""})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert own_images(cloud) == []


def test_ec2_takes_no_uploads(member_client):
    assert member_client.get("/images/upload/").status_code == 404
    assert b"Upload image" not in member_client.get("/images/").content


def test_hostile_image_names_are_escaped(member_client, launch, cloud):
    hostile = "<img src=x onerror=alert(1)>"
    (instance_id,) = launch()
    image_id = cloud.images.create_image(instance_id, hostile, hostile)
    for url in ("/images/", f"/images/{image_id}/edit/", f"/images/{image_id}/delete/",
                "/instances/launch/"):
        html = member_client.get(url).content.decode()
        assert hostile not in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url

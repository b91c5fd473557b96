"""Instances, images, key pairs and the launch form's catalogs for one project."""

import uuid
from dataclasses import dataclass, replace

from django.core.cache import cache

from ..concurrency import gather
from ..conf import nova_settings
from ..context import NovaContext
from ..exceptions import CloudError, NotFound
from ..resources import (
    AvailabilityZone,
    Image,
    Instance,
    InstanceType,
    KeyPair,
    LaunchSpec,
    NewKeyPair,
    Page,
    SecurityGroup,
)
from .quotas import check_quota


def _version_key(cloud_key: str) -> str:
    return f"nova:{cloud_key}:catalog-version"


def catalog_version(cloud_key: str) -> str:
    """The current version of a cloud's cached catalogs (part of every catalog key)."""
    key = _version_key(cloud_key)
    version = cache.get(key)
    if version is None:
        # Never a version used before, so entries of a forgotten version cannot come back.
        cache.add(key, uuid.uuid4().hex[:12], None)
        version = cache.get(key) or ""
    return version


def forget_catalogs(cloud_key: str) -> None:
    """Drop every cached catalog of a cloud, for every project and region (a new version)."""
    cache.set(_version_key(cloud_key), uuid.uuid4().hex[:12], None)


@dataclass(frozen=True)
class LaunchOptions:
    images: list[Image]
    instance_types: list[InstanceType]
    key_pairs: list[KeyPair]
    security_groups: list[SecurityGroup]
    availability_zones: list[AvailabilityZone]
    instance_type_label: str = "Instance type"


class ComputeService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.driver = context.driver

    def _cached(self, name: str, fetch, per_project: bool = False):
        """Slow-changing catalogs, cached per cloud and region (and project if it varies).

        Keys carry the cloud's catalog version: ``forget_catalogs`` drops them all at once.
        """
        parts = ["nova", self.context.cloud_key, self.context.region, name]
        if per_project:
            parts.append(self.context.project.id if self.context.project else "")
        parts.append(catalog_version(self.context.cloud_key))
        key = ":".join(parts)
        value = cache.get(key)
        if value is None:
            value = fetch()
            cache.set(key, value, nova_settings()["CATALOG_CACHE_SECONDS"])
        return value

    def _image_calls(self) -> dict:
        return {
            "own": lambda: self.driver.list_images("own"),
            "shared": lambda: self.driver.list_images("shared"),
            "public": lambda: self._cached("public-images",
                                           lambda: self.driver.list_images("public")),
        }

    def _merge_images(self, own, shared, public) -> list[Image]:
        """Own images first, then shared, then public; each image once, own ones marked."""
        owner = self.context.project.owner_id
        seen, images = set(), []
        for group in (own, shared, public):
            for image in sorted(group, key=lambda i: i.name.lower()):
                if image.id not in seen:
                    seen.add(image.id)
                    images.append(replace(image, is_own=image.owner_id == owner))
        return images

    # Instances
    def instances_page(self, marker: str = "", include_terminated: bool = False,
                       tag: str = "") -> Page[Instance]:
        """One page of instances with their images: two cloud calls whatever the count.

        Only the images the page shows are fetched, by id (not the catalog).
        """
        page = self.driver.list_instances(marker=marker, limit=nova_settings()["PAGE_SIZE"],
                                          include_terminated=include_terminated, tag=tag)
        return Page(items=self._with_images(page.items), next_marker=page.next_marker)

    def instance(self, instance_id: str) -> Instance:
        return self._with_images([self.driver.get_instance(instance_id)])[0]

    def _with_images(self, instances: list[Instance]) -> list[Instance]:
        wanted = sorted({i.image_id for i in instances if i.image_id})
        images = {image.id: image for image in self.driver.get_images(wanted)} if wanted else {}
        return [i.with_image(images.get(i.image_id)) for i in instances]

    def set_tag(self, instance_id: str, key: str, value: str) -> None:
        self.driver.set_tag(instance_id, key, value)

    def delete_tag(self, instance_id: str, key: str) -> None:
        self.driver.delete_tag(instance_id, key)

    def add_label(self, instance_id: str, label: str) -> None:
        self.driver.add_label(instance_id, label)

    def remove_label(self, instance_id: str, label: str) -> None:
        self.driver.remove_label(instance_id, label)

    def launch(self, spec: LaunchSpec) -> list[Instance]:
        check_quota(self.context, launch=spec)
        return self.driver.launch(spec)

    def act(self, action: str, instance_ids: list[str]) -> None:
        self.driver.instance_action(action, instance_ids)

    def act_each(self, action: str, instance_ids: list[str]) -> list[tuple[str, str]]:
        """Run an action on each instance on its own (concurrently): (id, error or "")."""
        def one(instance_id):
            def run():
                try:
                    self.driver.instance_action(action, [instance_id])
                except CloudError as error:
                    return error.message
                return ""
            return run
        found = gather(**{f"i{n}": one(i) for n, i in enumerate(instance_ids)})
        return [(i, found[f"i{n}"]) for n, i in enumerate(instance_ids)]

    def resize(self, instance_id: str, instance_type_id: str) -> None:
        self.driver.resize(instance_id, instance_type_id)

    def rebuild(self, instance_id: str, image_id: str) -> None:
        self.driver.rebuild(instance_id, image_id)

    def instance_types(self) -> list[InstanceType]:
        # Per project: OpenStack lists a private flavor only to the projects granted it.
        return self._cached("instance-types", self.driver.list_instance_types,
                            per_project=True)

    def console_output(self, instance_id: str) -> tuple[Instance, str]:
        found = gather(instance=lambda: self.driver.get_instance(instance_id),
                       output=lambda: self.driver.console_output(instance_id))
        return found["instance"], found["output"]

    # Images
    def launchable_images(self) -> list[Image]:
        """The images the project can launch, its own first (three concurrent calls)."""
        return self._merge_images(**gather(**self._image_calls()))

    def own_image(self, image_id: str) -> Image:
        """An image of this project; others' images cannot be changed from here."""
        image = next(iter(self.driver.get_images([image_id])), None)
        if image is None:
            raise NotFound(f"The image {image_id} does not exist.")
        if image.owner_id != self.context.project.owner_id:
            raise NotFound(f"The image {image_id} is not one of this project's images.")
        return replace(image, is_own=True)

    def create_image(self, instance_id: str, name: str, description: str) -> str:
        return self.driver.create_image(instance_id, name, description)

    def upload_image(self, name: str, upload, disk_format: str, container_format: str,
                     min_disk_gb: int, min_ram_mb: int) -> str:
        """Stream an uploaded file (Django keeps big ones on disk, not in memory) to the cloud."""
        upload.seek(0)
        return self.driver.upload_image(name, upload, upload.size, disk_format,
                                        container_format, min_disk_gb, min_ram_mb)

    def register_image(self, snapshot_id: str, name: str, description: str) -> str:
        return self.driver.register_image(snapshot_id, name, description)

    def update_image(self, image_id: str, name: str, description: str) -> None:
        self.own_image(image_id)
        self.driver.update_image(image_id, name, description)

    def set_image_public(self, image_id: str, public: bool) -> None:
        self.own_image(image_id)
        self.driver.set_image_public(image_id, public)

    def delete_image(self, image_id: str) -> None:
        self.own_image(image_id)
        self.driver.delete_image(image_id)

    def launch_options(self) -> LaunchOptions:
        """Everything the launch form offers, fetched concurrently."""
        found = gather(
            **self._image_calls(),
            instance_types=self.instance_types,
            key_pairs=self.driver.list_key_pairs,
            security_groups=self.driver.list_security_groups,
            availability_zones=lambda: self._cached(
                "zones", self.driver.list_availability_zones, per_project=True),
        )
        images = self._merge_images(found.pop("own"), found.pop("shared"), found.pop("public"))
        return LaunchOptions(images=images, instance_type_label=self.driver.INSTANCE_TYPE_LABEL,
                             **found)

    # Key pairs
    def key_pairs(self) -> list[KeyPair]:
        return self.driver.list_key_pairs()

    def create_key_pair(self, name: str, key_type: str) -> NewKeyPair:
        check_quota(self.context, key_pairs=1)
        return self.driver.create_key_pair(name, key_type)

    def import_key_pair(self, name: str, public_key: str) -> KeyPair:
        check_quota(self.context, key_pairs=1)
        return self.driver.import_key_pair(name, public_key)

    def key_pair(self, name: str) -> KeyPair:
        found = next((k for k in self.driver.list_key_pairs() if k.name == name), None)
        if found is None:
            raise NotFound(f"There is no key pair named {name} in this project.")
        return found

    def delete_key_pair(self, name: str) -> None:
        """Delete a key pair the project has; EC2 would silently 'delete' a missing one."""
        self.key_pair(name)
        self.driver.delete_key_pair(name)

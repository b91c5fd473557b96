"""Instances, images, key pairs and the launch form's catalogs for one project."""

from dataclasses import dataclass, replace
from functools import wraps

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..concurrency import gather, gather_outcomes, outcome_error
from ..conf import nova_settings
from ..context import NovaContext
from ..events import acting, records
from ..exceptions import Conflict, NotFound
from ..resources import (
    ACTIONS,
    Action,
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
from ..search import Search
from .catalogs import cached, forget_catalogs, images_by_id, instance_types
from .paging import marker_from, sign
from .quotas import quota_held


@dataclass(frozen=True)
class LaunchOptions:
    images: list[Image]
    instance_types: list[InstanceType]
    key_pairs: list[KeyPair]
    security_groups: list[SecurityGroup]
    availability_zones: list[AvailabilityZone]
    instance_type_label: str = gettext_lazy("Instance type")


def changes_images(method):
    """A change to images forgets the cached catalogs (public images, the images lists
    name), whether it worked or not: the user's own change is never shown stale."""
    @wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            forget_catalogs(self.context.cloud_key)
    return run


class ComputeService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.cloud = context.cloud
        self.compute = self.cloud.compute
        self.images = self.cloud.images

    @staticmethod
    def action(name: str) -> Action | None:
        """One of the instance actions any cloud may offer, by name."""
        return ACTIONS.get(name)

    def _image_calls(self) -> dict:
        return {
            "own": lambda: self.images.list_images("own"),
            "shared": lambda: self.images.list_images("shared"),
            "public": lambda: cached(self.context, "public-images",
                                     lambda: self.images.list_images("public")),
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
                       tag: str = "", search: Search | None = None,
                       size: int = 0) -> Page[Instance]:
        """One page of instances with their images: two cloud calls whatever the count
        (three for an IP search on EC2, which looks at private and public addresses).

        Only the images the page shows are fetched, by id (not the catalog).  ``marker``
        is a page link's (signed; see ``paging``); ``size`` one of ``page_sizes()``.
        """
        page = self.compute.list_instances(
            marker=marker_from(marker), limit=size or nova_settings()["PAGE_SIZE"],
            include_terminated=include_terminated, tag=tag, search=search)
        return sign(Page(items=self._with_images(page.items), next_marker=page.next_marker),
                    marker)

    def instance(self, instance_id: str) -> Instance:
        return self._with_images([self.compute.get_instance(instance_id)])[0]

    def _with_images(self, instances: list[Instance]) -> list[Instance]:
        """The instances with their images, named from the cache where it has them."""
        wanted = sorted({i.image_id for i in instances if i.image_id})
        images = images_by_id(self.context, wanted, self.images.get_images) if wanted else {}
        return [i.with_image(images.get(i.image_id)) for i in instances]

    @records("instance.set-tag", "instance_id")
    def set_tag(self, instance_id: str, key: str, value: str) -> None:
        self.compute.set_tag(instance_id, key, value)

    @records("instance.delete-tag", "instance_id")
    def delete_tag(self, instance_id: str, key: str) -> None:
        self.compute.delete_tag(instance_id, key)

    @records("instance.add-label", "instance_id")
    def add_label(self, instance_id: str, label: str) -> None:
        self.compute.add_label(instance_id, label)

    @records("instance.remove-label", "instance_id")
    def remove_label(self, instance_id: str, label: str) -> None:
        self.compute.remove_label(instance_id, label)

    @records("instance.launch", "spec.name", made="id")
    def launch(self, spec: LaunchSpec) -> list[Instance]:
        with quota_held(self.context, launch=spec):
            return self.compute.launch(spec)

    def act(self, action: str, instance_ids: list[str]) -> None:
        with acting(self.context, f"instance.{action}", *instance_ids):
            self.compute.instance_action(action, instance_ids)

    def act_each(self, action: str, instance_ids: list[str]) -> list[tuple[str, str]]:
        """Run an action on each instance on its own (concurrently): (id, error or "")."""
        found = gather_outcomes(**{f"i{n}": (lambda i=i: self.act(action, [i]))
                                   for n, i in enumerate(instance_ids)})
        return [(i, outcome_error(found[f"i{n}"])) for n, i in enumerate(instance_ids)]

    @records("instance.resize", "instance_id")
    def resize(self, instance_id: str, instance_type_id: str) -> None:
        self.compute.resize(instance_id, instance_type_id)

    @records("instance.rebuild", "instance_id")
    def rebuild(self, instance_id: str, image_id: str) -> None:
        self.compute.rebuild(instance_id, image_id)

    def instance_types(self) -> list[InstanceType]:
        return instance_types(self.context)

    def console_output(self, instance_id: str) -> tuple[Instance, str]:
        found = gather(instance=lambda: self.compute.get_instance(instance_id),
                       output=lambda: self.compute.console_output(instance_id))
        return found["instance"], found["output"]

    # Images
    def launchable_images(self) -> list[Image]:
        """The images the project can launch, its own first (three concurrent calls)."""
        return self._merge_images(**gather(**self._image_calls()))

    def own_image(self, image_id: str) -> Image:
        """An image of this project; others' images cannot be changed from here."""
        image = next(iter(self.images.get_images([image_id])), None)
        if image is None:
            raise NotFound(_("The image %(id)s does not exist.") % {"id": image_id})
        if image.owner_id != self.context.project.owner_id:
            raise NotFound(_("The image %(id)s is not one of this project's images.")
                           % {"id": image_id})
        return replace(image, is_own=True)

    @records("image.create", "name", made=".")
    @changes_images
    def create_image(self, instance_id: str, name: str, description: str) -> str:
        return self.images.create_image(instance_id, name, description)

    @records("image.upload", "name", made=".")
    @changes_images
    def upload_image(self, name: str, upload, disk_format: str, container_format: str,
                     min_disk_gb: int, min_ram_mb: int) -> str:
        """Stream an uploaded file (Django keeps big ones on disk, not in memory) to the cloud."""
        upload.seek(0)
        return self.images.upload_image(name, upload, upload.size, disk_format,
                                        container_format, min_disk_gb, min_ram_mb)

    @records("image.register", "name", made=".")
    @changes_images
    def register_image(self, snapshot_id: str, name: str, description: str) -> str:
        return self.images.register_image(snapshot_id, name, description)

    @records("image.update", "image_id")
    @changes_images
    def update_image(self, image_id: str, name: str, description: str) -> Image:
        """Change and read back: a cloud may accept a change and keep the old value (moto
        ignores an AMI's new description), and the page must not claim it was saved."""
        before = self.own_image(image_id)
        self.images.update_image(image_id, name, description)
        after = self.own_image(image_id)
        if description != before.description and after.description != description:
            raise Conflict(_("The cloud accepted the change but kept the image's old "
                             "description, so nothing was saved."))
        if (name != before.name and after.name != name
                and not self.context.capabilities.image_name_fixed):
            raise Conflict(_("The cloud accepted the change but kept the image's old name, "
                             "so nothing was saved."))
        return after

    @records("image.set-visibility", "image_id")
    @changes_images
    def set_image_public(self, image_id: str, public: bool) -> None:
        self.own_image(image_id)
        self.images.set_image_public(image_id, public)

    @records("image.delete", "image_id")
    @changes_images
    def delete_image(self, image_id: str) -> None:
        self.own_image(image_id)
        self.images.delete_image(image_id)

    def launch_options(self) -> LaunchOptions:
        """Everything the launch form offers, fetched concurrently."""
        found = gather(
            **self._image_calls(),
            instance_types=self.instance_types,
            key_pairs=self.cloud.key_pairs.list_key_pairs,
            security_groups=(self.cloud.security_groups.list_security_groups
                             if self.cloud.security_groups else list),
            availability_zones=lambda: cached(
                self.context, "zones", self.compute.list_availability_zones, per_project=True),
        )
        images = self._merge_images(found.pop("own"), found.pop("shared"), found.pop("public"))
        return LaunchOptions(images=images,
                             instance_type_label=self.context.capabilities.instance_type_label,
                             **found)

    # Key pairs
    def key_pairs(self) -> list[KeyPair]:
        return self.cloud.key_pairs.list_key_pairs()

    @records("keypair.create", "name")
    def create_key_pair(self, name: str, key_type: str) -> NewKeyPair:
        with quota_held(self.context, key_pairs=1):
            return self.cloud.key_pairs.create_key_pair(name, key_type)

    @records("keypair.import", "name")
    def import_key_pair(self, name: str, public_key: str) -> KeyPair:
        with quota_held(self.context, key_pairs=1):
            return self.cloud.key_pairs.import_key_pair(name, public_key)

    def key_pair(self, name: str) -> KeyPair:
        found = next((k for k in self.cloud.key_pairs.list_key_pairs() if k.name == name), None)
        if found is None:
            raise NotFound(_("There is no key pair named %(name)s in this project.")
                           % {"name": name})
        return found

    @records("keypair.delete", "name")
    def delete_key_pair(self, name: str) -> None:
        """Delete a key pair the project has; EC2 would silently 'delete' a missing one."""
        self.key_pair(name)
        self.cloud.key_pairs.delete_key_pair(name)

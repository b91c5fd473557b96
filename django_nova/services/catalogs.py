"""Slow-changing catalogs (instance types, zones, public images, the images lists
name), cached briefly.

Keys carry the cloud's catalog version, so ``forget_catalogs`` (after an
admin changes flavors) drops every project's and region's entries at once.
"""

import uuid

from django.core.cache import cache

from ..conf import nova_settings
from ..context import NovaContext
from ..resources import Image, InstanceType


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


def _key(context: NovaContext, name: str, per_project: bool) -> str:
    parts = ["nova", context.cloud_key, context.region, name]
    if per_project:
        parts.append(context.project.id if context.project else "")
    parts.append(catalog_version(context.cloud_key))
    return ":".join(parts)


def cached(context: NovaContext, name: str, fetch, per_project: bool = False):
    """``fetch()``'s answer, cached per cloud and region (and project if it varies)."""
    key = _key(context, name, per_project)
    value = cache.get(key)
    if value is None:
        value = fetch()
        cache.set(key, value, nova_settings()["CATALOG_CACHE_SECONDS"])
    return value


def images_by_id(context: NovaContext, image_ids: list[str], fetch) -> dict[str, Image | None]:
    """The images of these ids (None for one the cloud does not have), each cached per
    project: lists name the images their rows show, and images rarely change.

    Only the ids not cached are fetched (``fetch(ids)``, one call).  Changes made
    through django-nova forget them (``forget_catalogs``); for display only, never for
    a decision (a change reads the image afresh).
    """
    prefix = _key(context, "image", per_project=True)
    keys = {image_id: f"{prefix}:{image_id}" for image_id in image_ids}
    stored = cache.get_many(list(keys.values()))
    images = {image_id: stored[key] for image_id, key in keys.items() if key in stored}
    missing = [image_id for image_id in image_ids if image_id not in images]
    if missing:
        fetched = {image.id: image for image in fetch(missing)}
        fresh = {image_id: fetched.get(image_id) for image_id in missing}
        cache.set_many({keys[image_id]: image for image_id, image in fresh.items()},
                       nova_settings()["CATALOG_CACHE_SECONDS"])
        images.update(fresh)
    return images


def instance_types(context: NovaContext) -> list[InstanceType]:
    # Per project: OpenStack lists a private flavor only to the projects granted it.
    return cached(context, "instance-types", context.cloud.compute.list_instance_types,
                  per_project=True)


def instance_types_by_key(context: NovaContext) -> dict[str, InstanceType]:
    """Instance types by id and by name (instances name their type either way)."""
    return {key: t for t in instance_types(context) for key in {t.id, t.name}}

"""Glance images: the project's own, shared with it, public; uploads from the browser."""

from django.utils.translation import gettext as _

from ...exceptions import InvalidInput
from . import parsers
from .session import OpenStackSession


class OpenStackImages:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _glance(self):
        return self.session.conn.image

    def list_images(self, scope):
        filters = {"own": {"owner": self.session.project_id},
                   "shared": {"visibility": "shared"},
                   "public": {"visibility": "public"}}.get(scope)
        if filters is None:
            raise InvalidInput(_("Unknown image scope %(scope)s.") % {"scope": repr(scope)})
        return self.session.call(lambda: [parsers.image(i)
                                          for i in self._glance.images(**filters)])

    def get_images(self, image_ids):
        if not image_ids:
            return []
        wanted = "in:" + ",".join(image_ids)
        return self.session.call(lambda: [parsers.image(i)
                                          for i in self._glance.images(id=wanted)])

    def create_image(self, instance_id, name, description):
        created = self.session.call(
            self.session.conn.compute.create_server_image, instance_id, name,
            metadata={"description": description} if description else None)
        return created.id

    def update_image(self, image_id, name, description):
        self.session.call(self._glance.update_image, image_id, name=name,
                          description=description)

    def set_image_public(self, image_id, public):
        self.session.call(self._glance.update_image, image_id,
                          visibility="public" if public else "private")

    def delete_image(self, image_id):
        self.session.call(self._glance.delete_image, image_id)

    def upload_image(self, name, data, size, disk_format, container_format, min_disk_gb,
                     min_ram_mb):
        created = self.session.call(
            self._glance.create_image, name, data=data, size=size, disk_format=disk_format,
            container_format=container_format, min_disk=min_disk_gb, min_ram=min_ram_mb,
            visibility="private", allow_duplicates=True, validate_checksum=False)
        return created.id

    def register_image(self, snapshot_id, name, description):
        raise InvalidInput(_("This cloud registers images by upload, not from snapshots."))

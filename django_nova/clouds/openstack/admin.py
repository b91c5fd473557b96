"""Cloud administration: every project's servers and volumes; flavors, hypervisors, services.

The admin acts with their own project-scoped token: Nova and Cinder list
every project's servers and volumes to the admin role in one call each
(``all_projects``), and Nova lets an admin act on any project's server.
Flavors, hypervisors and compute services are Nova's admin APIs.
"""

from openstack import exceptions as sdk_exceptions

from ...resources import Page, ProjectInstance, ProjectVolume
from . import parsers
from .session import OpenStackSession

# The hypervisor list reports vCPU, RAM and disk usage up to this microversion
# (2.88 moved usage to Placement); 2.53 gives UUIDs and exists since Pike.
HYPERVISOR_MICROVERSION = "2.53"
# Compute services by id (not host and binary) since 2.53.
SERVICES_MICROVERSION = "2.53"


def _paged(params: dict, marker: str, limit: int, project_id: str) -> dict:
    params.update({"all_projects": True, "limit": limit, "paginated": False})
    if marker:
        params["marker"] = marker
    if project_id:
        params["project_id"] = project_id
    return params


class OpenStackAllProjects:
    def __init__(self, session: OpenStackSession):
        self.session = session

    def list_all_instances(self, marker="", limit=20, project_id=""):
        params = _paged({"details": True}, marker, limit, project_id)
        servers = self.session.call(lambda: list(self.session.conn.compute.servers(**params)))
        items = [ProjectInstance(project_id=s.project_id or "", instance=parsers.server(s))
                 for s in servers]
        return Page(items=items,
                    next_marker=items[-1].instance.id if len(items) >= limit else "")

    def list_all_volumes(self, marker="", limit=20, project_id=""):
        params = _paged({"details": True}, marker, limit, project_id)
        volumes = self.session.call(lambda: list(
            self.session.conn.block_storage.volumes(**params)))
        items = [ProjectVolume(project_id=v.project_id or "", volume=parsers.volume(v))
                 for v in volumes]
        return Page(items=items, next_marker=items[-1].volume.id if len(items) >= limit else "")

    def project_names(self):
        return self.session.call(lambda: {p.id: p.name
                                          for p in self.session.conn.identity.projects()})

    def all_instance_names(self, instance_ids=None):
        """Every project's server names (one plain list); ``instance_ids`` narrows the answer."""
        wanted = set(instance_ids) if instance_ids is not None else None
        return self.session.call(lambda: {
            s.id: s.name for s in self.session.conn.compute.servers(details=False,
                                                                     all_projects=True)
            if wanted is None or s.id in wanted})


class OpenStackComputeAdmin:
    def __init__(self, session: OpenStackSession):
        self.session = session

    @property
    def _nova(self):
        return self.session.conn.compute

    def list_flavors(self):
        # is_public=None: public and private flavors alike (admins only).
        flavors = self.session.call(lambda: list(self._nova.flavors(details=True,
                                                                    is_public="None")))
        return sorted((parsers.flavor(f) for f in flavors),
                      key=lambda f: (f.vcpus, f.ram_mb, f.disk_gb, f.name))

    def get_flavor(self, flavor_id):
        return parsers.flavor(self.session.call(self._nova.get_flavor, flavor_id))

    def create_flavor(self, name, vcpus, ram_mb, disk_gb, is_public):
        return parsers.flavor(self.session.call(self._nova.create_flavor, name=name,
                                                vcpus=vcpus, ram=ram_mb, disk=disk_gb,
                                                is_public=is_public))

    def delete_flavor(self, flavor_id):
        self.session.call(self._nova.delete_flavor, flavor_id, ignore_missing=False)

    def flavor_projects(self, flavor_id):
        access = self.session.call(self._nova.get_flavor_access, flavor_id)
        return [entry["tenant_id"] for entry in access]

    def add_flavor_project(self, flavor_id, project_id):
        self.session.call(self._nova.flavor_add_tenant_access, flavor_id, project_id)

    def remove_flavor_project(self, flavor_id, project_id):
        self.session.call(self._nova.flavor_remove_tenant_access, flavor_id, project_id)

    def list_hypervisors(self):
        def fetch():
            response = self._nova.get("/os-hypervisors/detail",
                                      microversion=HYPERVISOR_MICROVERSION)
            sdk_exceptions.raise_from_response(response)
            return response.json().get("hypervisors", [])
        return sorted((parsers.hypervisor(h) for h in self.session.call(fetch)),
                      key=lambda h: h.name)

    def list_compute_services(self):
        services = self.session.call(lambda: list(self._nova.services()))
        return sorted((parsers.compute_service(s) for s in services),
                      key=lambda s: (s.host, s.binary))

    def set_compute_service(self, service_id, enabled, reason=""):
        # Nova's own request at 2.53 (services by id): openstacksdk picks its way by the
        # version it discovered, and with discovery failing it raises ValueError instead.
        body = {"status": "enabled" if enabled else "disabled"}
        if not enabled and reason:
            body["disabled_reason"] = reason

        def update():
            sdk_exceptions.raise_from_response(self._nova.put(
                f"/os-services/{service_id}", json=body, microversion=SERVICES_MICROVERSION))
        self.session.call(update)

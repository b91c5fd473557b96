"""Cloud administration on OpenStack (mixed into OpenStackDriver).

The admin acts with their own project-scoped token: Nova and Cinder list
every project's servers and volumes to the admin role in one call each
(``all_projects``), and Nova lets an admin act on any project's server.
Flavors, hypervisors and compute services are Nova's admin APIs.
"""

from openstack import exceptions as sdk_exceptions

from ..resources import CloudService, Flavor, Hypervisor, Page, ProjectInstance, ProjectVolume
from .openstack_volumes import _parse_volume

# The hypervisor list reports vCPU, RAM and disk usage up to this microversion
# (2.88 moved usage to Placement); 2.53 gives UUIDs and exists since Pike.
HYPERVISOR_MICROVERSION = "2.53"


def _parse_flavor(flavor) -> Flavor:
    return Flavor(
        id=flavor.id, name=flavor.name or flavor.id, vcpus=flavor.vcpus or 0,
        ram_mb=flavor.ram or 0, disk_gb=flavor.disk or 0, is_public=bool(flavor.is_public),
        ephemeral_gb=flavor.ephemeral or 0, swap_mb=int(flavor.swap or 0),
    )


def _parse_hypervisor(data: dict) -> Hypervisor:
    return Hypervisor(
        id=str(data.get("id", "")), name=data.get("hypervisor_hostname") or "",
        state=data.get("state") or "", status=data.get("status") or "",
        hypervisor_type=data.get("hypervisor_type") or "", host_ip=data.get("host_ip") or "",
        running_vms=data.get("running_vms"), vcpus=data.get("vcpus"),
        vcpus_used=data.get("vcpus_used"), memory_mb=data.get("memory_mb"),
        memory_mb_used=data.get("memory_mb_used"), disk_gb=data.get("local_gb"),
        disk_gb_used=data.get("local_gb_used"),
    )


def _paged(params: dict, marker: str, limit: int, project_id: str) -> dict:
    params.update({"all_projects": True, "limit": limit, "paginated": False})
    if marker:
        params["marker"] = marker
    if project_id:
        params["project_id"] = project_id
    return params


class OpenStackAdminMixin:
    LISTS_ALL_PROJECTS = True
    HAS_COMPUTE_ADMIN = True

    # All projects
    def list_all_instances(self, marker="", limit=20, project_id=""):
        from .openstack import _parse_server  # the driver module imports this one

        params = _paged({"details": True}, marker, limit, project_id)
        servers = self._call(lambda: list(self.conn.compute.servers(**params)))
        items = [ProjectInstance(project_id=s.project_id or "", instance=_parse_server(s))
                 for s in servers]
        return Page(items=items,
                    next_marker=items[-1].instance.id if len(items) >= limit else "")

    def list_all_volumes(self, marker="", limit=20, project_id=""):
        params = _paged({"details": True}, marker, limit, project_id)
        volumes = self._call(lambda: list(self.conn.block_storage.volumes(**params)))
        items = [ProjectVolume(project_id=v.project_id or "", volume=_parse_volume(v))
                 for v in volumes]
        return Page(items=items, next_marker=items[-1].volume.id if len(items) >= limit else "")

    def project_names(self):
        return self._call(lambda: {p.id: p.name for p in self.conn.identity.projects()})

    def all_instance_names(self, instance_ids=None):
        """Every project's server names (one plain list); ``instance_ids`` narrows the answer."""
        wanted = set(instance_ids) if instance_ids is not None else None
        return self._call(lambda: {
            s.id: s.name for s in self.conn.compute.servers(details=False, all_projects=True)
            if wanted is None or s.id in wanted})

    # Flavors
    def list_flavors(self):
        # is_public=None: public and private flavors alike (admins only).
        flavors = self._call(lambda: list(self.conn.compute.flavors(details=True,
                                                                    is_public="None")))
        return sorted((_parse_flavor(f) for f in flavors),
                      key=lambda f: (f.vcpus, f.ram_mb, f.disk_gb, f.name))

    def get_flavor(self, flavor_id):
        return _parse_flavor(self._call(self.conn.compute.get_flavor, flavor_id))

    def create_flavor(self, name, vcpus, ram_mb, disk_gb, is_public):
        return _parse_flavor(self._call(self.conn.compute.create_flavor, name=name, vcpus=vcpus,
                                        ram=ram_mb, disk=disk_gb, is_public=is_public))

    def delete_flavor(self, flavor_id):
        self._call(self.conn.compute.delete_flavor, flavor_id, ignore_missing=False)

    def flavor_projects(self, flavor_id):
        access = self._call(self.conn.compute.get_flavor_access, flavor_id)
        return [entry["tenant_id"] for entry in access]

    def add_flavor_project(self, flavor_id, project_id):
        self._call(self.conn.compute.flavor_add_tenant_access, flavor_id, project_id)

    def remove_flavor_project(self, flavor_id, project_id):
        self._call(self.conn.compute.flavor_remove_tenant_access, flavor_id, project_id)

    # Hypervisors and compute services
    def list_hypervisors(self):
        def fetch():
            response = self.conn.compute.get("/os-hypervisors/detail",
                                             microversion=HYPERVISOR_MICROVERSION)
            sdk_exceptions.raise_from_response(response)
            return response.json().get("hypervisors", [])
        return sorted((_parse_hypervisor(h) for h in self._call(fetch)), key=lambda h: h.name)

    def list_compute_services(self):
        from .openstack import _parse_time

        services = self._call(lambda: list(self.conn.compute.services()))
        return sorted((CloudService(
            id=str(s.id), binary=s.binary or "", host=s.host or "",
            zone=s.availability_zone or "", status=s.status or "", state=s.state or "",
            updated_at=_parse_time(s.updated_at), disabled_reason=s.disabled_reason or "")
            for s in services), key=lambda s: (s.host, s.binary))

    def set_compute_service(self, service_id, enabled, reason=""):
        if enabled:
            self._call(self.conn.compute.enable_service, service_id)
        else:
            self._call(self.conn.compute.disable_service, service_id,
                       disabled_reason=reason or None)

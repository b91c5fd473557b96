"""Identity administration: projects, users and their roles in projects.

Two identity stores behind one interface, so the admin pages are the same on
both kinds of cloud:

- ``DjangoIdentity`` (EC2 clouds): Django users (not Keystone shadow users),
  ``Project`` rows and ``Membership`` roles;
- ``KeystoneIdentity`` (OpenStack): Keystone's projects, users and roles in
  the admin's domain, acted on with the admin's own token.

Both refuse to delete a project that still owns resources (listing them, all
regions at once) and refuse to let an admin delete or disable themselves.

On EC2 clouds a staff admin cannot change a superuser's account, and a user's
API access keys (their IAM user in each project's account) are deleted when
they leave a project, are disabled, renamed or deleted, or the project is.
"""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..clouds import identity_clouds, open_cloud, site_clouds
from ..concurrency import gather, gather_outcomes
from ..conf import nova_settings
from ..events import records
from ..exceptions import (
    CloudError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unavailable,
)
from ..models import Membership, Project
from ..resources import (
    IdentityProject,
    IdentityRole,
    IdentityUser,
    ProjectResource,
    RoleAssignment,
    resource_kind,
)
from .projects import create_project

# Most resources of one kind a deletion check lists.
RESOURCE_LIMIT = 50


@dataclass(frozen=True)
class ProjectOverview:
    """What a project's page shows: the project, its members, and what can be added."""

    project: IdentityProject
    members: list[RoleAssignment]
    roles: list[IdentityRole]
    users: list[IdentityUser]


class ProjectNotEmpty(Conflict):
    """The project still owns resources; ``resources`` says which."""

    def __init__(self, resources: list[ProjectResource]):
        count = len(resources)
        # English says "resource(s)" whatever the count; other languages may choose a form.
        super().__init__(ngettext(
            "The project still owns %(count)d resource(s); delete them first.",
            "The project still owns %(count)d resource(s); delete them first.", count)
            % {"count": count})
        self.resources = resources


class AccessKeysRemain(Unavailable):
    """The change was made, but some of the user's API access keys could not be deleted."""


PROJECT_TAKEN = gettext_lazy("A project with this name already exists on this cloud.")
USER_TAKEN = gettext_lazy("A user with this name already exists.")
# What an admin cannot do to their own account.
CANNOT_DISABLE_SELF = gettext_lazy("You cannot disable your own account.")
CANNOT_DEMOTE_SELF = gettext_lazy("You cannot take admin rights from your own account.")
CANNOT_DELETE_SELF = gettext_lazy("You cannot delete your own account.")
CURRENT_PROJECT = gettext_lazy("This is your current project; switch to another one first.")
NOT_A_MEMBER = gettext_lazy("That user is not a member of this project.")


def folded(name: str) -> str:
    """A name as people tell names apart: "Demo", "demo" and "ｄｅｍｏ" are one."""
    return unicodedata.normalize("NFKC", name).casefold()


def _refuse_taken(name: str, others, message: str) -> None:
    """Conflict when ``name`` is one of ``others`` ((id, name) pairs), case aside."""
    if any(folded(other) == folded(name) for _, other in others):
        raise Conflict(message)


def _refuse_self(is_self: bool, message) -> None:
    """Conflict(``message``, one of the CANNOT_*_SELF) when the admin acts on themselves."""
    if is_self:
        raise Conflict(message)


def _regions(project: Project) -> list[str]:
    return nova_settings()["CLOUDS"][project.cloud].get("REGIONS") or [""]


def _access_keys(project: Project):
    """The project's access keys part, where its cloud has one (IAM is global: any region)."""
    return open_cloud(project.cloud, project, _regions(project)[0]).access_keys


def _failures(found: dict, names: dict) -> str:
    """'' when every call worked, else which ones failed and why, for a message."""
    return "; ".join(f"{names[key]}: {result.message}" for key, result in found.items()
                     if isinstance(result, CloudError))


def user_name_for(project: Project, username: str) -> str:
    """The cloud user holding a dashboard user's keys in a project ('' without keys)."""
    keys = _access_keys(project)
    return keys.user_name_for(username) if keys is not None else ""


def revoke_api_access(username: str, projects: list[Project]) -> str:
    """Delete the user's access keys and IAM user in each project's account, at once.

    One sequence of calls per account, all side by side; returns '' or what failed.
    """
    calls, names = {}, {}
    for project in projects:
        keys = _access_keys(project)
        if keys is not None:
            names[str(project.pk)] = project.name
            calls[str(project.pk)] = (lambda k=keys: k.revoke_api_access(
                k.user_name_for(username)))
    return _failures(gather_outcomes(**calls) if calls else {}, names)


def _revoke_account(project: Project) -> str:
    """Delete every access key and IAM user the dashboard made in the project's account."""
    keys = _access_keys(project)
    if keys is None:
        return ""
    users = keys.dashboard_users()
    found = gather_outcomes(**{f"u{n}": (lambda u=user: keys.revoke_api_access(u))
                               for n, user in enumerate(users)}) if users else {}
    return _failures(found, {f"u{n}": user for n, user in enumerate(users)})


# What each store's changes are called (admin actions: filed under no project).
EVENTS = {
    "create_project": records("project.create", "name", made="id", in_project=False),
    "update_project": records("project.update", "project_id", in_project=False),
    "delete_project": records("project.delete", "project_id", in_project=False),
    "create_user": records("user.create", "name", made="id", in_project=False),
    "update_user": records("user.update", "user_id", in_project=False),
    "set_enabled": records("user.set-enabled", "user_id", in_project=False),
    "set_password": records("user.set-password", "user_id", in_project=False),
    "delete_user": records("user.delete", "user_id", in_project=False),
    "add_member": records("member.add", "project_id user_id", in_project=False),
    "change_role": records("member.change-role", "project_id user_id", in_project=False),
    "remove_member": records("member.remove", "project_id user_id", in_project=False),
}


def _recording(store: type) -> type:
    """Name the changes of an identity store with EVENTS."""
    for method, decorate in EVENTS.items():
        setattr(store, method, decorate(getattr(store, method)))
    return store


# --- EC2 clouds: identity lives in Django -------------------------------------------------

def shadow_user_filter() -> Q:
    """Keystone users' local shadows (``<keystone id>@<cloud>``): not site users."""
    query = Q(pk__in=[])
    for key in identity_clouds():
        query |= Q(username__endswith=f"@{key}")
    return query


def _ec2_project(project: Project) -> IdentityProject:
    return IdentityProject(id=str(project.pk), name=project.name,
                           description=project.description, enabled=project.enabled,
                           cloud=project.cloud)


def _site_user(user) -> IdentityUser:
    return IdentityUser(id=str(user.pk), name=user.get_username(), email=user.email,
                        enabled=user.is_active, is_admin=user.is_staff)


EC2_ROLES = [IdentityRole(id=value, name=label) for value, label in Membership.ROLES]


def _name_taken(error: ValidationError) -> bool:
    """The error is a unique constraint's (whatever the language its message is in)."""
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    taken = {str(c.get_violation_error_message()) for c in Project._meta.constraints}
    return any(e.code in ("unique", "unique_together") or str(e.message) in taken
               for group in groups for e in group)


def _validation_error(error: ValidationError) -> Exception:
    if _name_taken(error):
        return Conflict(PROJECT_TAKEN)
    return InvalidInput(" ".join(error.messages))


@_recording
class DjangoIdentity:
    KIND = "ec2"
    ROLE_HELP = gettext_lazy("Project admins manage the project's members; members use its "
                             "resources.")

    def __init__(self, context):
        self.context = context
        self.current_user_id = str(context.user.pk)

    @property
    def clouds(self) -> list[str]:
        return site_clouds()

    def roles(self) -> list[IdentityRole]:
        return list(EC2_ROLES)

    # Projects
    def _project_row(self, project_id: str) -> Project:
        project = (Project.objects.filter(pk=project_id, cloud__in=self.clouds).first()
                   if str(project_id).isdigit() else None)
        if project is None:
            raise NotFound(_("There is no project %(id)s.") % {"id": project_id})
        return project

    def list_projects(self) -> list[IdentityProject]:
        return [_ec2_project(p) for p in Project.objects.filter(cloud__in=self.clouds)]

    def get_project(self, project_id: str) -> IdentityProject:
        return _ec2_project(self._project_row(project_id))

    def create_project(self, name: str, description: str = "", enabled: bool = True,
                       cloud: str = "") -> IdentityProject:
        if not cloud and self.clouds:
            current = self.context.cloud_key
            cloud = current if current in self.clouds else self.clouds[0]
        if cloud not in self.clouds:
            raise InvalidInput(_("There is no EC2 cloud %(cloud)s.") % {"cloud": repr(cloud)})
        _refuse_taken(name, Project.objects.filter(cloud=cloud).values_list("pk", "name"),
                      PROJECT_TAKEN)
        try:
            with transaction.atomic():
                project = create_project(name, cloud, description=description)
                if not enabled:
                    project.enabled = False
                    project.save(update_fields=["enabled"])
        except ValidationError as error:
            raise _validation_error(error) from error
        return _ec2_project(project)

    def update_project(self, project_id: str, name: str, description: str,
                       enabled: bool) -> IdentityProject:
        project = self._project_row(project_id)
        _refuse_taken(name, Project.objects.filter(cloud=project.cloud).exclude(pk=project.pk)
                      .values_list("pk", "name"), PROJECT_TAKEN)
        project.name, project.description, project.enabled = name, description, enabled
        try:
            project.full_clean()
            project.save(update_fields=["name", "description", "enabled"])
        except ValidationError as error:
            raise _validation_error(error) from error
        return _ec2_project(project)

    def project_resources(self, project_id: str) -> list[ProjectResource]:
        """What the project's account still holds, every region at once."""
        project = self._project_row(project_id)
        listings = {
            "instance": lambda c: [(i.id, i.name) for i in c.compute.list_instances(
                limit=RESOURCE_LIMIT).items],
            "volume": lambda c: [(v.id, v.name) for v in c.volumes.list_volumes()]
            if c.volumes else [],
            "snapshot": lambda c: [(s.id, s.name) for s in c.volumes.list_snapshots()]
            if c.volumes else [],
            "elastic IP": lambda c: [(a.id, a.ip) for a in c.addresses.list_addresses()]
            if c.addresses else [],
            "security group": lambda c: [(g.id, g.name)
                                         for g in c.security_groups.list_security_groups()
                                         if g.name != "default"] if c.security_groups else [],
            "image": lambda c: [(i.id, i.name) for i in c.images.list_images("own")],
        }
        clouds = {r: open_cloud(project.cloud, project, r) for r in _regions(project)}
        found = gather(**{f"{region}|{kind}": (lambda c=cloud, f=listing: f(c))
                          for region, cloud in clouds.items()
                          for kind, listing in listings.items()})
        return [ProjectResource(resource_kind(key.split("|", 1)[1]), rid, name,
                                key.split("|", 1)[0])
                for key, items in found.items() for rid, name in items[:RESOURCE_LIMIT]]

    def delete_project(self, project_id: str) -> None:
        project = self._project_row(project_id)
        if getattr(self.context.access, "pk", None) == project.pk:
            raise Conflict(CURRENT_PROJECT)
        resources = self.project_resources(project_id)
        if resources:
            raise ProjectNotEmpty(resources)
        # API access keys are credentials, not resources: they go with the project
        # (nobody could delete a former member's keys otherwise). The row stays
        # when that fails, so deleting again retries.
        failed = _revoke_account(project)
        if failed:
            raise Unavailable(_(
                "Could not delete the API access keys in the project's account (%(failed)s); "
                "nothing else was deleted. Try again.") % {"failed": failed})
        project.delete()

    def project_overview(self, project_id: str) -> ProjectOverview:
        """Database queries only (one per part), so no threads: they would each open a
        connection of their own."""
        return ProjectOverview(project=self.get_project(project_id),
                               members=self.members(project_id), roles=self.roles(),
                               users=self.list_users())

    def user_overview(self, user_id: str) -> tuple[IdentityUser, list[RoleAssignment]]:
        return self.get_user(user_id), self.user_projects(user_id)

    # Users
    def _users(self):
        return get_user_model().objects.exclude(shadow_user_filter())

    def _user_row(self, user_id: str):
        user = (self._users().filter(pk=user_id).first() if str(user_id).isdigit() else None)
        if user is None:
            raise NotFound(_("There is no user %(id)s.") % {"id": user_id})
        return user

    def list_users(self) -> list[IdentityUser]:
        return [_site_user(u) for u in self._users().order_by("username")]

    def get_user(self, user_id: str) -> IdentityUser:
        return _site_user(self._user_row(user_id))

    def _changeable_user_row(self, user_id: str):
        """A user whose account this admin may change: a superuser's needs a superuser."""
        user = self._user_row(user_id)
        if user.is_superuser and not self.context.user.is_superuser:
            raise Forbidden(_(
                "%(user)s is a superuser; only a superuser can change their account.")
                % {"user": user.get_username()})
        return user

    def _member_projects(self, user) -> list[Project]:
        return list(Project.objects.filter(memberships__user=user, cloud__in=self.clouds))

    def _revoke_first(self, username: str, projects: list[Project]) -> None:
        """Delete the user's API access keys before a change; refuse the change if that fails."""
        failed = revoke_api_access(username, projects)
        if failed:
            raise Unavailable(_(
                "Could not delete %(user)s's API access keys (%(failed)s); nothing was "
                "changed. Try again, or disable the user meanwhile.")
                % {"user": username, "failed": failed})

    def create_user(self, name: str, email: str = "", password: str = "", enabled: bool = True,
                    is_admin: bool = False) -> IdentityUser:
        model = get_user_model()
        if model.objects.filter(username__iexact=name).exists():
            raise Conflict(USER_TAKEN)
        try:
            user = model.objects.create_user(username=name, email=email, password=password,
                                             is_active=enabled, is_staff=is_admin)
        except IntegrityError as error:
            raise Conflict(USER_TAKEN) from error
        return _site_user(user)

    def update_user(self, user_id: str, name: str, email: str, enabled: bool,
                    is_admin: bool = False) -> IdentityUser:
        user = self._changeable_user_row(user_id)
        if str(user.pk) == self.current_user_id:
            _refuse_self(not enabled, CANNOT_DISABLE_SELF)
            _refuse_self(not is_admin, CANNOT_DEMOTE_SELF)
        if get_user_model().objects.filter(username__iexact=name).exclude(pk=user.pk).exists():
            raise Conflict(USER_TAKEN)
        # Disabled, or renamed (keys under the old IAM user name would stay out of
        # everyone's reach yet keep working): their API access keys go first.
        if ((user.is_active and not enabled)
                or self._renames_api_user(user, name)):
            self._revoke_first(user.get_username(), self._member_projects(user))
        user.username, user.email, user.is_active, user.is_staff = name, email, enabled, is_admin
        user.save(update_fields=["username", "email", "is_active", "is_staff"])
        return _site_user(user)

    def _renames_api_user(self, user, name: str) -> bool:
        """Whether a new name moves the user's API keys to another cloud user in a project."""
        return any(user_name_for(p, name) != user_name_for(p, user.get_username())
                   for p in self._member_projects(user))

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        """Disabling works even when a cloud is down (it is what one does in a hurry):
        the user is disabled first, then their API access keys are deleted;
        AccessKeysRemain says where that failed (disabling again retries)."""
        user = self._changeable_user_row(user_id)
        _refuse_self(not enabled and str(user.pk) == self.current_user_id, CANNOT_DISABLE_SELF)
        user.is_active = enabled
        user.save(update_fields=["is_active"])
        if not enabled:
            failed = revoke_api_access(user.get_username(), self._member_projects(user))
            if failed:
                raise AccessKeysRemain(_(
                    "%(user)s is disabled, but their API access keys could not be deleted "
                    "everywhere (%(failed)s). Disable them again to retry.")
                    % {"user": user.get_username(), "failed": failed})

    def set_password(self, user_id: str, password: str) -> None:
        user = self._changeable_user_row(user_id)
        user.set_password(password)
        user.save(update_fields=["password"])

    def delete_user(self, user_id: str) -> None:
        user = self._changeable_user_row(user_id)
        _refuse_self(str(user.pk) == self.current_user_id, CANNOT_DELETE_SELF)
        # A later user of the same name would get the same IAM user, keys and all.
        self._revoke_first(user.get_username(), self._member_projects(user))
        user.delete()

    # Members
    def _assignment(self, membership: Membership) -> RoleAssignment:
        role = next((r for r in EC2_ROLES if r.id == membership.role),
                    IdentityRole(membership.role, membership.role))
        return RoleAssignment(project_id=str(membership.project_id),
                              project_name=membership.project.name,
                              user_id=str(membership.user_id),
                              user_name=membership.user.get_username(), roles=(role,))

    def members(self, project_id: str) -> list[RoleAssignment]:
        project = self._project_row(project_id)
        rows = (Membership.objects.filter(project=project).select_related("user", "project")
                .order_by("user__username"))
        return [self._assignment(m) for m in rows]

    def user_projects(self, user_id: str) -> list[RoleAssignment]:
        user = self._user_row(user_id)
        rows = (Membership.objects.filter(user=user, project__cloud__in=self.clouds)
                .select_related("user", "project").order_by("project__name"))
        return [self._assignment(m) for m in rows]

    def _check_role(self, role_id: str) -> None:
        if role_id not in {r.id for r in EC2_ROLES}:
            raise InvalidInput(_("There is no role %(role)s.") % {"role": repr(role_id)})

    def add_member(self, project_id: str, user_id: str, role_id: str) -> None:
        self._check_role(role_id)
        project, user = self._project_row(project_id), self._user_row(user_id)
        if Membership.objects.filter(project=project, user=user).exists():
            raise Conflict(_("%(user)s is already a member of this project.")
                           % {"user": user.get_username()})
        Membership.objects.create(project=project, user=user, role=role_id)

    def _membership(self, project_id: str, user_id: str) -> Membership:
        membership = Membership.objects.filter(project=self._project_row(project_id),
                                               user=self._user_row(user_id)).first()
        if membership is None:
            raise NotFound(NOT_A_MEMBER)
        return membership

    def change_role(self, project_id: str, user_id: str, role_id: str) -> None:
        self._check_role(role_id)
        membership = self._membership(project_id, user_id)
        membership.role = role_id
        membership.save(update_fields=["role"])

    def remove_member(self, project_id: str, user_id: str) -> None:
        membership = self._membership(project_id, user_id)
        self._revoke_first(membership.user.get_username(), [membership.project])
        membership.delete()


# --- OpenStack clouds: identity lives in Keystone -----------------------------------------

@_recording
class KeystoneIdentity:
    KIND = "openstack"
    ROLE_HELP = gettext_lazy("Keystone roles; a member may hold several.")

    def __init__(self, context):
        self.context = context
        self.current_user_id = context.access.user_id
        self.current_project_id = context.access.project_id
        self.admin = context.cloud.identity
        for region in self.admin.regions:
            self.admin.conn_for(region)  # built up front: threads share, never build, them

    @property
    def clouds(self) -> list[str]:
        return [self.context.cloud_key]

    def roles(self) -> list[IdentityRole]:
        return self.admin.list_roles()

    # Projects
    def list_projects(self) -> list[IdentityProject]:
        return self.admin.list_projects()

    def get_project(self, project_id: str) -> IdentityProject:
        return self.admin.get_project(project_id)

    def create_project(self, name: str, description: str = "", enabled: bool = True,
                       cloud: str = "") -> IdentityProject:
        _refuse_taken(name, ((p.id, p.name) for p in self.admin.list_projects()), PROJECT_TAKEN)
        return self.admin.create_project(name, description, enabled)

    def update_project(self, project_id: str, name: str, description: str,
                       enabled: bool) -> IdentityProject:
        if project_id == self.current_project_id and not enabled:
            raise Conflict(_("This is your current project; switch to another one "
                             "before disabling it."))
        _refuse_taken(name, ((p.id, p.name) for p in self.admin.list_projects()
                             if p.id != project_id), PROJECT_TAKEN)
        return self.admin.update_project(project_id, name, description, enabled)

    def project_resources(self, project_id: str) -> list[ProjectResource]:
        """What the project owns in every region, one listing per kind and region, at once."""
        self.admin.get_project(project_id)
        found = gather(**{
            f"{region}-{kind}": (lambda r=region, k=kind: self.admin.project_resources(
                project_id, k, r, RESOURCE_LIMIT))
            for region in self.admin.regions for kind in self.admin.resource_kinds()})
        return [item for items in found.values() for item in items]

    def delete_project(self, project_id: str) -> None:
        if project_id == self.current_project_id:
            raise Conflict(CURRENT_PROJECT)
        resources = self.project_resources(project_id)
        if resources:
            raise ProjectNotEmpty(resources)
        self.admin.delete_project(project_id)

    def project_overview(self, project_id: str) -> ProjectOverview:
        """Four independent Keystone calls, made at once."""
        found = gather(project=lambda: self.admin.get_project(project_id),
                       members=lambda: self.admin.project_members(project_id),
                       roles=self.admin.list_roles, users=self.admin.list_users)
        return ProjectOverview(**found)

    def user_overview(self, user_id: str) -> tuple[IdentityUser, list[RoleAssignment]]:
        found = gather(user=lambda: self.admin.get_user(user_id),
                       projects=lambda: self.admin.user_projects(user_id))
        return found["user"], found["projects"]

    # Users
    def list_users(self) -> list[IdentityUser]:
        return self.admin.list_users()

    def get_user(self, user_id: str) -> IdentityUser:
        return self.admin.get_user(user_id)

    def create_user(self, name: str, email: str = "", password: str = "", enabled: bool = True,
                    is_admin: bool = False) -> IdentityUser:
        _refuse_taken(name, ((u.id, u.name) for u in self.admin.list_users()), USER_TAKEN)
        return self.admin.create_user(name, email=email, password=password or None,
                                      enabled=enabled)

    def update_user(self, user_id: str, name: str, email: str, enabled: bool,
                    is_admin: bool = False) -> IdentityUser:
        _refuse_self(user_id == self.current_user_id and not enabled, CANNOT_DISABLE_SELF)
        _refuse_taken(name, ((u.id, u.name) for u in self.admin.list_users() if u.id != user_id),
                      USER_TAKEN)
        return self.admin.update_user(user_id, name, email, enabled)

    def set_enabled(self, user_id: str, enabled: bool) -> None:
        _refuse_self(user_id == self.current_user_id and not enabled, CANNOT_DISABLE_SELF)
        self.admin.set_enabled(user_id, enabled)

    def set_password(self, user_id: str, password: str) -> None:
        self.admin.set_password(user_id, password)

    def delete_user(self, user_id: str) -> None:
        _refuse_self(user_id == self.current_user_id, CANNOT_DELETE_SELF)
        self.admin.delete_user(user_id)

    # Members
    def members(self, project_id: str) -> list[RoleAssignment]:
        self.admin.get_project(project_id)
        return self.admin.project_members(project_id)

    def user_projects(self, user_id: str) -> list[RoleAssignment]:
        self.admin.get_user(user_id)
        return self.admin.user_projects(user_id)

    def _current_roles(self, project_id: str, user_id: str) -> tuple[str, ...]:
        found = next((a for a in self.admin.project_members(project_id)
                      if a.user_id == user_id), None)
        return found.role_ids if found else ()

    def add_member(self, project_id: str, user_id: str, role_id: str) -> None:
        self.admin.get_project(project_id)
        user = self.admin.get_user(user_id)
        if role_id in self._current_roles(project_id, user_id):
            raise Conflict(_("%(user)s already has that role in this project.")
                           % {"user": user.name})
        self.admin.assign_role(project_id, user_id, role_id)

    def _check_in_domain(self, project_id: str, user_id: str) -> None:
        """NotFound unless both are in the admin's domain (the two look-ups at once)."""
        gather(project=lambda: self.admin.get_project(project_id),
               user=lambda: self.admin.get_user(user_id))

    def change_role(self, project_id: str, user_id: str, role_id: str) -> None:
        """Give the member exactly this role: assign it, then take the others away."""
        self._check_in_domain(project_id, user_id)
        current = self._current_roles(project_id, user_id)
        if not current:
            raise NotFound(NOT_A_MEMBER)
        if role_id not in current:
            self.admin.assign_role(project_id, user_id, role_id)
        for other in current:
            if other != role_id:
                self.admin.unassign_role(project_id, user_id, other)

    def remove_member(self, project_id: str, user_id: str) -> None:
        self._check_in_domain(project_id, user_id)
        current = self._current_roles(project_id, user_id)
        if not current:
            raise NotFound(NOT_A_MEMBER)
        for role_id in current:
            self.admin.unassign_role(project_id, user_id, role_id)


def identity_for(context) -> DjangoIdentity | KeystoneIdentity:
    """The identity store the current admin manages: the cloud's own where it keeps one."""
    if context.cloud is not None and context.cloud.identity is not None:
        return KeystoneIdentity(context)
    return DjangoIdentity(context)

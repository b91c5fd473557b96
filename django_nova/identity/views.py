"""Identity administration pages: projects, users and members, for cloud admins only.

The same views serve both clouds; ``identity_for`` picks the store (Django's
on EC2 clouds, Keystone's on OpenStack).  Destructive actions ask first (GET)
and act on POST.
"""

from functools import cached_property

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from ..conf import nova_settings
from ..exceptions import CloudError, NotFound
from ..mixins import (
    AdminConfirmView,
    AdminRequiredMixin,
    CloudFormView,
    Confirmation,
    SubmitOnceMixin,
    named,
)
from ..services.identity import AccessKeysRemain, ProjectNotEmpty, identity_for
from .forms import MemberAddForm, PasswordForm, ProjectForm, RoleForm, UserCreateForm, UserForm

TEMPLATES = "django_nova/identity/"
# Kept out of error reports (a 500 would otherwise mail them to ADMINS).
sensitive_passwords = method_decorator(sensitive_post_parameters("password1", "password2"),
                                       name="dispatch")


class IdentityMixin(AdminRequiredMixin):
    @cached_property
    def identity(self):
        return identity_for(self.request.nova)

    def get_context_data(self, **kwargs):
        return super().get_context_data(identity_kind=self.identity.KIND, **kwargs)


class IdentityFormView(SubmitOnceMixin, IdentityMixin, FormView):
    """A form whose cloud errors land on it (CloudFormView's rules, without a project)."""

    template_name = TEMPLATES + "form.html"
    conflict_field = "name"
    invalid_field = None
    conflict_error = CloudFormView.conflict_error
    call_cloud = CloudFormView.call_cloud
    title = ""
    cancel_url = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, cancel_url=self.get_cancel_url(),
                                        **kwargs)

    def get_cancel_url(self):
        return reverse(self.cancel_url)


# --- Projects -----------------------------------------------------------------------------

class ProjectListView(IdentityMixin, TemplateView):
    template_name = TEMPLATES + "projects.html"

    def get_context_data(self, **kwargs):
        projects = self.identity.list_projects()
        return super().get_context_data(
            projects=projects, show_cloud=len({p.cloud for p in projects}) > 1, **kwargs)


class ProjectCreateView(IdentityFormView):
    form_class = ProjectForm
    title = gettext_lazy("Create project")
    cancel_url = "django_nova:admin-projects"

    def get_form_kwargs(self):
        clouds = nova_settings()["CLOUDS"]
        return {**super().get_form_kwargs(), "clouds": [
            (key, clouds[key].get("LABEL", key)) for key in self.identity.clouds]}

    def get_initial(self):
        return {"enabled": True, "cloud": self.request.nova.cloud_key}

    def form_valid(self, form):
        data = form.cleaned_data
        project, ok = self.call_cloud(form, lambda: self.identity.create_project(
            data["name"], data["description"], data["enabled"], data.get("cloud", "")))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Created project %(name)s.") % {"name": project.name})
        return redirect("django_nova:admin-project", project.id)


class ProjectEditView(IdentityFormView):
    form_class = ProjectForm
    title = gettext_lazy("Edit project")

    @cached_property
    def project(self):
        return self.identity.get_project(self.kwargs["project_id"])

    def get_cancel_url(self):
        return reverse("django_nova:admin-project", args=[self.project.id])

    def get_initial(self):
        project = self.project
        return {"name": project.name, "description": project.description,
                "enabled": project.enabled}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.project.name, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        _result, ok = self.call_cloud(form, lambda: self.identity.update_project(
            self.project.id, data["name"], data["description"], data["enabled"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Saved project %(name)s.") % {"name": data["name"]})
        return redirect("django_nova:admin-project", self.project.id)


class ProjectDetailView(IdentityMixin, FormView):
    """A project and its members; the add-member form posts to ProjectMemberAddView."""

    template_name = TEMPLATES + "project.html"
    form_class = MemberAddForm
    http_method_names = ["get"]

    @cached_property
    def overview(self):
        return self.identity.project_overview(self.kwargs["project_id"])

    def get_form_kwargs(self):
        members = {m.user_id for m in self.overview.members}
        return {**super().get_form_kwargs(), "roles": self.overview.roles,
                "users": [u for u in self.overview.users if u.id not in members]}

    def get_context_data(self, **kwargs):
        overview = self.overview
        return super().get_context_data(
            project=overview.project, members=overview.members, roles=overview.roles,
            role_help=self.identity.ROLE_HELP, **kwargs)


class ProjectMemberAddView(ProjectDetailView):
    http_method_names = ["post"]

    def get_form_kwargs(self):
        # Everyone may be offered: adding a role to an existing member is allowed on Keystone.
        return {**FormView.get_form_kwargs(self), "roles": self.overview.roles,
                "users": self.overview.users}

    def form_valid(self, form):
        project, user_id = self.overview.project, form.cleaned_data["user"]
        try:
            self.identity.add_member(project.id, user_id, form.cleaned_data["role"])
        except CloudError as error:
            form.add_error("user", error.message)
            return self.form_invalid(form)
        name = next((u.name for u in self.overview.users if u.id == user_id), user_id)
        messages.success(self.request, _("Added %(user)s to %(project)s.") % {
            "user": name, "project": project.name})
        return redirect("django_nova:admin-project", project.id)


class ProjectMemberRoleView(IdentityMixin, FormView):
    """A member's role, changed from the members table (errors come back as messages)."""

    form_class = RoleForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": self.identity.roles()}

    def back(self):
        return redirect("django_nova:admin-project", self.kwargs["project_id"])

    def form_invalid(self, form):
        messages.error(self.request, _("Choose one of the offered roles."))
        return self.back()

    def form_valid(self, form):
        try:
            self.identity.change_role(self.kwargs["project_id"], self.kwargs["user_id"],
                                      form.cleaned_data["role"])
        except NotFound:
            raise  # an unknown (or out of reach) project, user or membership: a 404 page
        except CloudError as error:
            messages.error(self.request, _("Could not change the role: %(error)s") % {
                "error": error.message})
        else:
            role = dict(form.fields["role"].choices)[form.cleaned_data["role"]]
            messages.success(self.request, _("The member's role is now %(role)s.") % {
                "role": role})
        return self.back()


class ConfirmView(IdentityMixin, AdminConfirmView):
    """Ask first (GET), act on POST, then go back with a message.

    Each view says it in whole sentences around ``subject()`` (a name):
    ``title`` and ``doing_text`` (%(subject)s; ``doing`` follows "Could not"),
    ``question`` (format_html, {subject}) and the button ``submit``.
    """

    title = ""
    question = ""
    doing_text = ""
    submit = ""
    danger = True

    def subject(self) -> str:
        raise NotImplementedError

    def explanation(self) -> str:
        return ""

    def doing(self):
        return self.doing_text % {"subject": self.subject()}

    def confirmation(self, **extra):
        return Confirmation(
            title=self.title % {"subject": self.subject()},
            question=format_html(self.question, subject=named(self.subject())),
            explanation=self.explanation(), danger=self.danger, submit=self.submit,
            cancel_url=self.cancel_url(), **extra)


class ProjectMixin:
    @cached_property
    def project(self):
        return self.identity.get_project(self.kwargs["project_id"])

    def subject(self):
        return self.project.name

    def cancel_url(self):
        return reverse("django_nova:admin-project", args=[self.kwargs["project_id"]])


class ProjectDeleteView(ProjectMixin, ConfirmView):
    """Deleting is refused while the project owns resources: the page lists them."""

    title = gettext_lazy("Delete project %(subject)s")
    question = gettext_lazy("Delete project {subject}?")
    # Translators: follows "Could not"; subject is the project's name.
    doing_text = gettext_lazy("delete project %(subject)s")
    submit = gettext_lazy("Delete project")

    def explanation(self):
        return _("The project and its members' access to it are deleted, with every API "
                 "access key made for it. This cannot be undone.")

    def confirmation(self, resources=None):
        resources = (self.identity.project_resources(self.project.id) if resources is None
                     else resources)
        refusal = _("This project still owns these resources. Delete them first; then the "
                    "project can be deleted.") if resources else ""
        return super().confirmation(refusal=refusal, refusal_id="blocking-resources",
                                    resources=tuple(resources))

    def perform(self):
        self.identity.delete_project(self.project.id)
        return _("Deleted project %(name)s.") % {"name": self.project.name}

    def done_url(self):
        return reverse("django_nova:admin-projects")

    def failed(self, error):
        if not isinstance(error, ProjectNotEmpty):
            return super().failed(error)
        messages.error(self.request, _("Could not delete %(name)s: %(error)s") % {
            "name": self.project.name, "error": error.message})
        return self.render_to_response(self.get_context_data(
            confirm=self.confirmation(resources=error.resources)), status=409)


class MemberRemoveView(ProjectMixin, ConfirmView):
    title = gettext_lazy("Remove member %(subject)s")
    question = gettext_lazy("Remove member {subject}?")
    # Translators: follows "Could not"; subject is "<user> from <project>".
    doing_text = gettext_lazy("remove member %(subject)s")
    submit = gettext_lazy("Remove member")

    @cached_property
    def user(self):
        return self.identity.get_user(self.kwargs["user_id"])

    def subject(self):
        # Translators: whom "Remove member" removes from where: a user's and a project's name.
        return _("%(user)s from %(project)s") % {"user": self.user.name,
                                                 "project": self.project.name}

    def explanation(self):
        return _("%(user)s loses every role in this project; their API access keys "
                 "for it are deleted.") % {"user": self.user.name}

    def perform(self):
        self.identity.remove_member(self.project.id, self.user.id)
        return _("Removed %(user)s from %(project)s.") % {"user": self.user.name,
                                                          "project": self.project.name}


# --- Users --------------------------------------------------------------------------------

class UserListView(IdentityMixin, TemplateView):
    template_name = TEMPLATES + "users.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(users=self.identity.list_users(),
                                        current_user_id=self.identity.current_user_id,
                                        **kwargs)


class UserDetailView(IdentityMixin, TemplateView):
    template_name = TEMPLATES + "user.html"

    def get_context_data(self, **kwargs):
        user, projects = self.identity.user_overview(self.kwargs["user_id"])
        return super().get_context_data(subject=user, projects=projects,
                                        is_self=user.id == self.identity.current_user_id,
                                        **kwargs)


@sensitive_passwords
class UserCreateView(IdentityFormView):
    form_class = UserCreateForm
    title = gettext_lazy("Create user")
    cancel_url = "django_nova:admin-users"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site_users": self.identity.KIND == "ec2"}

    def get_initial(self):
        return {"enabled": True}

    def form_valid(self, form):
        data = form.cleaned_data
        user, ok = self.call_cloud(form, lambda: self.identity.create_user(
            data["name"], email=data["email"], password=data["password1"],
            enabled=data["enabled"], is_admin=data.get("is_admin", False)))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Created user %(name)s.") % {"name": user.name})
        return redirect("django_nova:admin-user", user.id)


class UserMixin:
    @cached_property
    def user(self):
        return self.identity.get_user(self.kwargs["user_id"])

    def subject(self):
        return self.user.name

    def cancel_url(self):
        return reverse("django_nova:admin-user", args=[self.kwargs["user_id"]])

    def get_cancel_url(self):
        return self.cancel_url()


class UserEditView(UserMixin, IdentityFormView):
    form_class = UserForm
    title = gettext_lazy("Edit user")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site_users": self.identity.KIND == "ec2"}

    def get_initial(self):
        user = self.user
        return {"name": user.name, "email": user.email, "enabled": user.enabled,
                "is_admin": user.is_admin}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.user.name, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        _result, ok = self.call_cloud(form, lambda: self.identity.update_user(
            self.user.id, data["name"], data["email"], data["enabled"],
            data.get("is_admin", False)))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Saved user %(name)s.") % {"name": data["name"]})
        return redirect("django_nova:admin-user", self.user.id)


@sensitive_passwords
class UserPasswordView(UserMixin, IdentityFormView):
    form_class = PasswordForm
    title = gettext_lazy("Reset password")

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.user.name, **kwargs)

    def form_valid(self, form):
        _result, ok = self.call_cloud(form, lambda: self.identity.set_password(
            self.user.id, form.cleaned_data["password1"]))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, _("Set a new password for %(name)s.") % {
            "name": self.user.name})
        return redirect("django_nova:admin-user", self.user.id)


class UserEnableView(UserMixin, ConfirmView):
    title = gettext_lazy("Enable user %(subject)s")
    question = gettext_lazy("Enable user {subject}?")
    # Translators: follows "Could not"; subject is the user's name.
    doing_text = gettext_lazy("enable user %(subject)s")
    submit = gettext_lazy("Enable user")
    danger = False

    def explanation(self):
        return _("%(name)s can sign in again.") % {"name": self.user.name}

    def perform(self):
        self.identity.set_enabled(self.user.id, True)
        return _("Enabled %(name)s.") % {"name": self.user.name}


class UserDisableView(UserMixin, ConfirmView):
    title = gettext_lazy("Disable user %(subject)s")
    question = gettext_lazy("Disable user {subject}?")
    # Translators: follows "Could not"; subject is the user's name.
    doing_text = gettext_lazy("disable user %(subject)s")
    submit = gettext_lazy("Disable user")

    def explanation(self):
        if self.identity.KIND == "ec2":
            text = _("%(name)s can no longer sign in, and their API access keys are deleted. "
                     "Their projects and resources stay.")
        else:
            text = _("%(name)s can no longer sign in. Their projects and resources stay.")
        return text % {"name": self.user.name}

    def failed(self, error):
        if not isinstance(error, AccessKeysRemain):
            return super().failed(error)
        messages.error(self.request, error.message)  # disabled, but keys remain somewhere
        return redirect(self.done_url())

    def perform(self):
        self.identity.set_enabled(self.user.id, False)
        return _("Disabled %(name)s.") % {"name": self.user.name}


class UserDeleteView(UserMixin, ConfirmView):
    title = gettext_lazy("Delete user %(subject)s")
    question = gettext_lazy("Delete user {subject}?")
    # Translators: follows "Could not"; subject is the user's name.
    doing_text = gettext_lazy("delete user %(subject)s")
    submit = gettext_lazy("Delete user")

    def explanation(self):
        return _("%(name)s, their memberships and their API access keys are deleted. "
                 "Their projects and resources stay. This cannot be undone.") % {
                     "name": self.user.name}

    def perform(self):
        self.identity.delete_user(self.user.id)
        return _("Deleted user %(name)s.") % {"name": self.user.name}

    def done_url(self):
        return reverse("django_nova:admin-users")

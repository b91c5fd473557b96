"""Identity administration (cloud admins only): projects, users, members and roles."""

from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

PROJECT = "manage/projects/<str:project_id>/"
MEMBER = f"{PROJECT}members/<str:user_id>/"
USER = "manage/users/<str:user_id>/"

urlpatterns = [
    *routes("admin-projects", "manage/projects/", views.ProjectListView),
    *routes("admin-project", "manage/projects/", create=views.ProjectCreateView),
    *routes("admin-project", PROJECT, views.ProjectDetailView, edit=views.ProjectEditView,
            delete=views.ProjectDeleteView),
    *routes("admin-project-member", f"{PROJECT}members/", add=views.ProjectMemberAddView),
    *routes("admin-project-member", MEMBER, role=views.ProjectMemberRoleView,
            remove=views.MemberRemoveView),
    *routes("admin-users", "manage/users/", views.UserListView),
    *routes("admin-user", "manage/users/", create=views.UserCreateView),
    *routes("admin-user", USER, views.UserDetailView, edit=views.UserEditView,
            password=views.UserPasswordView, enable=views.UserEnableView,
            disable=views.UserDisableView, delete=views.UserDeleteView),
]

menu = [
    MenuEntry("Admin", _("Projects"), "admin-projects", id="nav-admin-projects", order=10,
              admin_only=True),
    MenuEntry("Admin", _("Users"), "admin-users", id="nav-admin-users", order=20, admin_only=True),
]

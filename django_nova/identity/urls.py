"""Identity administration (cloud admins only): projects, users, members and roles."""

from django.urls import path

from ..menu import MenuEntry
from . import views

urlpatterns = [
    path("manage/projects/", views.ProjectListView.as_view(), name="admin-projects"),
    path("manage/projects/create/", views.ProjectCreateView.as_view(),
         name="admin-project-create"),
    path("manage/projects/<str:project_id>/", views.ProjectDetailView.as_view(),
         name="admin-project"),
    path("manage/projects/<str:project_id>/edit/", views.ProjectEditView.as_view(),
         name="admin-project-edit"),
    path("manage/projects/<str:project_id>/delete/", views.ProjectDeleteView.as_view(),
         name="admin-project-delete"),
    path("manage/projects/<str:project_id>/members/add/", views.ProjectMemberAddView.as_view(),
         name="admin-project-member-add"),
    path("manage/projects/<str:project_id>/members/<str:user_id>/role/",
         views.ProjectMemberRoleView.as_view(), name="admin-project-member-role"),
    path("manage/projects/<str:project_id>/members/<str:user_id>/remove/",
         views.MemberRemoveView.as_view(), name="admin-project-member-remove"),
    path("manage/users/", views.UserListView.as_view(), name="admin-users"),
    path("manage/users/create/", views.UserCreateView.as_view(), name="admin-user-create"),
    path("manage/users/<str:user_id>/", views.UserDetailView.as_view(), name="admin-user"),
    path("manage/users/<str:user_id>/edit/", views.UserEditView.as_view(),
         name="admin-user-edit"),
    path("manage/users/<str:user_id>/password/", views.UserPasswordView.as_view(),
         name="admin-user-password"),
    path("manage/users/<str:user_id>/enable/", views.UserEnableView.as_view(),
         name="admin-user-enable"),
    path("manage/users/<str:user_id>/disable/", views.UserDisableView.as_view(),
         name="admin-user-disable"),
    path("manage/users/<str:user_id>/delete/", views.UserDeleteView.as_view(),
         name="admin-user-delete"),
]

menu = [
    MenuEntry("Admin", "Projects", "admin-projects", id="nav-admin-projects", order=10,
              admin_only=True),
    MenuEntry("Admin", "Users", "admin-users", id="nav-admin-users", order=20, admin_only=True),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from . import views

urlpatterns = [
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("manage/audit/", views.AdminAuditLogView.as_view(), name="admin-audit-log"),
]

menu = [
    MenuEntry("Project", _("Activity log"), "audit-log", id="nav-audit", order=30,
              project_only=True),
    MenuEntry("Admin", _("Audit log"), "admin-audit-log", id="nav-admin-audit", order=80,
              admin_only=True),
]

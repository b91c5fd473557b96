from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("manage/audit/", views.AdminAuditLogView.as_view(), name="admin-audit-log"),
]

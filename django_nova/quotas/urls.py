from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from . import views

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("overview/usage.csv", views.UsageCsvView.as_view(), name="overview-usage-csv"),
    path("manage/quotas/", views.AdminQuotaListView.as_view(), name="admin-quotas"),
    path("manage/quotas/<str:project_id>/", views.AdminQuotaEditView.as_view(),
         name="admin-quota-edit"),
]

menu = [
    MenuEntry("Project", _("Overview"), "overview", id="nav-overview", order=10, project_only=True),
    MenuEntry("Admin", _("Quotas"), "admin-quotas", id="nav-admin-quotas", order=30,
              admin_only=True),
]

from django.urls import path

from . import views

urlpatterns = [
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("overview/usage.csv", views.UsageCsvView.as_view(), name="overview-usage-csv"),
    path("manage/quotas/", views.AdminQuotaListView.as_view(), name="admin-quotas"),
    path("manage/quotas/<str:project_id>/", views.AdminQuotaEditView.as_view(),
         name="admin-quota-edit"),
]

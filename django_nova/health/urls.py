"""Health and metrics: no login (load balancers and Prometheus are not users)."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.HealthView.as_view(), name="healthz"),
    path("metrics", views.MetricsView.as_view(), name="metrics"),
]

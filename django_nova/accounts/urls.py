from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("switch/project/", views.SwitchProjectView.as_view(), name="switch-project"),
    path("switch/region/", views.SwitchRegionView.as_view(), name="switch-region"),
]

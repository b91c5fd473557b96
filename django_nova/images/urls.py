from django.urls import include, path

from ..menu import MenuEntry
from . import views

paths = [
    path("", views.ImageListView.as_view(), name="images"),
    path("register/", views.ImageRegisterView.as_view(), name="image-register"),
    path("upload/", views.ImageUploadView.as_view(), name="image-upload"),
    path("from-instance/<str:instance_id>/", views.ImageCreateView.as_view(),
         name="image-create"),
    path("<str:image_id>/edit/", views.ImageEditView.as_view(), name="image-edit"),
    path("<str:image_id>/visibility/", views.ImageVisibilityView.as_view(),
         name="image-visibility"),
    path("<str:image_id>/delete/", views.ImageDeleteView.as_view(), name="image-delete"),
]

urlpatterns = [
    path("images/", include(paths)),
    path("flavors/", views.InstanceTypeListView.as_view(), name="flavors"),
]

menu = [
    MenuEntry("Compute", "Images", "images", id="nav-images", order=20),
    MenuEntry("Compute", "Flavors", "flavors", id="nav-flavors", order=30, project_only=True,
              label_from="instance_type_label", label_suffix="s"),
]

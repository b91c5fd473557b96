from django.urls import path

from . import views

urlpatterns = [
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

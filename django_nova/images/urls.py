from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

urlpatterns = [
    *routes("images", "images/", views.ImageListView),
    *routes("image", "images/", register=views.ImageRegisterView, upload=views.ImageUploadView),
    *routes("image-create", "images/from-instance/<str:instance_id>/", views.ImageCreateView),
    *routes("image", "images/<str:image_id>/", edit=views.ImageEditView,
            visibility=views.ImageVisibilityView, delete=views.ImageDeleteView),
    *routes("flavors", "flavors/", views.InstanceTypeListView),
]

menu = [
    MenuEntry("Compute", _("Images"), "images", id="nav-images", order=20),
    MenuEntry("Compute", _("Flavors"), "flavors", id="nav-flavors", order=30, project_only=True,
              label_from="instance_types_label"),
]

from django.views.generic import TemplateView

from ..mixins import ProjectViewMixin


class ImageListView(ProjectViewMixin, TemplateView):
    """The images the project can launch, its own first."""

    template_name = "django_nova/images/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(images=self.compute.launchable_images(), **kwargs)

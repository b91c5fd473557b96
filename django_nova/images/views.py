from django.views.generic import TemplateView

from ..mixins import ProjectViewMixin


class InstanceTypeListView(ProjectViewMixin, TemplateView):
    """The sizes instances come in: EC2 instance types or OpenStack flavors."""

    template_name = "django_nova/flavors/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(instance_types=self.compute.instance_types(),
                                        label=self.compute.driver.INSTANCE_TYPE_LABEL, **kwargs)


class ImageListView(ProjectViewMixin, TemplateView):
    """The images the project can launch, its own first."""

    template_name = "django_nova/images/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(images=self.compute.launchable_images(), **kwargs)

"""django_nova's URLs; a site includes them once: ``path("", include("django_nova.urls"))``.

Every area (a subpackage with a ``urls`` module) names its own paths and its
sidebar entries (``menu``); all of them are included here.
"""

import pkgutil
from importlib.util import find_spec
from pathlib import Path

from django.urls import include, path
from django.views.generic import RedirectView

app_name = "django_nova"

AREAS = sorted(name for _, name, is_package in pkgutil.iter_modules([str(Path(__file__).parent)])
               if is_package and find_spec(f"django_nova.{name}.urls") is not None)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="django_nova:instances"), name="home"),
    *(path("", include(f"django_nova.{area}.urls")) for area in AREAS),
]

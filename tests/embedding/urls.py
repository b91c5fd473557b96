from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("", lambda request: HttpResponse("The host site's own home page")),
    path("cloud/", include("django_nova.urls")),
]

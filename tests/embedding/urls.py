from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def host_form(request):
    """One of the host's own POST views: django_nova must not audit it."""
    return HttpResponse("saved")


urlpatterns = [
    path("", lambda request: HttpResponse("The host site's own home page")),
    path("host/form/", host_form),
    path("cloud/", include("django_nova.urls")),
]

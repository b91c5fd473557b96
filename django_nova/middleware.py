from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import Resolver404, get_resolver
from django.utils.functional import SimpleLazyObject

from . import audit, events, preferences
from .clouds.calls import deadline_for_request
from .context import build_context
from .exceptions import CloudError
from .keystone import KeystoneSession


class NovaContextMiddleware:
    """Attach ``request.nova``, turn cloud errors into readable pages, audit every POST.

    Must come after AuthenticationMiddleware and MessageMiddleware.  A
    CloudError that a view did not handle becomes a page in the site's
    layout with the cloud's message and a fitting status (404, 403, 503...),
    never a 500.  Every POST to django-nova's own URLs (and to host views that
    say ``audited = True``) leaves an audit entry (django_nova.audit), also when
    the view failed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        keystone = KeystoneSession.from_session(request.session)
        if keystone is not None and keystone.expired:
            # The Keystone token is gone: log out and come back after a new login.
            logout(request)
            return redirect_to_login(request.get_full_path())
        preferences.activate(request)
        request.nova = SimpleLazyObject(lambda: build_context(request))
        with deadline_for_request():
            return self._respond(request)

    def _respond(self, request):
        if request.method != "POST" or not audit.audits(self._match(request)):
            return self.get_response(request)
        # Who acted and where, as the request arrived (a logout ends both).
        before = ((request.user, request.nova) if request.user.is_authenticated
                  else (None, None))
        if before[1] is not None:
            before[1].project  # noqa: B018 - evaluate the context now, before the view
        with events.collecting() as made:
            try:
                response = self.get_response(request)
            except Exception as error:
                audit.record(request, error=f"Internal error ({type(error).__name__})",
                             before=before, events=made)
                raise
        audit.record(request, response, before=before, events=made)
        return response

    @staticmethod
    def _match(request):
        try:
            return get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
        except Resolver404:
            return None

    def process_exception(self, request, exception):
        if not isinstance(exception, CloudError):
            return None
        audit.annotate(request, error=f"{exception.title}: {exception.message}")
        template = ("django_nova/includes/cloud_error_fragment.html"
                    if request.headers.get("HX-Request") else "django_nova/cloud_error.html")
        return render(request, template, {"error": exception}, status=exception.status)

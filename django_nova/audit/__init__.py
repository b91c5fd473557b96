"""The audit log: every POST (anything that changes something) leaves its entries.

``NovaContextMiddleware`` writes them after the view has answered, whatever
the outcome, so failures are logged as surely as successes.  The services
name each change they make with a stable event (``django_nova.events``):
one entry per event, filed under the project it was made in, with its own
outcome.  A POST that made no change through a service (a refused form, a
sign-in) leaves one entry named after its URL, whose outcome is the
response's.  Views say that a POST changed nothing with ``not_a_change`` (a
confirmation step).  Request bodies are never recorded, so secrets cannot
leak into it.
"""

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.forms import BaseForm

from ..client_address import client_address
from ..conf import nova_settings
from ..models import AuditEntry

# The request attribute holding what views add to the entry.
_NOTES = "_nova_audit"


def annotate(request, *, target: str | None = None, error: str | None = None) -> None:
    """Add to the entry of a POST that made no change through a service: its target, an
    error the view handled (a cloud error page)."""
    notes = request.__dict__.setdefault(_NOTES, {})
    for key, value in (("target", target), ("error", error)):
        if value is not None:
            notes[key] = str(value)


def not_a_change(request) -> None:
    """This POST only asked for confirmation (or similar): leave no entry."""
    request.__dict__.setdefault(_NOTES, {})["skip"] = True


def audits(match) -> bool:
    """Whether a POST to this resolved URL is audited: django-nova's own URLs, and a host
    site's views that say ``audited = True``.  Views that change nothing but the session
    (the project switcher) say ``audited = False``.  A host site's other POSTs (its own
    Django admin, say) are its business, not a cloud project's activity."""
    if match is None:
        return False
    explicit = getattr(getattr(match.func, "view_class", None), "audited", None)
    if explicit is not None:
        return bool(explicit)
    return "django_nova" in match.app_names


def _audited(request) -> bool:
    return audits(getattr(request, "resolver_match", None))


def _view_class(request):
    func = getattr(getattr(request, "resolver_match", None), "func", None)
    return getattr(func, "view_class", None)


def _action_and_target(request) -> tuple[str, str]:
    match = request.resolver_match
    if match is None:
        return request.path[:64], ""
    kwargs = dict(match.kwargs)
    action = match.url_name or match.view_name or request.path
    if "action" in kwargs:
        action = f"{action}:{kwargs.pop('action')}"
    target = " ".join(str(v) for v in kwargs.values())
    view_class = _view_class(request)
    if not target and view_class is not None and issubclass(view_class, LoginView):
        # Who tried to sign in (the name only, never the password).
        target = request.POST.get("username", "")
    # Something being created is known by the name it was given.
    return action[:64], target or request.POST.get("name", "")


def _form_errors(response) -> str:
    """A form re-shown with errors: what was wrong, without echoing the input."""
    for value in (getattr(response, "context_data", None) or {}).values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            general = [str(e) for e in value.non_field_errors()]
            fields = [name for name in value.errors if name != "__all__"]
            parts = general + ([f"invalid {', '.join(fields)}"] if fields else [])
            return "; ".join(parts) or "invalid input"
    return ""


def _error_messages(request) -> str:
    """Error messages the view queued for this response (not yet shown to anyone)."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return "; ".join(str(m.message) for m in queued if m.level >= messages.ERROR)


def record(request, response=None, *, error: str = "", before=None,
           events=()) -> list[AuditEntry]:
    """Write the entries for one POST; ``before`` is the (user, context) seen as it arrived,
    ``events`` what the services did meanwhile."""
    notes = request.__dict__.get(_NOTES, {})
    if notes.get("skip") or not _audited(request):
        return []
    user, context = _who(request, before)
    common = {"user": user if getattr(user, "pk", None) else None,
              "username": _username(user, context)[:150],
              "address": client_address(request) or None}
    if events:
        return AuditEntry.objects.bulk_create([
            AuditEntry(**common, cloud=event.cloud or _where(request, context)["cloud"],
                       project_id=event.project_id, project_name=event.project_name[:128],
                       action=event.name[:64], target=event.target, error=event.error[:2000],
                       outcome=AuditEntry.FAILURE if event.failed else AuditEntry.SUCCESS)
            for event in events])
    action, target = _action_and_target(request)
    error = (notes.get("error") or error
             or (_form_errors(response) if response is not None else "")
             or _error_messages(request))
    failed = bool(error) or response is None or response.status_code >= 400
    if failed and not error and response is not None:
        error = f"HTTP {response.status_code}"
    return [AuditEntry.objects.create(
        **common, **_where(request, context), action=action,
        target=notes.get("target", target),
        error=error[:2000], outcome=AuditEntry.FAILURE if failed else AuditEntry.SUCCESS)]


def _where(request, context) -> dict:
    """The cloud and project acted in.  Admin pages act across projects, so they name none
    (their entries belong in the admin log, not in the admin's current project's log)."""
    cloud = getattr(context, "cloud_key", "") or ""
    if not cloud:  # a sign-in attempt: the cloud it was for
        posted = request.POST.get("cloud", "")
        cloud = posted if posted in nova_settings()["CLOUDS"] else ""
    project = getattr(context, "project", None)
    if project is None or getattr(_view_class(request), "acts_across_projects", False):
        return {"cloud": cloud, "project_id": "", "project_name": ""}
    return {"cloud": cloud, "project_id": project.id, "project_name": project.name[:128]}


def _who(request, before):
    """The acting user and context: after a login the new one, after a logout the old one."""
    from ..context import build_context

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if before and before[0] is not None and before[0].pk == user.pk:
            return user, before[1]
        return user, build_context(request)
    return (before or (None, None))


def _username(user, context) -> str:
    if context is not None and getattr(user, "is_authenticated", False):
        return context.user_label
    return user.get_username() if user is not None and user.is_authenticated else ""

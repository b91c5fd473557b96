"""What every django_nova page shares: login, a current project, safe redirects."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from . import audit
from .concurrency import gather_outcomes, outcome_error
from .exceptions import CloudError, Conflict, InvalidInput, NotFound
from .htmx import page_behind
from .resources import ACTIONS, Action
from .services import submissions
from .services.compute import ComputeService
from .states import state_label

# The hidden field that carries a form's one-time token (includes/form.html writes it).
SUBMISSION_FIELD = "nova_submission"
SENT_TWICE = gettext_lazy("This form was sent more than once; it was acted on once.")
STILL_RUNNING = gettext_lazy("This form was sent more than once; the first sending is still "
                             "being handled. Look again in a moment.")


class OneTimeSecretMixin:
    """For views that hand a secret over once ("download once, store nothing").

    The secret passes through one response and is kept nowhere: not in the
    database, the session, the cache or a log.  Every response of the view
    tells browsers and proxies not to store it, and its POST data is hidden
    from Django's error reports.  ``download`` streams a secret as a file.
    """

    def dispatch(self, request, *args, **kwargs):
        request.sensitive_post_parameters = "__ALL__"
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def download(content: str, filename: str, content_type: str = "text/plain") -> HttpResponse:
        response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8"
                                if content_type.startswith("text/") else content_type)
        name = get_valid_filename(filename) or "download"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


def safe_next(request, default: str) -> str:
    """The ``next`` parameter if it points to this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default


class ProjectViewMixin(LoginRequiredMixin):
    """Login required, and a current project: pages act inside one project only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.nova.project is None:
            return render(request, "django_nova/no_project.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def compute(self) -> ComputeService:
        return ComputeService(self.request.nova)

    def safe_next(self, default: str) -> str:
        return safe_next(self.request, default)


class AdminRequiredMixin(LoginRequiredMixin):
    """Cloud administrators only: anonymous users go to log in, everyone else gets 403.

    An admin is a Keystone user with the admin role in the current project
    (OpenStack) or a staff user (clouds whose identity lives in Django).
    """

    #: The audit log files admin actions under no project (django_nova.audit).
    acts_across_projects = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.nova.is_cloud_admin:
            raise PermissionDenied(_("This page is for cloud administrators."))
        return super().dispatch(request, *args, **kwargs)


def field_error(form, field: str | None, message: str) -> None:
    """A cloud's answer as a form error, marked on its widget like validation errors."""
    field = field if field in form.fields else None
    form.add_error(field, message)
    if field is not None:
        widget = form.fields[field].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def cloud_message(error: CloudError) -> str:
    """A refusal in the user's words; anything unexpected with its title."""
    if isinstance(error, Conflict | InvalidInput | NotFound):
        return error.message
    # Translators: an error's title (such as "Quota exceeded"), then what the cloud said.
    return _("%(title)s: %(message)s") % {"title": error.title, "message": error.message}


def call_cloud(form, action, field: str | None = None, conflict=None):
    """``(result, True)``, or ``(None, False)`` with the cloud's refusal on the form.

    A Conflict lands on ``conflict(form, error)`` -> (field, message) when
    given (a duplicate name), invalid input and a Conflict otherwise on
    ``field`` (the form as a whole by default), anything else on the form as
    a whole with its title.
    """
    try:
        return action(), True
    except Conflict as error:
        target, message = conflict(form, error) if conflict else (field, error.message)
    except InvalidInput as error:
        target, message = field, error.message
    except CloudError as error:
        target, message = None, cloud_message(error)
    field_error(form, target, message)
    return None, False


class SubmitOnceMixin:
    """A form sent twice (a double click, a reload, back and send again) acts once.

    Each rendering carries a new token; the first sending claims it
    (services.submissions).  A second sending of the same token waits for the
    first to end and goes where it went, with a message.  A sending that failed
    (a field error, a refusal) gives the token back: the corrected form goes again.
    """

    def get_context_data(self, **kwargs):
        sent = self.request.POST.get(SUBMISSION_FIELD, "") if self.request.method == "POST" else ""
        return super().get_context_data(submission_token=sent or submissions.new_token(),
                                         **kwargs)

    def dispatch(self, request, *args, **kwargs):
        token = request.POST.get(SUBMISSION_FIELD, "") if request.method == "POST" else ""
        if not token or not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        held = submissions.claim(request.user, token)
        if held is None:
            state, url = submissions.first_outcome(request.user, token)
            held = submissions.claim(request.user, token) if state == "given back" else None
            if held is None:
                messages.info(request, SENT_TWICE if state == "done" else STILL_RUNNING)
                return redirect(url or request.get_full_path())
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BaseException:
            submissions.give_back(held)
            raise
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.errors:
            submissions.give_back(held)
        else:
            submissions.finish(held, response.get("Location", "")
                               if response.status_code in (301, 302, 303) else "")
        return response


class CloudFormView(SubmitOnceMixin, ProjectViewMixin, FormView):
    """A form whose cloud errors land on the form, so the user's input is kept.

    A Conflict lands on ``conflict_field`` (a duplicate name), invalid input
    on ``invalid_field`` (the form as a whole by default), anything else on
    the form as a whole; a call that knows better names its ``field``.
    """

    conflict_field = "name"
    invalid_field = None

    def conflict_error(self, form, error: Conflict) -> tuple[str | None, str]:
        """Where a Conflict lands and what it says; views with a better word override it."""
        return self.conflict_field, error.message

    def call_cloud(self, form, action, field: str | None = None):
        if field:
            return call_cloud(form, action, field)
        return call_cloud(form, action, self.invalid_field, conflict=self.conflict_error)


class ChangeFormView(CloudFormView):
    """A form that makes one change: ``act`` makes it and says what was done, then the
    page goes to ``done_url`` (a URL name); a refusal stays on the form."""

    done_url = ""

    def act(self, form) -> str:
        raise NotImplementedError

    def get_done_url(self) -> str:
        return reverse(self.done_url)

    def form_valid(self, form):
        done, ok = self.call_cloud(form, lambda: self.act(form))
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, done)
        return redirect(self.get_done_url())


def named(name: str) -> str:
    """A resource's name for a sentence built with ``format_html`` (escaped, and marked so
    long or odd names wrap)."""
    return format_html('<span class="nova-name">{}</span>', name)


@dataclass(frozen=True)
class Confirmation:
    """What a confirm page says, in the one template ``django_nova/confirm.html``.

    ``question`` and ``explanation`` may be built with ``format_html`` (which
    escapes the resource names in them); anything else is plain text.
    """

    title: str
    question: str
    submit: str
    cancel_url: str
    submit_id: str = "confirm-action"
    explanation: str = ""
    subject_id: str = ""
    details: tuple[tuple[str, str], ...] = ()
    danger: bool = True
    # Said before the button: what may hurt (detaching a root device).
    warning: str = ""
    # Why it cannot be done now: no button then, only a way back (and ``alternatives``).
    refusal: str = ""
    refusal_id: str = "confirm-refusal"
    back_label: str = gettext_lazy("Back")
    resources: tuple = ()
    # Other POST actions offered with a refusal: (url, element id, label).
    alternatives: tuple[tuple[str, str, str], ...] = ()
    # Hidden fields the confirming POST carries (``next``).
    fields: tuple[tuple[str, str], ...] = ()


class ActMixin:
    """One change on POST, then back with one message: the change's, or "Could not
    <doing>: <why>".

    ``load`` fetches what the view acts on from the URL's arguments (a
    NotFound there is a 404 page, before anything happens); ``perform`` acts
    and returns the success message; ``doing`` names the act for failures
    (what vanished meanwhile among them).
    """

    http_method_names = ["post"]

    def load(self, **kwargs) -> None:
        """Fetch what the view acts on, from the URL's arguments."""

    def doing(self) -> str:
        raise NotImplementedError

    def perform(self) -> str:
        raise NotImplementedError

    def cancel_url(self) -> str:
        raise NotImplementedError

    def done_url(self) -> str:
        return self.cancel_url()

    def failed(self, error: CloudError):
        # Translators: %(doing)s is what failed, said as a verb phrase ("delete volume data"),
        # %(why)s the cloud's answer.
        messages.error(self.request, _("Could not %(doing)s: %(why)s")
                       % {"doing": self.doing(), "why": cloud_message(error)})
        return redirect(self.cancel_url())

    def post(self, request, *args, **kwargs):
        self.load(**kwargs)
        try:
            done = self.perform()
        except CloudError as error:
            return self.failed(error)
        messages.success(request, done)
        return redirect(self.done_url())


class ConfirmActionMixin(ActMixin):
    """Ask first (GET says what will happen, ``confirmation``), act on POST (``ActMixin``).

    Every delete, detach, disassociate, release, stop and the like is one of these.
    """

    http_method_names = ["get", "post", "head", "options"]
    template_name = "django_nova/confirm.html"

    def confirmation(self) -> Confirmation:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.load(**kwargs)
        return self.render_to_response(self.get_context_data(confirm=self.confirmation()))


class PolledRowMixin:
    """One table row, for live status polling while a resource changes state.

    To a polling row (htmx), a resource that is gone answers with no row, so the
    row removes itself instead of spinning on a 404.
    """

    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_path=page_behind(self.request), **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except NotFound:
            if request.headers.get("HX-Request"):
                return HttpResponse("")
            raise


def instance_action(name: str) -> Action:
    """An instance action of the instance-action URL: not one with a form page or its own
    confirmation page (terminate); 404 otherwise."""
    action = ACTIONS.get(name)
    if action is None or action.destroys or action.form_url:
        raise Http404(_("No such action."))
    return action


class InstanceActionMixin(ConfirmActionMixin):
    """Start, stop, reboot, pause...: those that interrupt what runs on the instance ask
    first (GET says what will happen, and the POST acts), the others act on POST at once.

    Views set ``compute`` (the service of the instance's project) and ``instance_id`` in
    ``load``, after calling this mixin's; their ``cancel_url`` honours a safe ``next``,
    which is where the confirmation and the change go back to.
    """

    def load(self, action, **kwargs):
        self.action = instance_action(action)

    def get(self, request, *args, **kwargs):
        if not instance_action(kwargs["action"]).confirm:
            return HttpResponseNotAllowed(["POST"])
        return super().get(request, *args, **kwargs)

    def doing(self):
        # Translators: follows "Could not"; action is an instance action's label in lower
        # case ("reboot"), instance the instance's id.
        return _("%(action)s %(instance)s") % {"action": self.action.label.lower(),
                                               "instance": self.instance_id}

    def confirmation(self):
        instance, action = self.compute.instance(self.instance_id), self.action
        next_url = self.cancel_url()  # the views' cancel_url already honours a safe ``next``
        return Confirmation(
            # Translators: a confirmation page's title: "Reboot instance web-1".
            title=_("%(action)s instance %(name)s") % {"action": action.label,
                                                      "name": instance.display_name},
            # Translators: the confirmation's question: "Reboot instance web-1?".
            question=format_html(_("{action} instance {name}?"), action=action.label,
                                 name=named(instance.display_name)),
            subject_id=instance.id, explanation=action.effect,
            details=((_("State"), state_label(instance.state)),),
            submit=action.label, submit_id=f"confirm-{action.name}", danger=False,
            cancel_url=next_url, fields=(("next", next_url),))

    def perform(self):
        self.compute.act(self.action.name, [self.instance_id])
        # Translators: action is an instance action's label in lower case ("reboot").
        return _("Asked the cloud to %(action)s %(instance)s.") % {
            "action": self.action.label.lower(), "instance": self.instance_id}


class ActView(ActMixin, ProjectViewMixin, View):
    """A POST-only change inside the current project."""


class AdminActView(ActMixin, AdminRequiredMixin, View):
    """A POST-only change for cloud administrators."""


class ConfirmView(ConfirmActionMixin, ProjectViewMixin, TemplateView):
    """A confirm-then-act page inside the current project."""


class AdminConfirmView(ConfirmActionMixin, AdminRequiredMixin, TemplateView):
    """A confirm-then-act page for cloud administrators."""


class BulkDeleteView(ProjectViewMixin, TemplateView):
    """Delete several resources of one kind: one confirmation, then a result for each."""

    template_name = "django_nova/bulk_delete.html"
    http_method_names = ["post"]
    kind = ""
    list_url = ""
    max_items = 50

    def delete_one(self, resource_id: str) -> None:
        raise NotImplementedError

    def post(self, request):
        ids = list(dict.fromkeys(i for i in request.POST.getlist("ids") if i))[:self.max_items]
        if not ids:
            audit.not_a_change(request)
            # Translators: %(kind)s is what the page lists, in the singular ("volume").
            messages.warning(request, _("Select at least one %(kind)s first.")
                             % {"kind": self.kind})
            return redirect(self.list_url)
        context = {"ids": ids, "kind": self.kind, "list_url": self.list_url}
        if request.POST.get("confirmed") == "1":
            found = gather_outcomes(**{f"r{n}": (lambda i=i: self.delete_one(i))
                                       for n, i in enumerate(ids)})
            context["results"] = [(i, outcome_error(found[f"r{n}"])) for n, i in enumerate(ids)]
        else:
            audit.not_a_change(request)
        return self.render_to_response(self.get_context_data(**context))

"""Stable names for what people do: ``instance.terminate``, ``volume.attach``, ...

Services name every change they ask a cloud for (or make in django-nova's own
records) with ``acting``; the audit log files one entry per event, and usage
reads terminations from those entries.  URL names are free to change; event
names are not (they are in people's audit logs and billing figures).

Events are collected per request (``collecting``, which the middleware opens
around each POST); outside a request they go nowhere.
"""

import functools
import inspect
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter

from .exceptions import CloudError


@dataclass
class Event:
    name: str
    target: str = ""
    cloud: str = ""
    project_id: str = ""
    project_name: str = ""
    # This target's own failure; the request's outcome decides otherwise.
    error: str = ""
    failed: bool = False


_collected: ContextVar[list[Event] | None] = ContextVar("nova_events", default=None)


@contextmanager
def collecting():
    """Collect the events of the code inside (one request)."""
    token = _collected.set([])
    try:
        yield _collected.get()
    finally:
        _collected.reset(token)


def record(context, name: str, *targets, in_project: bool = True) -> list[Event]:
    """Name a change about to be made, one event per target.

    ``context`` is the NovaContext the service acts in; ``in_project=False``
    files the events under no project (identity and cloud administration).
    """
    sink = _collected.get()
    project = getattr(context, "project", None) if in_project else None
    made = [Event(name=name, target=str(target), cloud=getattr(context, "cloud_key", "") or "",
                  project_id=project.id if project else "",
                  project_name=project.name if project else "")
            for target in (targets or ("",))]
    if sink is not None:
        sink.extend(made)
    return made


@contextmanager
def acting(context, name: str, *targets, in_project: bool = True):
    """Record the events of a change, marking them failed if the change raises."""
    made = record(context, name, *targets, in_project=in_project)
    try:
        yield made
    except CloudError as error:
        for event in made:
            event.failed, event.error = True, f"{error.title}: {error.message}"
        raise
    except Exception as error:
        for event in made:
            event.failed, event.error = True, f"Internal error ({type(error).__name__})"
        raise


def retarget(made: list[Event], targets) -> None:
    """Name what a change made once it is known (a launch's new instances): one event each."""
    targets = [str(t) for t in targets]
    if not made or not targets:
        return
    first = made[0]
    first.target = targets[0]
    extra = [Event(**{**first.__dict__, "target": t}) for t in targets[1:]]
    sink = _collected.get()
    if sink is not None:
        sink.extend(extra)
    made.extend(extra)


def _argument(arguments: dict, path: str):
    """A call's argument (``name``) or an attribute of one (``name.attribute``)."""
    first, _, rest = path.partition(".")
    return attrgetter(rest)(arguments[first]) if rest else arguments[first]


def records(name: str, target: str = "", made: str = "", in_project: bool = True):
    """Decorate a service method that changes something: it records the event ``name``.

    ``target`` names the parameter (or ``param.attribute``; several, space
    separated, are joined) that says what is changed; ``made`` names the
    attribute of the result (of each item, for a list) that says what was
    made (``"."``: the result itself), which then becomes the target.  The
    method's ``self.context`` is the NovaContext acted in.
    """
    def decorate(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            subjects = ()
            if target:
                arguments = signature.bind(self, *args, **kwargs).arguments
                values = [_argument(arguments, path) for path in target.split()]
                subjects = (values[0] if len(values) == 1 and isinstance(values[0], list | tuple)
                            else (" ".join(str(v) for v in values),))
            with acting(self.context, name, *subjects, in_project=in_project) as events:
                result = method(self, *args, **kwargs)
            if made:
                items = result if isinstance(result, list) else [result]
                retarget(events, [item if made == "." else attrgetter(made)(item)
                                  for item in items])
            return result
        return wrapper
    return decorate

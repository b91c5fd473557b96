"""Forms that act once however often they are sent (mixins.SubmitOnceMixin).

A rendered form carries a new token; sending it claims the token (a
``FormSubmission`` row, unique per user, so of two sendings at once exactly
one claims it).  The claim ends as done (with where the page went) or is given
back when the sending failed, so the corrected form can be sent again.
"""

import secrets
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import FormSubmission

TOKEN_LENGTH = 64
# How long a second sending waits for the first to end, and how often it looks.
WAIT_SECONDS = 10
LOOK_EVERY = 0.2


def new_token() -> str:
    return secrets.token_urlsafe(24)


def claim(user, token: str) -> FormSubmission | None:
    """The claim on ``token``, or None when another sending holds it already."""
    cutoff = timezone.now() - timedelta(days=FormSubmission.KEPT_DAYS)
    FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(user=user, token=token[:TOKEN_LENGTH])
    except IntegrityError:
        return None


def finish(submission: FormSubmission, outcome_url: str) -> None:
    submission.done, submission.outcome_url = True, outcome_url
    submission.save(update_fields=["done", "outcome_url"])


def give_back(submission: FormSubmission) -> None:
    submission.delete()


def first_outcome(user, token: str, wait: float = WAIT_SECONDS) -> tuple[str, str]:
    """How the first sending of ``token`` ended: ("done", its URL), ("given back", ""),
    or ("running", "") if it is still at work after ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        row = (FormSubmission.objects.filter(user=user, token=token[:TOKEN_LENGTH])
               .values_list("done", "outcome_url").first())
        if row is None:
            return "given back", ""
        if row[0]:
            return "done", row[1]
        if time.monotonic() >= deadline:
            return "running", ""
        time.sleep(LOOK_EVERY)

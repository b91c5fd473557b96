"""One small error hierarchy for every cloud.

Drivers translate their client library's errors into these, so views show
one kind of message whatever the cloud (the 2011 app's ``wrap_nova_error``).
"""

from django.utils.translation import gettext_lazy as _


class CloudError(Exception):
    """A cloud refused or failed a request; ``message`` is safe to show a user.

    ``message`` is a real str, in the language active where the error was raised
    (a lazily translated text given is rendered then); ``title`` is translated lazily.
    """

    status = 502
    title = _("The cloud could not complete the request")

    def __init__(self, message: str, code: str = ""):
        message = str(message)
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(CloudError):
    status = 404
    title = _("Not found")


class Forbidden(CloudError):
    status = 403
    title = _("Not allowed")


class Conflict(CloudError):
    status = 409
    title = _("Conflict")


class QuotaExceeded(CloudError):
    status = 403
    title = _("Quota exceeded")


class InvalidInput(CloudError):
    status = 400
    title = _("Invalid request")


class Unavailable(CloudError):
    status = 503
    title = _("Cloud unavailable")

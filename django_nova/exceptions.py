"""One small error hierarchy for every cloud.

Drivers translate their client library's errors into these, so views show
one kind of message whatever the cloud (the 2011 app's ``wrap_nova_error``).
"""


class CloudError(Exception):
    """A cloud refused or failed a request; ``message`` is safe to show a user."""

    status = 502
    title = "The cloud could not complete the request"

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(CloudError):
    status = 404
    title = "Not found"


class Forbidden(CloudError):
    status = 403
    title = "Not allowed"


class Conflict(CloudError):
    status = 409
    title = "Conflict"


class QuotaExceeded(CloudError):
    status = 403
    title = "Quota exceeded"


class InvalidInput(CloudError):
    status = 400
    title = "Invalid request"


class Unavailable(CloudError):
    status = 503
    title = "Cloud unavailable"

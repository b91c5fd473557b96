"""What keystoneauth1, openstacksdk, requests and JSON decoding raise, in django_nova's
hierarchy: the OpenStack driver's one translation point.

A message is the cloud's own words where its answer carried some (a quota, a name in
use) and ours otherwise, never the library's ("Client Error for url: ...", class names,
a proxy's error page, a cut-off body): those go to the log, where they help.
"""

import http.client
import json
import logging
import re

import requests
import urllib3
from django.utils.translation import gettext_lazy as _
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from ... import exceptions as errors
from ..calls import raised_inside

log = logging.getLogger(__name__)

NO_ANSWER = _("The cloud did not answer. It may be down or unreachable; try again in a moment.")
NO_API_RESPONSE = _("The cloud answered with something that is not an API response (a "
                    "proxy's error page, or a cut-off answer).")
NO_VERSION = _("The cloud's service did not say which API versions it offers (it may be "
               "starting or failing); try again in a moment.")
NOT_OFFERED = _("This cloud offers no such service in this region.")
# Where the cloud said nothing worth showing: what each kind of refusal means.
BY_STATUS = {
    400: _("The cloud refused the request as made."),
    401: _("The cloud did not accept the login, or it has expired; sign in again."),
    403: _("The cloud does not allow this."),
    404: _("The cloud has no such resource (it may have been deleted)."),
    409: _("The cloud refused the change: the resource is busy or in the way."),
    412: _("The resource changed meanwhile; reload and try again."),
    413: _("The request is too large for the cloud."),
    429: _("The cloud is asking for fewer requests; try again in a moment."),
}
SERVER_ERROR = _("The cloud failed to complete the request; try again in a moment.")
# Packages whose internal errors (a KeyError on an answer missing a field, a ValueError
# when version discovery failed) are the cloud's answer not being what the API promises.
LIBRARIES = ("openstack", "keystoneauth1", "requests", "urllib3", "json", "http", "socket",
             "ssl", "dogpile")
# openstacksdk raises these without an answer too (a name that matched nothing).
SDK_STATUS = ((sdk_exceptions.BadRequestException, 400), (sdk_exceptions.ForbiddenException, 403),
              (sdk_exceptions.NotFoundException, 404), (sdk_exceptions.ConflictException, 409),
              (sdk_exceptions.PreconditionFailedException, 412))
# No answer at all: the connection was refused, reset or cut, or the read timed out.
NO_ANSWER_ERRORS = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    urllib3.exceptions.ProtocolError, urllib3.exceptions.TimeoutError,
                    urllib3.exceptions.NewConnectionError, http.client.RemoteDisconnected,
                    ConnectionError, TimeoutError)
# The libraries' own kinds of error; anything else they raise is a slip on an answer.
LIBRARY_ERRORS = (ks_exceptions.ClientException, sdk_exceptions.SDKException,
                  requests.exceptions.RequestException, urllib3.exceptions.HTTPError,
                  http.client.HTTPException, json.JSONDecodeError, *NO_ANSWER_ERRORS)
# A cloud's plain refusals: the user's business, not the log's.
REFUSALS = (errors.NotFound, errors.Forbidden, errors.Conflict, errors.InvalidInput,
            errors.QuotaExceeded)
# Library fillers that are no message of the cloud's.
FILLERS = {"Unrecognized schema in response body.", "HTTP Error", "Error"}


def from_status(status: int, words: str) -> errors.CloudError:
    """An HTTP refusal by its status; ``words`` are the cloud's (or "").  A server
    error's words are for its log (Nova's name a bug tracker and a Python class)."""
    if status >= 500 or status == 429:
        return errors.Unavailable(SERVER_ERROR if status >= 500 else BY_STATUS[429])
    if "quota" in words.lower():
        return errors.QuotaExceeded(words)
    message = words or BY_STATUS.get(status) or BY_STATUS[400]
    if status in (401, 403):
        return errors.Forbidden(message)
    if status == 404:
        return errors.NotFound(message)
    if status in (409, 412):
        return errors.Conflict(message)
    return errors.InvalidInput(message)


def _sdk_words(error: sdk_exceptions.HttpException) -> str:
    """The message of a JSON error body, as openstacksdk found it; "" for anything else
    (the reason phrase, an HTML page, the text of a body that did not parse)."""
    response = error.response
    details = str(error.details or "").strip()
    if response is None or "json" not in response.headers.get("content-type", ""):
        return ""
    try:
        response.json()
    except ValueError:
        return ""
    return "" if details == (response.reason or "") else details


# What keystoneauth appends to the cloud's words: "(HTTP 400) (Request-ID: req-...)".
KS_SUFFIX = re.compile(r"\s*\(HTTP \d+\)(?:\s*\(Request-ID: [^)]*\))?\s*$")


def _ks_words(error: ks_exceptions.HttpError) -> str:
    """keystoneauth's message of a JSON error body; its class default is no message."""
    message = KS_SUFFIX.sub("", error.message or "").strip()
    return "" if message == type(error).message or message in FILLERS else message


def translate(error: BaseException) -> errors.CloudError | None:
    """``error`` as one of our errors; None when no client library raised it (a bug of
    ours, which must stay a 500 with its traceback)."""
    if isinstance(error, errors.CloudError):
        return error  # raised by our own session inside the libraries (breaker, deadline)
    if isinstance(error, ks_exceptions.ClientException):
        return _keystoneauth(error)
    if isinstance(error, sdk_exceptions.SDKException):
        return _openstacksdk(error)
    if isinstance(error, NO_ANSWER_ERRORS):
        return errors.Unavailable(NO_ANSWER)
    if isinstance(error, LIBRARY_ERRORS) or raised_inside(error, LIBRARIES):
        # A body that is no JSON (a proxy's error page, a cut-off answer), a broken
        # stream, or a library tripping over an answer that lacks what the API promises.
        return errors.Unavailable(NO_API_RESPONSE)
    return None


def call(action, *args, **kwargs):
    """Run one call (or a callable making several) with its errors translated, whatever
    went wrong: a refusal, no answer, or an answer that is no API response.  Our own
    errors pass; so do bugs of ours, to be seen as such."""
    try:
        return action(*args, **kwargs)
    except errors.CloudError:
        raise
    except Exception as error:
        translated = translate(error)
        if translated is None:
            raise
        if not isinstance(translated, REFUSALS):
            # A library's own error (KeyError, ValueError...) with where it came from.
            log.warning("cloud call failed: %s", error,
                        exc_info=not isinstance(error, LIBRARY_ERRORS))
        raise translated from error


def _keystoneauth(error: ks_exceptions.ClientException) -> errors.CloudError:
    if isinstance(error, ks_exceptions.Unauthorized):
        return errors.Forbidden(_("Keystone did not accept those credentials, or the login "
                                  "has expired."))
    if isinstance(error, ks_exceptions.HttpError):
        return from_status(error.http_status, _ks_words(error))
    if isinstance(error, ks_exceptions.EndpointNotFound):
        return errors.NotFound(NOT_OFFERED)
    if isinstance(error, ks_exceptions.ConnectionError):
        return errors.Unavailable(NO_ANSWER)
    if isinstance(error, ks_exceptions.DiscoveryFailure):
        return errors.Unavailable(NO_VERSION)
    if isinstance(error, ks_exceptions.InvalidResponse):
        return errors.Unavailable(NO_API_RESPONSE)
    if isinstance(error, ks_exceptions.MissingAuthMethods):
        return errors.Forbidden(_("Keystone asks for more ways to sign in than a password "
                                  "(multi-factor), which this dashboard does not offer."))
    if isinstance(error, ks_exceptions.AuthorizationFailure):
        return errors.Forbidden(BY_STATUS[401])
    return errors.CloudError(_("The cloud's identity service could not be used; the server "
                               "log says why."))


def _openstacksdk(error: sdk_exceptions.SDKException) -> errors.CloudError:
    if isinstance(error, sdk_exceptions.HttpException):
        status = error.status_code or next(
            (code for kind, code in SDK_STATUS if isinstance(error, kind)), 500)
        return from_status(status, _sdk_words(error))
    if isinstance(error, sdk_exceptions.NotSupported | sdk_exceptions.ServiceDiscoveryException
                  | sdk_exceptions.EndpointNotFound):
        return errors.Unavailable(NO_VERSION)
    if isinstance(error, sdk_exceptions.InvalidResponse):
        return errors.Unavailable(NO_API_RESPONSE)
    if isinstance(error, sdk_exceptions.ResourceTimeout):
        return errors.Unavailable(_("The cloud took too long to finish; try again in a moment."))
    if isinstance(error, sdk_exceptions.DuplicateResource):
        return errors.Conflict(_("More than one resource has that name; use its id."))
    if isinstance(error, sdk_exceptions.InvalidRequest | sdk_exceptions.ValidationException
                  | sdk_exceptions.InvalidResourceQuery):
        return errors.InvalidInput(BY_STATUS[400])
    return errors.Unavailable(SERVER_ERROR)

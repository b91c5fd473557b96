"""Every exception a client library raises becomes one of our errors at the driver boundary,
with a message for users that carries no library text, URL or token.

One test per library exception class: botocore through ``EC2Session.call``; keystoneauth1,
openstacksdk, requests, urllib3 and JSON decoding through the OpenStack driver's
``errors.call`` (what ``OpenStackSession.call`` and ``keystone.py`` both use).  The errors
are built as the libraries build them, from real ``requests.Response`` objects where the
library does.  (That an unexpected error in a view is logged with its traceback is
tests/site/test_operations.py's.)
"""

import http.client
import json
from types import SimpleNamespace

import pytest
import requests
import urllib3
from botocore import exceptions as boto
from botocore.parsers import ResponseParserError
from keystoneauth1 import exceptions as ks
from openstack import exceptions as sdk

from django_nova import exceptions as errors
from django_nova.clouds.calls import breakers
from django_nova.clouds.ec2.session import EC2Session
from django_nova.clouds.openstack import errors as os_errors
from tests.faultwalk import raw_text

TOKEN = "gAAAAABsecret-token-0123456789"
URL = f"http://127.0.0.1:8774/v2.1/servers?marker=zzz&token={TOKEN}"
NOVA_500 = ("Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and "
            "attach the Nova API log if possible.\n<class 'sqlalchemy.exc.OperationalError'>")


def response(status: int, body, content_type="application/json", reason="") -> requests.Response:
    """A ``requests.Response`` as the cloud (or a proxy in front of it) answered it."""
    answer = requests.Response()
    answer.status_code = status
    answer.reason = reason or http.client.responses.get(status, "")
    answer._content = json.dumps(body).encode() if isinstance(body, dict) else body
    answer.headers["content-type"] = content_type
    answer.headers["x-openstack-request-id"] = "req-0123"
    answer.url = URL
    answer.request = requests.Request("GET", URL).prepare()
    return answer


def sdk_error(status, body, content_type="application/json"):
    """What openstacksdk raises for this answer (its own ``raise_from_response``)."""
    try:
        sdk.raise_from_response(response(status, body, content_type))
    except sdk.HttpException as error:
        return error
    raise AssertionError("no error raised")


def ks_error(status, body, content_type="application/json"):
    """What keystoneauth raises for this answer (its own ``from_response``)."""
    return ks.from_response(response(status, body, content_type), "GET", URL)


def shown(error: errors.CloudError) -> None:
    """The message reads well: no library text, URL, token or markup."""
    assert error.message
    assert not raw_text(error.message), error.message
    assert TOKEN not in error.message and "127.0.0.1" not in error.message
    assert "<" not in error.message, error.message


def translated(raised: BaseException) -> errors.CloudError:
    def action():
        raise raised
    with pytest.raises(errors.CloudError) as caught:
        os_errors.call(action)
    assert caught.value.__cause__ is raised
    shown(caught.value)
    return caught.value


# keystoneauth1 ---------------------------------------------------------------------------

@pytest.mark.parametrize(("raised", "kind"), [
    (ks.ConnectFailure(f"Unable to establish connection to {URL}: [Errno 111] refused"),
     errors.Unavailable),
    (ks.ConnectTimeout(f"Request to {URL} timed out"), errors.Unavailable),
    (ks.SSLError(f"SSL exception connecting to {URL}: CERTIFICATE_VERIFY_FAILED"),
     errors.Unavailable),
    (ks.UnknownConnectionError(f"Unexpected exception for {URL}", OSError("reset")),
     errors.Unavailable),
    (ks_error(401, {"error": {"code": 401, "message": f"The request you have made requires "
                                                      f"authentication. {TOKEN}"}}),
     errors.Forbidden),
    (ks_error(403, {"error": {"code": 403, "message": "You are not authorized."}}),
     errors.Forbidden),
    (ks_error(404, {"error": {"code": 404, "message": "Could not find user: abc."}}),
     errors.NotFound),
    (ks_error(404, b"<html><body>404 Not Found</body></html>", "text/html"), errors.NotFound),
    (ks_error(409, {"error": {"code": 409, "message": "Duplicate entry."}}), errors.Conflict),
    (ks_error(400, {"error": {"code": 400, "message": "Invalid input."}}),
     errors.InvalidInput),
    (ks_error(500, {"error": {"code": 500, "message": NOVA_500}}), errors.Unavailable),
    (ks_error(503, b"<html>Service Unavailable</html>", "text/html"), errors.Unavailable),
    (ks.EndpointNotFound("Could not find requested endpoint in Service Catalog."),
     errors.NotFound),
    (ks.EmptyCatalog("The service catalog is empty."), errors.NotFound),
    (ks.DiscoveryFailure(f"Could not find versioned identity endpoints when attempting to "
                         f"authenticate. {URL}"), errors.Unavailable),
    (ks.InvalidResponse(f"Unexpected response from {URL}"), errors.Unavailable),
    (ks.MissingAuthMethods(SimpleNamespace(json=lambda: {
        "receipt": {"methods": ["password"], "expires_at": "2030-01-01T00:00:00Z"},
        "required_auth_methods": [["password", "totp"]]},
        headers={"Openstack-Auth-Receipt": TOKEN})), errors.Forbidden),
    (ks.AuthorizationFailure("Could not find versioned identity endpoints"), errors.Forbidden),
    (ks.ClientException(f"keystoneauth1 failed: {URL}"), errors.CloudError),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "")
def test_keystoneauth_errors(raised, kind):
    assert type(translated(raised)) is kind


def test_keystone_words_are_kept_where_they_are_the_clouds():
    error = translated(ks_error(400, {"error": {"code": 400, "message":
                                                "Password does not meet the requirements."}}))
    assert error.message == "Password does not meet the requirements."


# openstacksdk ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raised", "kind"), [
    (sdk.ResourceNotFound(f"No Server found for zzz: {URL}"), errors.NotFound),
    (sdk_error(404, {"itemNotFound": {"code": 404, "message": "Instance zzz could not be "
                                                              "found."}}), errors.NotFound),
    (sdk_error(404, b"<html><head><title>404 Not Found</title></head></html>", "text/html"),
     errors.NotFound),
    (sdk_error(400, {"badRequest": {"code": 400, "message": "marker [zzz] not found"}}),
     errors.InvalidInput),
    (sdk_error(400, b"<html><body><h1>400 Bad Request</h1>Invalid marker</body></html>",
               "text/html"), errors.InvalidInput),
    (sdk_error(403, {"forbidden": {"code": 403, "message": "Policy doesn't allow "
                                                           "os_compute_api:servers:index."}}),
     errors.Forbidden),
    (sdk_error(403, {"forbidden": {"code": 403, "message": "Quota exceeded for cores: "
                                                           "Requested 4, but already used "
                                                           "20 of 20 cores"}}),
     errors.QuotaExceeded),
    (sdk_error(409, {"conflictingRequest": {"code": 409, "message": "Cannot 'stop' "
                                                                    "instance while it is in "
                                                                    "vm_state stopped"}}),
     errors.Conflict),
    (sdk_error(412, {"error": {"message": "Precondition failed"}}), errors.Conflict),
    (sdk_error(413, {"overLimit": {"code": 413, "message": "Request is too large."}}),
     errors.InvalidInput),
    (sdk_error(429, {"overLimit": {"code": 429, "message": "Rate limited."}}),
     errors.Unavailable),
    (sdk_error(500, {"computeFault": {"code": 500, "message": NOVA_500}}),
     errors.Unavailable),
    (sdk_error(502, b"<html><title>502 Bad Gateway</title></html>", "text/html"),
     errors.Unavailable),
    (sdk.HttpException(f"Client Error for url: {URL}"), errors.Unavailable),
    (sdk.SDKException(f"Something went wrong for {URL}"), errors.Unavailable),
    (sdk.InvalidResponse(f"Invalid response: {URL}"), errors.Unavailable),
    (sdk.InvalidRequest("Request requires an ID but none was found"), errors.InvalidInput),
    (sdk.InvalidResourceQuery("Invalid query params: zzz"), errors.InvalidInput),
    (sdk.NotSupported("The compute service for the region is not supported by this SDK"),
     errors.Unavailable),
    (sdk.ServiceDiscoveryException("Failed to discover the image service"),
     errors.Unavailable),
    (sdk.EndpointNotFound(f"No endpoint found for {URL}"), errors.Unavailable),
    (sdk.DuplicateResource("More than one Image exists with the name 'cirros'."),
     errors.Conflict),
    (sdk.ResourceTimeout("Timeout waiting for the server to come up."), errors.Unavailable),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "")
def test_openstacksdk_errors(raised, kind):
    assert type(translated(raised)) is kind


def test_the_clouds_words_are_kept_but_its_server_errors_and_html_are_not():
    conflict = translated(sdk_error(409, {"conflictingRequest": {
        "code": 409, "message": "Security group name in use."}}))
    assert conflict.message == "Security group name in use."
    assert translated(sdk_error(500, {"computeFault": {"code": 500, "message": NOVA_500}})) \
        .message == os_errors.SERVER_ERROR
    html = translated(sdk_error(404, b"<html><h1>404 Not Found</h1>The resource could not be "
                                     b"found.</html>", "text/html"))
    assert html.message == os_errors.BY_STATUS[404]


# requests, urllib3, JSON, and libraries tripping over an answer -------------------------

def _raised_inside_openstacksdk(kind):
    """An error raised by openstacksdk's own code (it reads a field the answer lacks)."""
    from openstack import utils
    try:
        utils.get_string_format_keys(None)  # openstacksdk code failing on what it was given
    except Exception as error:  # noqa: BLE001 - whatever it raises is the point
        return error
    return kind("not raised")


@pytest.mark.parametrize(("raised", "kind", "message"), [
    (requests.exceptions.ConnectionError(f"HTTPConnectionPool(host='127.0.0.1', port=8774): "
                                         f"Max retries exceeded with url: {URL}"),
     errors.Unavailable, os_errors.NO_ANSWER),
    (requests.exceptions.Timeout(f"Read timed out. {URL}"), errors.Unavailable,
     os_errors.NO_ANSWER),
    (requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(12 bytes "
                                              "read, 20 more expected)"),
     errors.Unavailable, os_errors.NO_API_RESPONSE),
    (requests.exceptions.InvalidJSONError("Expecting value: line 1 column 1 (char 0)"),
     errors.Unavailable, os_errors.NO_API_RESPONSE),
    (urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")),
     errors.Unavailable, os_errors.NO_ANSWER),
    (urllib3.exceptions.ReadTimeoutError(None, URL, "Read timed out. (read timeout=1)"),
     errors.Unavailable, os_errors.NO_ANSWER),
    (http.client.RemoteDisconnected("Remote end closed connection without response"),
     errors.Unavailable, os_errors.NO_ANSWER),
    (http.client.IncompleteRead(b"{\"servers\": [", 40), errors.Unavailable,
     os_errors.NO_API_RESPONSE),
    (ConnectionResetError(104, "Connection reset by peer"), errors.Unavailable,
     os_errors.NO_ANSWER),
    (TimeoutError("timed out"), errors.Unavailable, os_errors.NO_ANSWER),
    (json.JSONDecodeError("Expecting value", "<html>502 Bad Gateway</html>", 0),
     errors.Unavailable, os_errors.NO_API_RESPONSE),
    (_raised_inside_openstacksdk(AttributeError), errors.Unavailable,
     os_errors.NO_API_RESPONSE),
], ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "")
def test_transport_and_decoding_errors(raised, kind, message):
    error = translated(raised)
    assert type(error) is kind and error.message == message


def test_a_bug_of_ours_is_not_translated_but_raised_to_be_seen():
    def ours():
        return {}["missing"]
    with pytest.raises(KeyError):
        os_errors.call(ours)


def test_our_own_errors_pass_unchanged():
    refused = errors.Conflict("Name in use.")
    def action():
        raise refused
    with pytest.raises(errors.Conflict) as caught:
        os_errors.call(action)
    assert caught.value is refused


def test_one_translation_function_for_the_session_and_keystone():
    from django_nova.clouds.openstack import identity, keystone, session
    assert session.OpenStackSession.call is os_errors.call
    assert keystone.call is os_errors.call and identity._call is os_errors.call


# botocore, through EC2Session.call ------------------------------------------------------

def client_error(code, message, status=400):
    return boto.ClientError({"Error": {"Code": code, "Message": message},
                             "ResponseMetadata": {"HTTPStatusCode": status}},
                            "DescribeInstances")


@pytest.mark.parametrize(("raised", "kind"), [
    (client_error("InvalidInstanceID.NotFound", "The instance ID 'i-zzz' does not exist"),
     errors.NotFound),
    (client_error("InvalidInstanceID.Malformed", "Invalid id: \"zzz\""), errors.InvalidInput),
    (client_error("UnauthorizedOperation", "You are not authorized to perform this "
                                           "operation.", 403), errors.Forbidden),
    (client_error("IncorrectInstanceState", "The instance is not in a state from which it "
                                            "can be started."), errors.Conflict),
    (client_error("InstanceLimitExceeded", "You have requested more instances than your "
                                           "current instance limit allows."),
     errors.QuotaExceeded),
    (client_error("InternalError", "An internal error has occurred", 500), errors.Unavailable),
    (client_error("InvalidParameterValue", "Value (zzz) for parameter nextToken is invalid."),
     errors.InvalidInput),
    (ResponseParserError("Unable to parse response (syntax error: line 1, column 0), invalid "
                         "XML received. Further retries may succeed: b'<html>502</html>'"),
     errors.Unavailable),
    (boto.EndpointConnectionError(endpoint_url=URL), errors.Unavailable),
    (boto.ConnectionClosedError(endpoint_url=URL), errors.Unavailable),
    (boto.ConnectTimeoutError(endpoint_url=URL), errors.Unavailable),
    (boto.ReadTimeoutError(endpoint_url=URL), errors.Unavailable),
    (boto.NoCredentialsError(), errors.Unavailable),
    (boto.ParamValidationError(report="Invalid type for parameter MaxResults, value: zzz, "
                                      "type: <class 'str'>, valid types: <class 'int'>"),
     errors.InvalidInput),
    (boto.SSLError(endpoint_url=URL, error="CERTIFICATE_VERIFY_FAILED"), errors.Unavailable),
    (boto.ProxyConnectionError(proxy_url=URL, error="refused"), errors.Unavailable),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "")
def test_botocore_errors(raised, kind):
    def operation(**params):
        raise raised
    client = SimpleNamespace(describe_instances=operation, meta=SimpleNamespace(
        endpoint_url="http://127.0.0.1:9", service_model=SimpleNamespace(service_name="ec2")))
    session = EC2Session("translation-test", {"ENDPOINT": "http://127.0.0.1:9"}, None,
                         "us-east-1")
    try:
        with pytest.raises(errors.CloudError) as caught:
            session.call(client, "describe_instances")
    finally:
        breakers.reset()
    assert type(caught.value) is kind
    assert caught.value.__cause__ is raised
    shown(caught.value)

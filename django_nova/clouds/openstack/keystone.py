"""Keystone through keystoneauth1: password login, scoping, revocation.

Returns plain data (tokens, ids, names, the token body with its catalog);
django_nova.keystone keeps it in the server-side session.
"""

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
import urllib3
from django.utils.translation import gettext as _
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.access import create as create_access
from keystoneauth1.identity import v3
from keystoneauth1.identity.access import AccessInfoPlugin

from ...conf import nova_settings
from ...exceptions import CloudError, Forbidden, Unavailable
from ..calls import breakers, cloud_answered, cloud_call, endpoint_of, read_timeout
from .errors import NO_API_RESPONSE, call


@dataclass(frozen=True)
class Login:
    user_id: str
    user_name: str
    unscoped_token: str
    expires_at: datetime
    projects: list[dict]


@dataclass(frozen=True)
class Scope:
    token: str
    body: dict  # Keystone's token body: roles, project and the service catalog
    project_id: str
    project_name: str
    roles: list[str]
    expires_at: datetime


# Version discovery answers, shared by every session of the process: without
# it each request would rediscover every service's versions first.
_discovery_cache: dict = {}


class WholeAnswerWithinTimeout(ks_session.TCPKeepAliveAdapter):
    """Reads an answer whole within its read timeout.

    A socket's timeout bounds each read, not the answer: a cloud (or a proxy in front of
    it) trickling its answer a few bytes at a time would otherwise hold a page for as
    long as it likes, past every deadline.
    """

    PIECE = 65536

    def send(self, request, stream=False, timeout=None, **kwargs):
        response = super().send(request, stream=True, timeout=timeout, **kwargs)
        if stream:
            return response
        limit = timeout[1] if isinstance(timeout, tuple) else timeout
        ends = time.monotonic() + limit if limit else None
        pieces = []
        try:
            while piece := response.raw.read1(self.PIECE, decode_content=True):
                pieces.append(piece)
                if ends is not None and time.monotonic() > ends:
                    response.close()
                    raise requests.exceptions.ReadTimeout(
                        f"answer not read whole within {limit} s", request=request)
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(error, request=request) from error
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as error:
            raise requests.exceptions.ChunkedEncodingError(error, request=request) from error
        response._content = b"".join(pieces)
        response._content_consumed = True
        return response


class CountingSession(ks_session.Session):
    """A keystoneauth session that announces each API request and guards its endpoint.

    Each request passes the endpoint's circuit breaker and the page's deadline
    (``clouds.calls``), reads with a timeout that ends by the deadline, and reports how
    it went; a connection refused or timed out trips the breaker.
    """

    def __init__(self, *args, cloud_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.cloud_key = cloud_key
        adapter = WholeAnswerWithinTimeout()
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, adapter)

    def request(self, url, method, **kwargs):
        url = self._absolute(url, kwargs)
        cloud_call.send(sender=CountingSession, cloud=self.cloud_key,
                        operation=f"{method} {urlsplit(url).path}")
        endpoint = endpoint_of(url)
        # A read whose connection was refused (nothing reached the cloud) is tried again.
        attempts = max(1, nova_settings()["MAX_ATTEMPTS"]) if method in ("GET", "HEAD") else 1
        for attempt in range(1, attempts + 1):
            breakers.check(self.cloud_key, endpoint)
            kwargs["timeout"] = (nova_settings()["CONNECT_TIMEOUT"], read_timeout())
            started = time.monotonic()
            try:
                response = super().request(url, method, **kwargs)
            except (ks_exceptions.ConnectFailure, ks_exceptions.ConnectTimeout,
                    ks_exceptions.SSLError) as error:
                timed_out = isinstance(error, ks_exceptions.ConnectTimeout)
                breakers.failed(self.cloud_key, endpoint, timed_out=timed_out)
                self._report(url, method, started, "unreachable")
                if timed_out or attempt == attempts:
                    raise
                continue
            except ks_exceptions.HttpError:
                breakers.succeeded(self.cloud_key, endpoint)
                self._report(url, method, started, "error")
                raise
            breakers.succeeded(self.cloud_key, endpoint)
            self._report(url, method, started,
                         "ok" if response.status_code < 400 else "error")
            return response

    def _absolute(self, url: str, kwargs: dict) -> str:
        """The URL keystoneauth would ask, where openstacksdk gives a path and a service:
        a breaker guards the service's endpoint, not one path of it (a hung Nova would
        cost a wait per page otherwise)."""
        if urlsplit(url).netloc:
            return url
        override, endpoint_filter = kwargs.get("endpoint_override"), kwargs.get("endpoint_filter")
        if override and "%" not in override:
            base = override
        elif endpoint_filter and not override:
            base = self.get_endpoint(kwargs.get("auth"), allow=kwargs.get("allow"),
                                     **endpoint_filter)
        else:
            return url
        return f"{base.rstrip('/')}/{url.lstrip('/')}" if base else url

    def _report(self, url, method, started, outcome) -> None:
        cloud_answered.send(sender=CountingSession, cloud=self.cloud_key,
                            service=urlsplit(url).netloc, operation=method,
                            duration=time.monotonic() - started, outcome=outcome)


def _session(auth=None, cloud: str = "", config: dict | None = None) -> ks_session.Session:
    # keystoneauth would retry timeouts too; CountingSession.request retries what is safe.
    # VERIFY: True, False or a CA bundle (clouds.yaml's cacert, verify, insecure).
    if config is None and cloud:
        config = nova_settings()["CLOUDS"].get(cloud) or {}
    return CountingSession(auth=auth, cloud_key=cloud, connect_retries=0,
                           discovery_cache=_discovery_cache,
                           verify=(config or {}).get("VERIFY", True))


def password_login(config: dict, username: str, password: str, domain: str) -> Login:
    # The cloud's default domain may be known by id only (clouds.yaml's user_domain_id).
    by_id = bool(domain) and domain == config.get("DEFAULT_DOMAIN_ID")
    auth = v3.Password(auth_url=config["AUTH_URL"], username=username, password=password,
                       unscoped=True,
                       **{"user_domain_id" if by_id else "user_domain_name": domain})
    session = _session(auth, config=config)

    def login():
        access = auth.get_access(session)
        answer = session.get(config["AUTH_URL"].rstrip("/") + "/auth/projects",
                             authenticated=True).json()
        return Login(user_id=access.user_id, user_name=access.username,
                     projects=_enabled_projects(answer), unscoped_token=access.auth_token,
                     expires_at=access.expires)
    return call(login)


def _enabled_projects(answer) -> list[dict]:
    """``GET /auth/projects``'s enabled projects, by name; an answer without them is none."""
    try:
        return sorted(({"id": p["id"], "name": p["name"]} for p in answer["projects"]
                       if p.get("enabled", True)), key=lambda p: p["name"].lower())
    except (KeyError, TypeError, AttributeError) as error:
        raise Unavailable(NO_API_RESPONSE) from error


def scope(config: dict, unscoped_token: str, project_id: str) -> Scope:
    """A project-scoped token from the unscoped one: how project switching works."""
    auth = v3.Token(auth_url=config["AUTH_URL"], token=unscoped_token, project_id=project_id)

    def rescope():
        access = auth.get_access(_session(auth, config=config))
        return Scope(token=access.auth_token, body=access._data, project_id=access.project_id,
                     project_name=access.project_name, roles=list(access.role_names),
                     expires_at=access.expires)
    return call(rescope)


def revoke(config: dict, token: str) -> None:
    """Revoke a token at logout; an unreachable Keystone is not the user's problem."""
    with contextlib.suppress(CloudError):
        call(_session(config=config).delete, config["AUTH_URL"].rstrip("/") + "/auth/tokens",
             headers={"X-Auth-Token": token, "X-Subject-Token": token}, raise_exc=False)


def authenticated_session(token: str, body: dict, cloud: str) -> ks_session.Session:
    """A session that reuses the stored token and catalog (no re-authentication per request)."""
    access = create_access(body=body, auth_token=token)
    return _session(AccessInfoPlugin(access), cloud)


def change_password(config: dict, user_id: str, original_password: str,
                    new_password: str) -> None:
    """Keystone's self-service password change (``POST /v3/users/{id}/password``).

    Keystone checks the original password itself, so no token is needed; it
    refuses a wrong original password (401) and a new password its security
    rules reject (400, e.g. reused or too short for the cloud's policy).
    """
    url = f"{config['AUTH_URL'].rstrip('/')}/users/{user_id}/password"
    body = {"user": {"password": new_password, "original_password": original_password}}
    try:
        answer = call(_session(config=config).post, url, json=body, authenticated=False)
    except Forbidden as error:
        if isinstance(error.__cause__, ks_exceptions.Unauthorized):
            raise Forbidden(_("The current password is not correct.")) from error.__cause__
        raise
    # Keystone answers 204; a 200 page (a proxy's) changed nothing, and taking it for a
    # change would sign the user out for a password they never got.
    if answer.status_code != 204:
        raise Unavailable(NO_API_RESPONSE)

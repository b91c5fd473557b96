"""What operators rely on: every 500 logged with its traceback and request id, an access
log, JSON lines on request, /healthz for load balancers and /metrics for Prometheus."""

import gzip
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from django_nova.clouds.calls import breakers
from django_nova.logs import logging_config
from django_nova.services.compute import ComputeService


@pytest.fixture
def log_stream():
    """The reference site's logging, writing to a string instead of stderr."""
    def configure(json_lines=False):
        logging.config.dictConfig(logging_config(json_lines=json_lines))
        stream = io.StringIO()
        logging.getLogger("django.request").handlers[0].setStream(stream)
        return stream
    yield configure
    logging.config.dictConfig(django_settings.LOGGING)


def explode(*args, **kwargs):
    raise RuntimeError("boom-4242: nobody expected this")


def test_an_unexpected_error_is_logged_with_traceback_and_request_id(member_client, log_stream,
                                                                     monkeypatch):
    stream = log_stream()
    monkeypatch.setattr(ComputeService, "instances_page", explode)
    member_client.raise_request_exception = False
    response = member_client.get("/instances/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    logged = stream.getvalue()
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: boom-4242" in logged
    # The traceback's lines carry the id the user's browser got back, and so does the
    # access line of the same request.
    error_line = next(line for line in logged.splitlines() if "Internal Server Error" in line)
    assert f"[{request_id}]" in error_line
    assert any(f"[{request_id}]" in line and " 500 " in line and "django_nova.access" in line
               for line in logged.splitlines())


def test_request_ids_are_new_unless_a_trusted_proxy_sent_one(member_client, settings):
    first = member_client.get("/instances/")["X-Request-ID"]
    assert first != member_client.get("/instances/")["X-Request-ID"]
    sent = "edge-request-0001"
    assert member_client.get("/instances/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] != sent
    settings.NOVA = {**settings.NOVA, "TRUSTED_PROXIES": 1}
    assert member_client.get("/instances/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    assert member_client.get("/instances/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] \
        != "<script>"


def test_json_lines_on_request(member_client, log_stream):
    stream = log_stream(json_lines=True)
    response = member_client.get("/instances/")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [r for r in records if r["name"] == "django_nova.access"]
    assert access and access[-1]["request_id"] == response["X-Request-ID"]
    assert "GET /instances/ 200" in access[-1]["message"]


@pytest.mark.django_db
def test_healthz_reports_the_site_and_its_clouds(client, settings, closed_port_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok"
    assert health["checks"] == {"database": "ok", "cache": "ok"}
    assert health["clouds"] == {"embedded": "reachable"}
    # A dead cloud is reported, but the dashboard itself stays healthy.
    settings.NOVA = {**settings.NOVA, "CLOUDS": {"embedded": {
        **settings.NOVA["CLOUDS"]["embedded"], "ENDPOINT": closed_port_url}}}
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["clouds"] == {"embedded": "unreachable"}


@pytest.mark.django_db
def test_healthz_fails_when_the_cache_does(client, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    broken = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(not_a_directory / "cache")}}
    with override_settings(CACHES=broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("failing")


def test_metrics_count_requests_cloud_calls_and_breakers(member_client, settings, launch):
    launch()
    member_client.get("/instances/")
    breakers.failed("embedded", "http://127.0.0.1:9", timed_out=True)
    text = Client().get("/metrics").content.decode()
    assert 'nova_http_requests_total{method="GET",status="200",view="django_nova:instances"}' \
        in text
    assert 'nova_cloud_calls_total{cloud="embedded",operation="describe_instances",' \
           'outcome="ok",service="ec2"}' in text
    assert 'nova_cloud_breaker_open{cloud="embedded",endpoint="http://127.0.0.1:9"} 1.0' in text
    assert "nova_cloud_call_duration_seconds_bucket" in text


@pytest.mark.django_db
def test_metrics_are_for_the_sites_own_hosts(settings):
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 403
    settings.NOVA = {**settings.NOVA, "METRICS_TOKEN": "scrape-secret-123"}
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    answered = outside.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-123")
    assert answered.status_code == 200 and b"nova_http_requests_total" in answered.content


def test_pages_are_compressed_and_carry_an_etag(member_client, launch):
    """The reference site gzips its pages (nginx need not) and answers a repeated
    conditional GET of an unchanged answer with a 304 and no body."""
    launch(count=3)
    response = member_client.get("/instances/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content)
    assert b'id="instances"' in html and len(response.content) < len(html) / 3
    assert response["ETag"].startswith('W/"')
    plain = member_client.get("/instances/")
    assert "Content-Encoding" not in plain and b'id="instances"' in plain.content
    # /healthz says the same twice: the second answer is a 304.
    first = member_client.get("/healthz")
    again = member_client.get("/healthz", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""

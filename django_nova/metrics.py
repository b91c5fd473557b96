"""Prometheus metrics: requests and latency per view, cloud calls per service and
operation with their latency and outcome, and each cloud endpoint's breaker.

With several server processes, set PROMETHEUS_MULTIPROC_DIR (prometheus-client's
multiprocess mode) so /metrics adds every process up.
"""

import os

from django.dispatch import receiver
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from .clouds.calls import breakers, cloud_answered

REQUESTS = Counter("nova_http_requests", "Requests answered, by view, method and status.",
                   ["view", "method", "status"])
REQUEST_SECONDS = Histogram("nova_http_request_duration_seconds",
                            "Time to answer a request, by view.", ["view"])
CLOUD_CALLS = Counter("nova_cloud_calls", "Cloud API calls, by cloud, service, operation and "
                      "outcome (ok, error, unreachable).",
                      ["cloud", "service", "operation", "outcome"])
CLOUD_SECONDS = Histogram("nova_cloud_call_duration_seconds",
                          "Time a cloud API call took, by cloud and service.",
                          ["cloud", "service"])


class BreakerCollector:
    """nova_cloud_breaker_open{cloud, endpoint}: 1 while calls to it fail fast."""

    def collect(self):
        gauge = GaugeMetricFamily("nova_cloud_breaker_open", "1 while a cloud endpoint's "
                                  "circuit breaker is open.", labels=["cloud", "endpoint"])
        for (cloud, endpoint), is_open in breakers.states().items():
            gauge.add_metric([cloud, endpoint], 1 if is_open else 0)
        yield gauge


REGISTRY.register(BreakerCollector())


@receiver(cloud_answered)
def count_cloud_call(sender, cloud, service, operation, duration, outcome, **_):
    CLOUD_CALLS.labels(cloud, service, operation, outcome).inc()
    CLOUD_SECONDS.labels(cloud, service).observe(duration)


def observe_request(request, status: int, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None else "<no view>"
    REQUESTS.labels(view, request.method, str(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's, or all processes' in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(BreakerCollector())
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST

"""Health for load balancers (/healthz) and metrics for Prometheus (/metrics).

/healthz answers 200 while the database and the cache work, 503 otherwise; it also
reports whether each cloud answers (a one-second connection to its endpoint, and
its circuit breakers) without failing on it: a cloud being down is no reason to
take the dashboard out of a load balancer.  /metrics is for the site's own hosts:
a request from loopback, or with ``Authorization: Bearer <NOVA["METRICS_TOKEN"]>``.
"""

import hmac

from django.http import HttpResponse, JsonResponse
from django.views import View

from ..client_address import client_address
from ..conf import nova_settings
from ..metrics import exposition
from ..services.health import cloud_reachability, site_checks

LOOPBACK = {"127.0.0.1", "::1"}


class HealthView(View):
    http_method_names = ["get", "head"]
    audited = False

    def get(self, request):
        checks = site_checks()
        healthy = all(value == "ok" for value in checks.values())
        return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks,
                             "clouds": cloud_reachability()},
                            status=200 if healthy else 503)


class MetricsView(View):
    http_method_names = ["get"]
    audited = False

    def get(self, request):
        token = nova_settings()["METRICS_TOKEN"]
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        allowed = (client_address(request) in LOOPBACK
                   or (token and hmac.compare_digest(offered.encode(), token.encode())))
        if not allowed:
            return HttpResponse("Metrics are for this site's own hosts.", status=403,
                                content_type="text/plain")
        body, content_type = exposition()
        return HttpResponse(body, content_type=content_type)

"""Who is asking, as an address: for the audit log and the rate limits alike."""

from .conf import nova_settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind ``NOVA["TRUSTED_PROXIES"]`` proxies, the address they saw.

    X-Forwarded-For is read only when the site says proxies are in front of
    it: otherwise any client could pick its own address, to hide in the
    audit log or to dodge a rate limit.
    """
    proxies = nova_settings()["TRUSTED_PROXIES"]
    forwarded = [part.strip() for part in
                 request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")

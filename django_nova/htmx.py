"""What an htmx request (a live-status poll) says about the page it came from."""

from urllib.parse import urlsplit


def page_behind(request) -> str:
    """The path and query of the page a poll came from (``HX-Current-URL``), else of this
    request: links in a polled row go back to the page, not to the row's own URL."""
    if not request.headers.get("HX-Request"):
        return request.get_full_path()
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    return page.path + (f"?{page.query}" if page.query else "") if page.path else "/"

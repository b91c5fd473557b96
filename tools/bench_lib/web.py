"""Signed-in HTTP clients for both dashboards, and what a first visit loads.

A client is a ``requests.Session`` (its own cookies: its own dashboard
session).  Logging in is what a browser does: GET the form, send back every
field it holds (CSRF token and hidden fields included) with the credentials
filled in, follow the redirect.
"""

import gzip
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

TIMEOUT = 120


class FormParser(HTMLParser):
    """The fields of the first form with a password input, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "password": False}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind == "password":
                self._form["password"] = True
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image"):
                self._form["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if self._select not in fields or "selected" in attrs:
                fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def login_form(html: str) -> dict:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["password"]:
            return form
    raise ValueError("no login form on the page")


class AssetParser(HTMLParser):
    """Stylesheets, scripts, images and icons a page references."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href") and any(
                rel in (attrs.get("rel") or "").lower()
                for rel in ("stylesheet", "icon", "preload", "modulepreload")):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)


def css_urls(css: str) -> list[str]:
    """What a stylesheet makes a current browser fetch, at most: every url() outside
    @font-face (images; a browser loads only those its elements use), and one source
    per @font-face: the woff2 when there is one (browsers pick the first format
    they support, and skip .eot/.ttf/.svg)."""
    urls = []
    for face in FONT_FACE.findall(css):
        sources = [u for u in CSS_URL.findall(face) if not u.startswith("data:")]
        woff2 = [u for u in sources if u.split("?")[0].split("#")[0].endswith(".woff2")]
        urls += (woff2 or sources)[:1]
    urls += [u for u in CSS_URL.findall(FONT_FACE.sub("", css)) if not u.startswith("data:")]
    return urls


@dataclass
class Dashboard:
    """One dashboard the bench talks to."""

    name: str            # "django-nova" or "horizon"
    base: str            # http://127.0.0.1:PORT
    login_path: str
    credentials: dict    # form fields to fill in: username, password, and cloud/domain...
    pids: list = field(default_factory=list)   # the gunicorn master(s), for CPU
    cookies: dict = field(default_factory=dict)  # set on every client (Horizon's page size)

    def client(self) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = "django-nova-bench/1"
        for name, value in self.cookies.items():
            session.cookies.set(name, value, domain="127.0.0.1", path="/")
        return session

    def login(self, session: requests.Session | None = None, any_first_page: bool = False,
              ) -> tuple[requests.Session, dict]:
        """A signed-in client, and the seconds the form GET and POST took.

        ``any_first_page``: signed in is enough, whatever the page after the login
        answered (under load, a cloud too slow for the site's page deadline makes
        it a 503; the load window counts those as errors)."""
        session = session or self.client()
        started = time.perf_counter()
        page = session.get(self.base + self.login_path, timeout=TIMEOUT)
        page.raise_for_status()
        got = time.perf_counter()
        form = login_form(page.text)
        fields = {**form["fields"], **self.credentials}
        action = urljoin(page.url, form["action"] or page.url)
        response = session.post(action, data=fields, timeout=TIMEOUT,
                                headers={"Referer": page.url}, allow_redirects=False)
        posted = time.perf_counter()
        if response.status_code not in (301, 302, 303):
            raise RuntimeError(f"{self.name}: login did not redirect ({response.status_code}); "
                               "wrong credentials or form?\n" + response.text[:1000])
        target = urljoin(action, response.headers["Location"])
        first = session.get(target, timeout=TIMEOUT)
        done = time.perf_counter()
        if (first.status_code != 200 and not any_first_page
                or urlsplit(first.url).path == self.login_path):
            raise RuntimeError(f"{self.name}: login ended at {first.url} "
                               f"({first.status_code})")
        return session, {"form_get": got - started, "post": posted - got,
                         "login": posted - started, "first_page": done - posted,
                         "first_page_path": urlsplit(first.url).path}

    def get(self, session: requests.Session, path: str) -> requests.Response:
        return self.get_with(session, path, {})

    def get_with(self, session: requests.Session, path: str, headers: dict
                 ) -> requests.Response:
        response = session.get(self.base + path, headers=headers, timeout=TIMEOUT,
                               allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"{self.name} {path}: HTTP {response.status_code} "
                               f"{response.headers.get('Location', '')}")
        return response


def first_visit(dashboard: Dashboard, session: requests.Session, path: str) -> dict:
    """The page and everything it references (CSS url()s followed), each fetched
    uncompressed and with ``Accept-Encoding: gzip``: requests and bytes as served."""
    plain = {"Accept-Encoding": "identity"}
    zipped = {"Accept-Encoding": "gzip"}
    page = session.get(dashboard.base + path, headers=plain, timeout=TIMEOUT)
    page_gz = session.get(dashboard.base + path, headers=zipped, timeout=TIMEOUT, stream=True)
    page_wire = len(page_gz.raw.read(decode_content=False))
    parser = AssetParser()
    parser.feed(page.text)
    todo = [urljoin(page.url, u) for u in parser.urls]
    seen, assets = set(), []
    while todo:
        url = todo.pop(0).split("#", 1)[0]
        parts = urlsplit(url)
        if url in seen or parts.scheme not in ("http", "https") or \
                parts.netloc != urlsplit(dashboard.base).netloc:
            continue
        seen.add(url)
        response = session.get(url, headers=plain, timeout=TIMEOUT)
        wire = session.get(url, headers=zipped, timeout=TIMEOUT, stream=True)
        compressed = wire.raw.read(decode_content=False)
        assets.append({"url": parts.path, "status": response.status_code,
                       "bytes": len(response.content), "wire_gzip": len(compressed),
                       "encoding": wire.headers.get("Content-Encoding", "")})
        if parts.path.endswith(".css") and response.ok:
            todo += [urljoin(url, u) for u in css_urls(response.text)]
    html_gzipped = len(gzip.compress(page.content, 6))
    return {
        "path": path,
        "requests": 1 + len(assets),
        "html_bytes": len(page.content),
        "html_wire_gzip": page_wire,
        "html_if_gzipped": html_gzipped,
        "asset_bytes": sum(a["bytes"] for a in assets),
        "asset_wire_gzip": sum(a["wire_gzip"] for a in assets),
        "total_bytes": len(page.content) + sum(a["bytes"] for a in assets),
        "total_wire_gzip": page_wire + sum(a["wire_gzip"] for a in assets),
        "failed": [a["url"] for a in assets if a["status"] != 200],
        "assets": assets,
    }

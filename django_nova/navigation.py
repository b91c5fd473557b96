"""The sidebar: the ``menu`` entries of django_nova's URLconfs, for the current user.

Entries are collected once from the URLconf the site includes django_nova
with, so a host site's prefix and a third-party area's own entries just work.
"""

from functools import lru_cache

from django.urls import URLResolver, get_resolver, reverse

from .menu import SECTION_LABELS, SECTIONS, MenuEntry


def _nova_resolvers(resolver: URLResolver):
    """The resolvers of django_nova's URLconf (the app's own and those it includes)."""
    for pattern in resolver.url_patterns:
        if not isinstance(pattern, URLResolver):
            continue
        if pattern.app_name == "django_nova":
            yield pattern
            yield from (p for p in pattern.url_patterns if isinstance(p, URLResolver))
        else:
            yield from _nova_resolvers(pattern)


@lru_cache(maxsize=4)
def menu_entries(urlconf=None) -> tuple[MenuEntry, ...]:
    entries = []
    for resolver in _nova_resolvers(get_resolver(urlconf)):
        entries.extend(getattr(resolver.urlconf_module, "menu", ()))
    return tuple(sorted(entries, key=lambda e: (SECTIONS.index(e.section), e.order)))


def _shown(entry: MenuEntry, nova) -> bool:
    if entry.admin_only and not nova.is_cloud_admin:
        return False
    if nova.project is None:
        return not entry.project_only
    return not entry.needs or getattr(nova.capabilities, entry.needs)


def _label(entry: MenuEntry, nova) -> str:
    if entry.label_from:
        return str(getattr(nova.capabilities, entry.label_from))
    return entry.label


def sidebar(request) -> list[tuple[str, list[dict]]]:
    """[(section label, [{label, url, id, active}])] for this request; empty sections left out.

    The active link is the one whose URL is the longest prefix of the page's
    path (``/volumes/snapshots/`` is Snapshots, not Volumes), or that names
    the page among its ``also_for``.
    """
    nova = request.nova
    links = [(entry, reverse(f"django_nova:{entry.url_name}"))
             for entry in menu_entries(getattr(request, "urlconf", None)) if _shown(entry, nova)]
    url_name = getattr(request.resolver_match, "url_name", "")
    under = [url for _, url in links if request.path.startswith(url)]
    current = max(under, key=len, default=None)
    sections: dict[str, list[dict]] = {}
    for entry, url in links:
        sections.setdefault(entry.section, []).append({
            "label": _label(entry, nova), "url": url, "id": entry.id,
            "active": url == current or url_name in entry.also_for})
    return [(SECTION_LABELS.get(section, section), found) for section, found in sections.items()]

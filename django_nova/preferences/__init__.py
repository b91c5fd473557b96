"""Each person's language and time zone, chosen on the settings page.

The choice lives in the database (it follows the person to any browser) and,
for speed, in the session: ``activate`` reads the database once per session.
A language someone chose wins over the browser's Accept-Language; a blank
choice leaves Django's LocaleMiddleware (cookie, then Accept-Language) in charge.
"""

import zoneinfo
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone, translation

from ..models import UserPreferences

_SESSION_KEY = "nova_preferences"


@dataclass(frozen=True)
class Preferences:
    language: str = ""
    time_zone: str = ""


def languages() -> list[tuple[str, str]]:
    """The site's languages, each named in itself (Deutsch, 简体中文)."""
    found = []
    for code, name in settings.LANGUAGES:
        try:
            found.append((code, translation.get_language_info(code)["name_local"]))
        except KeyError:
            found.append((code, str(name)))
    return found


@cache
def time_zones() -> tuple[str, ...]:
    """The zones of the host's tz database (read once: listing them walks the disk)."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def of(user) -> Preferences:
    row = UserPreferences.objects.filter(user=user).values_list("language", "time_zone").first()
    return Preferences(*row) if row else Preferences()


def save(request, chosen: Preferences) -> None:
    UserPreferences.objects.update_or_create(
        user=request.user, defaults={"language": chosen.language, "time_zone": chosen.time_zone})
    request.session[_SESSION_KEY] = [chosen.language, chosen.time_zone]
    activate(request)


def activate(request) -> None:
    """Switch this request to the person's language and time zone (or the site's)."""
    chosen = Preferences()
    if request.user.is_authenticated:
        stored = request.session.get(_SESSION_KEY)
        if stored is None:
            chosen = of(request.user)
            request.session[_SESSION_KEY] = [chosen.language, chosen.time_zone]
        else:
            chosen = Preferences(*stored)
    if chosen.language and chosen.language in dict(settings.LANGUAGES):
        translation.activate(chosen.language)
        request.LANGUAGE_CODE = translation.get_language()
    zone = _zone(chosen.time_zone)
    if zone is None:
        timezone.deactivate()  # the site's TIME_ZONE
    else:
        timezone.activate(zone)


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # a zone the host's tz database no longer has

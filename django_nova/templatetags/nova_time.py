"""Times as people read them: in their time zone and language, naming the zone."""

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value):
    """``<time datetime="…">2026-12-01 19:20 CET</time>``: the viewer's zone (their
    choice on Settings, else the site's), the language's short format, the zone named."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    shown = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    zone = local.strftime("%Z") if timezone.is_aware(value) else ""
    return format_html('<time datetime="{}" title="{}">{}{}</time>', value.isoformat(),
                       timezone.get_current_timezone_name(), shown,
                       f" {zone}" if zone else "")

"""Small helpers the test modules share."""

import re
import time

from django.contrib.messages import get_messages
from django.urls import reverse

from django_nova.clouds.calls import cloud_call
from django_nova.conf import EMBEDDED_CLOUD


def wait_for(check, timeout=120, interval=0.5):
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up waiting after {timeout}s")


def messages_of(response) -> list[str]:
    """The Django messages a response's request carried."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, *args):
    """The path of a django_nova URL by name."""
    return reverse(f"django_nova:{name}", args=args)


def cloud_settings(endpoint: str) -> dict:
    """NOVA settings whose embedded cloud lives at ``endpoint``."""
    return {"CLOUDS": {"embedded": {**EMBEDDED_CLOUD, "ENDPOINT": endpoint}}}


def cloud_operations(action) -> list[str]:
    """The cloud operations ``action()`` makes (sorted; assuming a project's role left out)."""
    seen = []

    def record(sender, cloud, operation, **_):
        seen.append(operation)

    cloud_call.connect(record, weak=False)
    try:
        action()
    finally:
        cloud_call.disconnect(record)
    return sorted(op for op in seen if op != "AssumeRole")


def row_menu_links(html: str, instance_id: str) -> set[str]:
    """The links and form actions an instances list row's menu has once opened: the
    page's one menu template (ids as ``__ID__``), kept to what the row offers (as
    nova.js fills it)."""
    row = re.search(f'data-nova-id="{re.escape(instance_id)}" data-nova-offers="([^"]*)"', html)
    template = re.search(r'<template id="instance-menu">(.*?)</template>', html, re.S)
    assert row and template, "no row menu for " + instance_id
    offers = row.group(1).split()
    found = set()
    for item in re.findall(r"<li(?: data-nova-if=\"([^\"]*)\")?>(.*?)</li>", template.group(1),
                           re.S):
        condition, markup = item
        if condition and condition not in offers:
            continue
        found.update(target.replace("__ID__", instance_id) for target in
                     re.findall(r'(?:href|action)="([^"]*)"', markup))
    return found

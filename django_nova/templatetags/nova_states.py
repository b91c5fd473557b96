"""The ``state_label`` filter: a cloud's state name as people read it (django_nova.states)."""

from django import template

from .. import states

register = template.Library()
register.filter("state_label", states.state_label)

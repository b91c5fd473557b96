"""Services: what views call.  They hold the rules (which calls, in what order,
concurrently, cached) and return django_nova.resources dataclasses."""

"""django-nova: a reusable Django app that puts a dashboard in front of cloud APIs."""

__version__ = "0.1.0"

"""tools/bench: django-nova's page speed measured beside Horizon and the raw API."""

"""Sign-up on the reference site: django-registration's activation workflow,
provisioning on activation, password reset for local and Keystone accounts,
and rate limits on sign-up (django-ratelimit) and login (django-axes)."""

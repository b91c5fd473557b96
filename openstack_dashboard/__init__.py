"""The reference site around django_nova: settings, URLs, branding, accounts."""

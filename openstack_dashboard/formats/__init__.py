"""Date formats of the reference site that differ from Django's (FORMAT_MODULE_PATH)."""

"""The signal every cloud call sends, so benchmarks, tests and metrics can count them."""

import django.dispatch

# Sent once per API request a cloud part makes (after retries are decided), with
# ``cloud`` (the cloud key) and ``operation`` (the API's name for it).
cloud_call = django.dispatch.Signal()

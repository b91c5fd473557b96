from django.core.management.base import BaseCommand

from ... import embedded


class Command(BaseCommand):
    help = "Start, stop or show the embedded sandbox cloud shared by this site's processes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, action, **options):
        if action == "start":
            self.stdout.write(f"Embedded cloud at {embedded.ensure_running()}")
        elif action == "stop":
            self.stdout.write("Embedded cloud stopped." if embedded.stop()
                              else "Embedded cloud was not running.")
        else:
            url = embedded.running_url()
            self.stdout.write(f"Embedded cloud at {url}" if url
                              else "Embedded cloud is not running.")

from django.core.management.base import BaseCommand

from openstack_dashboard.registration.signups import purge_expired_signups


class Command(BaseCommand):
    help = ("Delete sign-ups whose activation link expired unused, with their "
            "inactive accounts and the passwords kept for provisioning.")

    def handle(self, *args, **options):
        count = purge_expired_signups()
        self.stdout.write(f"Deleted {count} expired sign-up{'s' if count != 1 else ''}.")

"""Constants the test modules share: seeded ids, passwords, keys."""

IMAGE_ID = "ami-0cafe000000000004"  # CirrOS, seeded by django_nova/data/embedded_images.json
PASSWORD = "correct-horse-battery-staple"  # noqa: S105  (every make_user user's password)
SIGNUP_PASSWORD = "a-long-and-unusual-passphrase-42"  # noqa: S105  (what sign-ups choose)
ED25519_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
               " alice@example")

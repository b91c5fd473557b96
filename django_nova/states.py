"""States as people read them: the clouds' state names, translated where we know them."""

from django.utils.translation import pgettext_lazy

# Every state the drivers report (instances, volumes, snapshots, images, services), in the
# words the page shows (lower case; the badge capitalises).  Unknown ones show as they come.
LABELS = {
    "pending": pgettext_lazy("state", "pending"),
    "running": pgettext_lazy("state", "running"),
    "stopping": pgettext_lazy("state", "stopping"),
    "stopped": pgettext_lazy("state", "stopped"),
    "shutting-down": pgettext_lazy("state", "shutting-down"),
    "terminated": pgettext_lazy("state", "terminated"),
    "rebooting": pgettext_lazy("state", "rebooting"),
    "building": pgettext_lazy("state", "building"),
    "spawning": pgettext_lazy("state", "spawning"),
    "resizing": pgettext_lazy("state", "resizing"),
    "verify-resize": pgettext_lazy("state", "verify-resize"),
    "deleting": pgettext_lazy("state", "deleting"),
    "powering-off": pgettext_lazy("state", "powering-off"),
    "powering-on": pgettext_lazy("state", "powering-on"),
    "paused": pgettext_lazy("state", "paused"),
    "suspended": pgettext_lazy("state", "suspended"),
    "shelved": pgettext_lazy("state", "shelved"),
    "error": pgettext_lazy("state", "error"),
    "unknown": pgettext_lazy("state", "unknown"),
    "available": pgettext_lazy("state", "available"),
    "in-use": pgettext_lazy("state", "in-use"),
    "creating": pgettext_lazy("state", "creating"),
    "attaching": pgettext_lazy("state", "attaching"),
    "detaching": pgettext_lazy("state", "detaching"),
    "extending": pgettext_lazy("state", "extending"),
    "reserved": pgettext_lazy("state", "reserved"),
    "optimizing": pgettext_lazy("state", "optimizing"),
    "completed": pgettext_lazy("state", "completed"),
    "error_deleting": pgettext_lazy("state", "error_deleting"),
    "error_extending": pgettext_lazy("state", "error_extending"),
    "active": pgettext_lazy("state", "active"),
    "queued": pgettext_lazy("state", "queued"),
    "saving": pgettext_lazy("state", "saving"),
    "deactivated": pgettext_lazy("state", "deactivated"),
    "failed": pgettext_lazy("state", "failed"),
    "deregistered": pgettext_lazy("state", "deregistered"),
    "invalid": pgettext_lazy("state", "invalid"),
    "up": pgettext_lazy("state", "up"),
    "down": pgettext_lazy("state", "down"),
    "enabled": pgettext_lazy("state", "enabled"),
    "disabled": pgettext_lazy("state", "disabled"),
}



def state_label(state) -> str:
    return LABELS.get(str(state), state)

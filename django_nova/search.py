"""What a search box's text is: an id, an IP address or (part of) a name.

Drivers hand each kind to the cloud's own filter (Nova's ``name``/``ip``, EC2's
``instance-id``, ``private-ip-address``/``ip-address``, ``tag:Name``), so a search
covers the whole listing, not only the page on screen.
"""

import ipaddress
import re
from dataclasses import dataclass

UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
# An EC2 instance id: i- and 8 or 17 hex digits (names like "db-12345678" stay names).
EC2_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
# The longest text a search box takes (a name is at most 255 characters on either cloud).
MAX_LENGTH = 255


@dataclass(frozen=True)
class Search:
    text: str

    @property
    def kind(self) -> str:
        """"uuid" (OpenStack's ids), "ec2-id" (an instance's ``i-0abc…``), "ip" or "name".

        A cloud takes the other cloud's id shape for (part of) a name.
        """
        if UUID.match(self.text):
            return "uuid"
        if EC2_ID.match(self.text):
            return "ec2-id"
        try:
            ipaddress.ip_address(self.text)
        except ValueError:
            return "name"
        return "ip"


def search_for(text: str) -> Search | None:
    """The search a box's text asks for (None for an empty box)."""
    text = (text or "").strip()[:MAX_LENGTH]
    return Search(text) if text else None

"""Sidebar entries, as data: each area's URLconf lists its own in ``menu``.

The base template shows them (``{% nova_menu %}``, ``django_nova.navigation``)
under their section, in section order, for the pages a user may open on the
current cloud.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Sidebar sections, in page order (their names are what entries give as ``section``).
SECTIONS = ("Project", "Compute", "Storage", "Network", "Admin")
# What the sidebar shows for each section.
SECTION_LABELS = {
    "Project": _("Project"),
    "Compute": _("Compute"),
    "Storage": _("Storage"),
    "Network": _("Network"),
    # Translators: the sidebar section of cloud administration pages.
    "Admin": _("Admin"),
}


@dataclass(frozen=True)
class MenuEntry:
    section: str
    label: str
    url_name: str  # in the django_nova namespace
    id: str = ""
    # Place in its section, smallest first.
    order: int = 0
    # A Capabilities flag the entry needs ("has_volumes"); without a current project
    # the cloud is not known yet, and the entry shows unless ``project_only``.
    needs: str = ""
    project_only: bool = False
    admin_only: bool = False
    # A Capabilities attribute to take the label from ("address_label"), whole: a
    # translated label cannot take an English suffix.
    label_from: str = ""
    # Other pages (URL names) that belong to the entry besides those under its URL.
    also_for: tuple[str, ...] = ()

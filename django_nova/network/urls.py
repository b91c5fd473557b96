from django.utils.translation import gettext_lazy as _

from ..menu import MenuEntry
from ..routes import routes
from . import views

GROUP = "network/security-groups/<str:group_id>/"
ROUTER = "network/routers/<str:router_id>/"

urlpatterns = [
    *routes("security-groups", "network/security-groups/", views.SecurityGroupListView),
    *routes("security-group", "network/security-groups/", create=views.SecurityGroupCreateView),
    *routes("security-group", GROUP, views.SecurityGroupDetailView,
            edit=views.SecurityGroupEditView, delete=views.SecurityGroupDeleteView),
    *routes("security-group-rule", f"{GROUP}rules/", add=views.RuleAddView),
    *routes("security-group-rule", f"{GROUP}rules/<str:rule_id>/", delete=views.RuleDeleteView),
    *routes("instance-security-groups", "network/instances/<str:instance_id>/security-groups/",
            views.InstanceSecurityGroupsView),
    *routes("addresses", "network/addresses/", views.AddressListView),
    *routes("address", "network/addresses/", allocate=views.AddressAllocateView),
    *routes("address", "network/addresses/<str:address_id>/",
            associate=views.AddressAssociateView, disassociate=views.AddressDisassociateView,
            release=views.AddressReleaseView),
    *routes("networks", "network/networks/", views.NetworkListView),
    *routes("network", "network/networks/", create=views.NetworkCreateView),
    *routes("network", "network/networks/<str:network_id>/", delete=views.NetworkDeleteView),
    *routes("subnet", "network/networks/<str:network_id>/subnets/",
            create=views.SubnetCreateView),
    *routes("subnet", "network/subnets/<str:subnet_id>/", delete=views.SubnetDeleteView),
    *routes("routers", "network/routers/", views.RouterListView),
    *routes("router", "network/routers/", create=views.RouterCreateView),
    *routes("router", ROUTER, gateway=views.RouterGatewayView),
    *routes("router-interface", f"{ROUTER}interfaces/", add=views.RouterInterfaceAddView),
    *routes("router-interface", f"{ROUTER}interfaces/<str:subnet_id>/",
            remove=views.RouterInterfaceRemoveView),
    *routes("router", ROUTER, delete=views.RouterDeleteView),
]

menu = [
    MenuEntry("Network", _("Networks"), "networks", id="nav-networks", order=10,
              needs="has_networks", project_only=True,
              also_for=("subnet-create", "subnet-delete")),
    MenuEntry("Network", _("Routers"), "routers", id="nav-routers", order=20,
              needs="has_networks", project_only=True),
    MenuEntry("Network", _("Security groups"), "security-groups", id="nav-security-groups",
              order=30, needs="has_security_groups"),
    MenuEntry("Network", _("Floating IPs"), "addresses", id="nav-addresses", order=40,
              needs="has_addresses", label_from="address_label"),
]

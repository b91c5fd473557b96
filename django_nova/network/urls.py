from django.urls import include, path

from ..menu import MenuEntry
from . import views

paths = [
    path("security-groups/", views.SecurityGroupListView.as_view(), name="security-groups"),
    path("security-groups/create/", views.SecurityGroupCreateView.as_view(),
         name="security-group-create"),
    path("security-groups/<str:group_id>/", views.SecurityGroupDetailView.as_view(),
         name="security-group"),
    path("security-groups/<str:group_id>/edit/", views.SecurityGroupEditView.as_view(),
         name="security-group-edit"),
    path("security-groups/<str:group_id>/delete/", views.SecurityGroupDeleteView.as_view(),
         name="security-group-delete"),
    path("security-groups/<str:group_id>/rules/add/", views.RuleAddView.as_view(),
         name="security-group-rule-add"),
    path("security-groups/<str:group_id>/rules/<str:rule_id>/delete/",
         views.RuleDeleteView.as_view(), name="security-group-rule-delete"),
    path("instances/<str:instance_id>/security-groups/",
         views.InstanceSecurityGroupsView.as_view(), name="instance-security-groups"),
    path("addresses/", views.AddressListView.as_view(), name="addresses"),
    path("addresses/allocate/", views.AddressAllocateView.as_view(), name="address-allocate"),
    path("addresses/<str:address_id>/associate/", views.AddressAssociateView.as_view(),
         name="address-associate"),
    path("addresses/<str:address_id>/disassociate/", views.AddressDisassociateView.as_view(),
         name="address-disassociate"),
    path("addresses/<str:address_id>/release/", views.AddressReleaseView.as_view(),
         name="address-release"),
    path("networks/", views.NetworkListView.as_view(), name="networks"),
    path("networks/create/", views.NetworkCreateView.as_view(), name="network-create"),
    path("networks/<str:network_id>/delete/", views.NetworkDeleteView.as_view(),
         name="network-delete"),
    path("networks/<str:network_id>/subnets/create/", views.SubnetCreateView.as_view(),
         name="subnet-create"),
    path("subnets/<str:subnet_id>/delete/", views.SubnetDeleteView.as_view(),
         name="subnet-delete"),
    path("routers/", views.RouterListView.as_view(), name="routers"),
    path("routers/create/", views.RouterCreateView.as_view(), name="router-create"),
    path("routers/<str:router_id>/gateway/", views.RouterGatewayView.as_view(),
         name="router-gateway"),
    path("routers/<str:router_id>/interfaces/add/", views.RouterInterfaceAddView.as_view(),
         name="router-interface-add"),
    path("routers/<str:router_id>/interfaces/<str:subnet_id>/remove/",
         views.RouterInterfaceRemoveView.as_view(), name="router-interface-remove"),
    path("routers/<str:router_id>/delete/", views.RouterDeleteView.as_view(),
         name="router-delete"),
]

urlpatterns = [path("network/", include(paths))]

menu = [
    MenuEntry("Network", "Networks", "networks", id="nav-networks", order=10, needs="has_networks",
              project_only=True, also_for=("subnet-create", "subnet-delete")),
    MenuEntry("Network", "Routers", "routers", id="nav-routers", order=20, needs="has_networks",
              project_only=True),
    MenuEntry("Network", "Security groups", "security-groups", id="nav-security-groups", order=30,
              needs="has_security_groups"),
    MenuEntry("Network", "Floating IPs", "addresses", id="nav-addresses", order=40,
              needs="has_addresses", label_from="address_label"),
]

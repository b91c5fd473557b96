from django.urls import path

from . import views

urlpatterns = [
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
]

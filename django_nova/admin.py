from django.contrib import admin

from .models import Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "cloud", "account_id", "created_at"]
    list_filter = ["cloud"]
    search_fields = ["name", "account_id"]
    inlines = [MembershipInline]
    exclude = ["secret_access_key"]

from django.contrib import admin

from .models import Signup


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    """Sign-ups and where provisioning stands; the kept password is never shown."""

    list_display = ["username", "cloud", "state", "project_name", "created_at", "activated_at"]
    list_filter = ["state", "cloud"]
    search_fields = ["username", "user__email"]
    fields = ["user", "username", "cloud", "state", "project_id", "project_name",
              "cloud_user_id", "error", "created_at", "activated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

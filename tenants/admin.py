from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from .forms import AgencyProfileForm
from .models import Agency, AgencyProfile, ReferralCode, RoutingCount, Territory


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows changed only through their audited services: the admin lists and shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AgencyProfile)
class AgencyProfileAdmin(admin.ModelAdmin):
    """One profile per deployment: it can be edited, never added twice or deleted."""

    form = AgencyProfileForm
    list_display = ["name", "short_name", "phone", "email", "updated_at"]
    # The fee schedule changes only on the counselor app's fee schedule page, which
    # validates it against the state caps, asks for recent sign-in and audits the change.
    readonly_fields = ["fee_schedule"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AgencyProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReferralCodeInline(admin.TabularInline):
    model = ReferralCode
    extra = 0


class TerritoryInline(admin.TabularInline):
    model = Territory
    extra = 0


class AgencyAdmin(admin.ModelAdmin):
    list_display = ["display_name", "slug", "public_url", "active", "priority"]
    list_filter = ["active"]
    search_fields = ["display_name", "slug"]
    inlines = [ReferralCodeInline, TerritoryInline]


class RoutingCountAdmin(admin.ModelAdmin):
    list_display = ["day", "agency", "method", "count"]
    list_filter = ["method", "agency"]
    date_hierarchy = "day"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


if settings.IS_FRONTDOOR:
    admin.site.unregister(AgencyProfile)
    admin.site.register(Agency, AgencyAdmin)
    admin.site.register(RoutingCount, RoutingCountAdmin)
    admin.site.site_header = "Credit Genie front door"
else:
    admin.site.site_header = "Agency administration"

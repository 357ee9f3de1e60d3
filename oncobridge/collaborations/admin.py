from django.contrib import admin

from oncobridge.collaborations.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "effective_date", "expiry_date"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "parties__name"]
    filter_horizontal = ["parties"]
    date_hierarchy = "effective_date"

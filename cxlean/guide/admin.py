from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.admin_rules import CatalogueAdmin, RoleStackedInline


class GuideActivityInline(RoleStackedInline):
    model = GuideActivity
    extra = 0
    fields = [("order", "title_sv", "title_en"), ("description_sv", "description_en")]


@admin.register(GuideStep)
class GuideStepAdmin(CatalogueAdmin):
    list_display = ["number", "title_sv", "title_en", "weight", "activities"]
    list_display_links = ["number", "title_sv"]
    search_fields = ["title_sv", "title_en"]
    fields = ["number", "title_sv", "title_en", "description_sv", "description_en", "weight"]
    inlines = [GuideActivityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_count=Count("activities"))

    @admin.display(description=_("recommended activities"), ordering="activity_count")
    def activities(self, obj: GuideStep) -> int:
        return obj.activity_count


@admin.register(GuideActivity)
class GuideActivityAdmin(CatalogueAdmin):
    list_display = ["title_sv", "title_en", "step", "order"]
    list_filter = ["step"]
    list_select_related = ["step"]
    search_fields = ["title_sv", "title_en"]
    fields = ["step", "order", "title_sv", "title_en", "description_sv", "description_en"]

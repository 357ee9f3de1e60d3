from django.urls import path, re_path

from oncobridge.beacon import views
from oncobridge.beacon.framework import BIOSAMPLE, GENOMIC_VARIANT, INDIVIDUAL

app_name = "beacon"

individuals = views.entries(INDIVIDUAL)
biosamples = views.entries(BIOSAMPLE)
g_variants = views.entries(GENOMIC_VARIANT)

urlpatterns = [
    path("", views.info, name="info"),
    path("info", views.info),
    path("service-info", views.service_info, name="service-info"),
    path("configuration", views.configuration, name="configuration"),
    path("map", views.beacon_map, name="map"),
    path("entry_types", views.entry_types, name="entry-types"),
    path("filtering_terms", views.filtering_terms, name="filtering-terms"),
    path("datasets", views.datasets, name="datasets"),
    path("datasets/<str:dataset_id>", views.datasets, name="dataset"),
    path("datasets/<str:dataset_id>/individuals", individuals, name="dataset-individuals"),
    path("datasets/<str:dataset_id>/biosamples", biosamples, name="dataset-biosamples"),
    path("datasets/<str:dataset_id>/g_variants", g_variants, name="dataset-g-variants"),
    path("cohorts", views.cohorts, name="cohorts"),
    path("cohorts/<str:cohort_id>", views.cohorts, name="cohort"),
    path("individuals", individuals, name="individuals"),
    path("individuals/<str:entry_id>", individuals, name="individual"),
    path("individuals/<str:related_id>/biosamples", views.entries(BIOSAMPLE, INDIVIDUAL)),
    path("individuals/<str:related_id>/g_variants", views.entries(GENOMIC_VARIANT, INDIVIDUAL)),
    path("biosamples", biosamples, name="biosamples"),
    path("biosamples/<str:entry_id>", biosamples, name="biosample"),
    path("biosamples/<str:related_id>/g_variants", views.entries(GENOMIC_VARIANT, BIOSAMPLE)),
    path("g_variants", g_variants, name="g-variants"),
    path("g_variants/<str:entry_id>", g_variants, name="g-variant"),
    path("g_variants/<str:related_id>/individuals", views.entries(INDIVIDUAL, GENOMIC_VARIANT)),
    path("g_variants/<str:related_id>/biosamples", views.entries(BIOSAMPLE, GENOMIC_VARIANT)),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]

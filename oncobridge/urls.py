from django.contrib import admin
from django.urls import include, path

from oncobridge.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("beacon/v2/", include("oncobridge.beacon.urls")),
    path("accounts/", include("oncobridge.accounts.urls")),
    path("matching/", include("oncobridge.matching.urls")),
    path("cohorts/", include("oncobridge.cohorts.urls")),
    path("datasets/", include("oncobridge.datasharing.urls")),
    path("collaborations/", include("oncobridge.collaborations.urls")),
    path("", include("oncobridge.portfolio.urls")),
]

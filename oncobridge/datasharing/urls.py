from django.urls import path

from oncobridge.datasharing import views

app_name = "datasharing"

# The fixed paths come before <slug:slug>/ so that they are never read as a dataset's slug.
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("new/", views.dataset_create, name="dataset_create"),
    path("requests/", views.access_request_list, name="access_request_list"),
    path("requests/<int:pk>/", views.access_request_detail, name="access_request_detail"),
    path("requests/<int:pk>/decision/", views.access_request_decide, name="access_request_decide"),
    path("committee/", views.committee_queue, name="committee_queue"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("<slug:slug>/", views.dataset_detail, name="dataset_detail"),
    path("<slug:slug>/import/", views.dataset_import, name="dataset_import"),
    path("<slug:slug>/imports/<int:pk>/", views.import_job_detail, name="import_job_detail"),
    path("<slug:slug>/request/", views.access_request_create, name="access_request_create"),
    path("<slug:slug>/request/check/", views.access_request_check, name="access_request_check"),
    path(
        "<slug:slug>/tables/<slug:table>.<slug:fmt>",
        views.dataset_table_download,
        name="dataset_table_download",
    ),
    path("<slug:slug>/phenopackets.json", views.dataset_phenopackets, name="dataset_phenopackets"),
    path("<slug:slug>/audit/", views.dataset_audit, name="dataset_audit"),
    path("<slug:slug>/audit.csv", views.dataset_audit_csv, name="dataset_audit_csv"),
]

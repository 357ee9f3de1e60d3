from django.urls import path

from oncobridge.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("", views.builder, name="builder"),
    path("row/", views.criterion_row, name="row"),
    path("count/", views.count, name="count"),
    path("save/", views.save, name="save"),
    path("analyses/", views.analysis, name="analysis"),
    path("analyses/export/", views.analysis_export, name="analysis_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/members.csv", views.members_csv, name="members_csv"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]

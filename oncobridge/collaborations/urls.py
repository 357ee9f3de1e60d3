from django.urls import path

from oncobridge.collaborations import office_views, views

app_name = "collaborations"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("projects/<int:pk>/members/", views.member_add, name="member_add"),
    path("projects/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("projects/<int:pk>/key-results/<int:result_pk>/", views.key_result_update, name="key_result_update"),
    path("projects/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/edit/", views.milestone_edit, name="milestone_edit"
    ),
    path("projects/<int:pk>/raci/", views.raci_edit, name="raci_edit"),
    path("projects/<int:pk>/checkins/new/", views.checkin_create, name="checkin_create"),
    path("projects/<int:pk>/checkins/<int:checkin_pk>/record/", views.checkin_record, name="checkin_record"),
    path("projects/<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "projects/<int:pk>/documents/<int:document_pk>/versions/",
        views.document_version_add,
        name="document_version_add",
    ),
    path(
        "projects/<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/transition/", views.agreement_transition, name="agreement_transition"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    # The alliance office (office_views): dashboard, pipeline, outputs, activity, export
    path("office/", office_views.dashboard, name="office_dashboard"),
    path("office/pipeline/", office_views.pipeline, name="office_pipeline"),
    path("activity/", office_views.activity_feed, name="activity_feed"),
    path("projects/<int:pk>/activity/", office_views.project_activity, name="project_activity"),
    path("projects/<int:pk>/outcomes/", office_views.project_outcomes, name="project_outcomes"),
    path(
        "projects/<int:pk>/outcomes/<int:output_pk>/remove/",
        office_views.project_outcome_remove,
        name="project_outcome_remove",
    ),
    path("projects/<int:pk>/export/", office_views.project_export, name="project_export"),
]

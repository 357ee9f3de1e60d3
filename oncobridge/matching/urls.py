from django.urls import path

from oncobridge.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.find_partners, name="find_partners"),
    path("introductions/", views.introduction_list, name="introduction_list"),
    path("introductions/new/", views.introduction_create, name="introduction_create"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path("introductions/<int:pk>/decision/", views.introduction_decide, name="introduction_decide"),
    path("introductions/<int:pk>/cda/", views.introduction_open_cda, name="introduction_open_cda"),
    path("introductions/<int:pk>/outcome/", views.introduction_outcome, name="introduction_outcome"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("report/", views.ranking_report, name="ranking_report"),
]

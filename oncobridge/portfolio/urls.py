from django.urls import path

from oncobridge.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.home, name="home"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("people/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("me/profile/", views.my_profile, name="my_profile"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]

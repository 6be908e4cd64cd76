from django.urls import path

from medcode.reference import views

app_name = "reference"

urlpatterns = [
    path("reference/", views.data_status, name="status"),
    path("reference/changes/", views.release_changes, name="changes"),
    path("modifiers/", views.modifier_list, name="modifiers"),
    path("modifiers/<str:code>/", views.modifier_page, name="modifier"),
    path("coverage/", views.coverage_search, name="coverage"),
    path("tools/claim-check/", views.claim_check, name="claim_check"),
    path("tools/fees/", views.fee_calculator, name="fees"),
]

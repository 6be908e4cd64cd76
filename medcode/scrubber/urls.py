from django.urls import path

from medcode.scrubber import views

app_name = "scrubber"
urlpatterns = [
    path("", views.claim, name="claim"),
    path("batch/", views.batch_upload, name="batch"),
    path("batch/<str:token>/", views.batch_report, name="batch_report"),
    path("batch/<str:token>/report.<str:layout>", views.batch_download, name="batch_download"),
]

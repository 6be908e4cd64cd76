from django.urls import path

from medcode.careers import employer, views

app_name = "careers"
urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job_short"),
    path("jobs/<int:pk>/<slug:slug>/", views.job, name="job"),
    path("apply/<int:pk>/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    path("resumes/<int:pk>/", views.resume, name="resume"),
    path("alerts/", views.saved_searches, name="alerts"),
    path("alerts/<int:pk>/delete/", views.delete_saved_search, name="delete_alert"),
    path("alerts/<str:token>/feed.atom", views.feed, name="feed"),
    path("alerts/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("employer/", employer.dashboard, name="employer"),
    path("employer/register/", employer.register, name="employer_register"),
    path("employer/jobs/new/", employer.edit_job, name="new_job"),
    path("employer/jobs/<int:pk>/edit/", employer.edit_job, name="edit_job"),
    path("employer/jobs/<int:pk>/close/", employer.change_job, {"action": "close"}, name="close_job"),
    path("employer/jobs/<int:pk>/renew/", employer.change_job, {"action": "renew"}, name="renew_job"),
    path("employer/jobs/<int:pk>/applicants/", employer.applicants, name="applicants"),
    path("review/", employer.review, name="review"),
]

from django.urls import path

from medcode.inpatient import views

app_name = "inpatient"
urlpatterns = [
    path("", views.grouper_page, name="grouper"),
    path("all/", views.drg_list, name="list"),
    path("<int:number>/", views.drg_page, name="drg"),
]

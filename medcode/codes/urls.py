from django.urls import path

from medcode.codes import views

app_name = "codes"

urlpatterns = [
    path("", views.home, name="home"),
    path("go/", views.go, name="go"),
    path("<slug:system>/", views.system_index, name="system"),
]

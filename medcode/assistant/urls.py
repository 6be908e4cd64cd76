from django.urls import path

from medcode.assistant import views

urlpatterns = [
    path("", views.casepilot, name="casepilot"),
    path("ask/", views.ask, name="casepilot_ask"),
    path("conversations/<int:number>/delete/", views.delete, name="casepilot_delete"),
]

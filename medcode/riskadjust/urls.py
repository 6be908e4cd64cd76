from django.urls import path

from medcode.riskadjust import views

app_name = "riskadjust"
urlpatterns = [
    path("", views.calculator_page, name="calculator"),
]

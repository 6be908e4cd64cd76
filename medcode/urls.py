from django.contrib import admin
from django.urls import include, path

from medcode.api import api
from medcode.codes import views as code_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("casepilot/", include("medcode.assistant.urls")),
    path("caseconsultant/", include("medcode.consult.urls")),
    path("case2code/", include("medcode.search.urls")),
    path("careers/", include("medcode.careers.urls")),
    path("accounts/", include("medcode.accounts.urls")),
    path("", include("medcode.reference.urls")),
    path("", include("medcode.codes.urls")),
]

handler404 = "medcode.codes.views.page_not_found"

from django.contrib import admin
from django.urls import include, path, re_path

from medcode.site import views
from medcode.site.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("api/", api.urls),
    re_path(r"^api/", views.api_not_found),  # an address no endpoint answers: JSON, as the API's other errors
    path("casepilot/", include("medcode.assistant.urls")),
    path("caseconsultant/", include("medcode.consult.urls")),
    path("case2code/", include("medcode.search.urls")),
    path("careers/", include("medcode.careers.urls")),
    path("claims/", include("medcode.scrubber.urls")),
    path("drg/", include("medcode.inpatient.urls")),
    path("hcc/", include("medcode.riskadjust.urls")),
    path("accounts/", include("medcode.accounts.urls")),
    path("", include("medcode.reference.urls")),
    path("", include("medcode.codes.urls")),
    # After every app's own pages, which hold fixed words where this holds a code set's slug.
    path("<slug:system>/<str:code>/", views.code_page, name="code"),
]

handler404 = "medcode.codes.views.page_not_found"

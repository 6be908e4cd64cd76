from django.contrib import admin
from medcode.careers import board
from medcode.careers.models import Application, Credential, Employer, Job, SavedSearch, Specialty


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user", "verified_by"]
    actions = ["verify"]

    @admin.action(description="Verify the selected employers")
    def verify(self, request, queryset):
        for employer in queryset.filter(verified_at__isnull=True):
            board.verify_employer(employer, request.user)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "state", "work_mode", "status", "posted_at", "expires_at"]
    list_filter = ["status", "work_mode", "employment_type"]
    search_fields = ["title", "organisation", "description"]
    raw_id_fields = ["employer"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["job", "applicant", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["resume"]  # résumés are the applicant's and the employer's only
    readonly_fields = ["resume_name", "resume_type"]
    raw_id_fields = ["job", "applicant"]


admin.site.register(Credential, list_display=["code", "name"])
admin.site.register(Specialty, list_display=["name", "slug"], prepopulated_fields={"slug": ["name"]})
admin.site.register(SavedSearch, list_display=["name", "user", "frequency", "active", "last_sent_at"])

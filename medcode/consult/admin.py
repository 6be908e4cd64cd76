from django.contrib import admin

from medcode.consult.models import AuditEvent, Case, DeadLetter, MailRecord, Note


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "submitter", "plan", "status", "due_at", "claimed_by", "via"]
    list_filter = ["status", "plan", "via"]
    search_fields = ["subject", "submitter__email"]
    raw_id_fields = ["submitter", "claimed_by"]
    readonly_fields = ["created_at", "answered_at", "phi_masked"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ["at", "actor", "action", "case", "detail"]
    list_filter = ["action"]
    search_fields = ["actor__email", "detail"]


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnly):
    list_display = ["received_at", "source", "sender", "subject", "status", "attempts", "size"]
    list_filter = ["status", "source"]
    exclude = ["raw"]


@admin.register(MailRecord)
class MailRecordAdmin(ReadOnly):
    list_display = ["at", "direction", "kind", "address", "case", "message_id"]
    list_filter = ["direction", "kind"]
    search_fields = ["message_id", "address"]


@admin.register(Note)
class NoteAdmin(ReadOnly):
    list_display = ["created_at", "case", "author"]

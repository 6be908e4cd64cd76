from django.urls import path

from medcode.consult import staff, views

app_name = "consult"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("cases/<int:number>/", views.case, name="case"),
    path("cases/<int:number>/write/", views.write, name="write"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("queue/", staff.queue, name="queue"),
    path("cases/<int:number>/claim/", staff.hold, {"action": "claim"}, name="claim"),
    path("cases/<int:number>/release/", staff.hold, {"action": "release"}, name="release"),
    path("cases/<int:number>/reply/", staff.reply, name="reply"),
    path("cases/<int:number>/note/", staff.note, name="note"),
    path("dead-letters/", staff.dead_letters, name="dead_letters"),
    path("dead-letters/<int:pk>/retry/", staff.retry, name="retry"),
    path("dead-letters/<int:pk>/discard/", staff.discard, name="discard"),
]

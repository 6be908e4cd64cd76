import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe, require_POST

from medcode.accounts import metering
from medcode.assistant import conversation as talk
from medcode.assistant import limits, llm
from medcode.assistant.forms import AskForm
from medcode.assistant.models import Conversation


def _conversation(request, number):
    if not number or not request.user.is_authenticated:
        return None
    return get_object_or_404(Conversation, pk=number, user=request.user)


@require_safe
def casepilot(request):
    """The chat: the conversation so far and the box. A code page's "Ask" form lands here pre-filled."""
    number = request.GET.get("c", "")
    conversation = _conversation(request, int(number) if number.isdigit() else None)
    reader = metering.reader_for(request)
    form = AskForm(initial={"q": request.GET.get("q", "")[:200], "conversation": conversation.pk if conversation else None})
    return render(request, "assistant/casepilot.html", {
        "form": form, "conversation": conversation, "reader": reader, "daily_limit": limits.daily_limit(reader),
        "turns": [talk.present(turn) for turn in talk.turns(request, conversation)],
        "conversations": request.user.conversations.all()[:50] if request.user.is_authenticated else [],
        "llm": llm.configured(),
    })


@require_POST
def ask(request):
    """A question from the page: streamed as JSON lines to the page's script, or answered by a redirect."""
    form = AskForm(request.POST)
    streaming = "application/x-ndjson" in request.headers.get("Accept", "")
    if not form.is_valid():
        if streaming:
            return _lines([{"error": " ".join(e for errors in form.errors.values() for e in errors)}], status=400)
        messages.error(request, "Write a question of at most 1,000 characters.")
        return redirect("casepilot")
    conversation = _conversation(request, form.cleaned_data["conversation"])
    reader = metering.reader_for(request)
    allowed, retry_after, _ = limits.take(request, reader)
    if not allowed:
        message = (f"You have asked CasePilot {limits.daily_limit(reader)} questions today, your plan's limit. "
                   f"Ask again in {retry_after // 3600 + 1} h" + (", or upgrade for more." if reader.plan != "subscriber" else "."))
        if streaming:
            return _lines([{"error": message}], status=429)
        messages.error(request, message)
        return redirect(_back(conversation))
    question, codes = form.cleaned_data["q"], talk.context(request, conversation)
    if not streaming:
        answer = talk.ask(request, reader, question, codes)
        return redirect(_back(talk.remember(request, conversation, answer)))
    return StreamingHttpResponse(_stream(request, reader, conversation, question, codes),
                                 content_type="application/x-ndjson")


def _stream(request, reader, conversation, question, codes):
    answer = talk.answer_for(request, reader, question, codes)
    for piece in talk.worded(answer):
        yield json.dumps({"text": piece} if piece is not None else {"replace": True}) + "\n"
    conversation = talk.remember(request, conversation, answer)
    request.session.save()
    html = render_to_string("assistant/turn.html", {"turn": talk.present(talk.record(answer))}, request=request)
    yield json.dumps({"done": True, "html": html, "conversation": conversation.pk if conversation else None,
                      "engine": answer.engine}) + "\n"


def _lines(events, status=200):
    response = StreamingHttpResponse((json.dumps(e) + "\n" for e in events), content_type="application/x-ndjson")
    response.status_code = status
    return response


def _back(conversation):
    return reverse("casepilot") + (f"?c={conversation.pk}" if conversation else "")


@login_required
@require_POST
def delete(request, number):
    conversation = _conversation(request, number)
    if conversation is None:
        raise Http404
    conversation.delete()
    messages.success(request, "Conversation deleted.")
    return redirect("casepilot")

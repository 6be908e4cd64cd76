"""The consultant's side: the queue, claiming, replying, notes, and the dead-letter list."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe, require_POST

from medcode.consult import cases, mailin, review, roles
from medcode.consult.forms import ConsultantReplyForm, NoteForm
from medcode.consult.models import Case, DeadLetter


def consultant_only(view):
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not roles.may_work(request.user):
            raise Http404("Not a consultant")
        return view(request, *args, **kwargs)

    return checked


@never_cache
@consultant_only
@require_safe
def queue(request):
    which = request.GET.get("show", "open")
    if which not in review.QUEUES:
        which = "open"
    return render(request, "consult/queue.html", {
        "cases": review.queue(request.user, which), "show": which, "queues": review.QUEUES,
        "counts": review.counts(), "dead_letters": DeadLetter.objects.filter(status=DeadLetter.Status.WAITING).count(),
    })


def _case(number):
    return get_object_or_404(Case.objects.select_related("submitter", "claimed_by"), pk=number)


HOLD = {"claim": (cases.claim, ""), "release": (cases.release, "Released: the case is back in the queue.")}


@consultant_only
@require_POST
def hold(request, number, action):
    """Claim or release a case: a held case is answered only by its consultant."""
    change, done = HOLD[action]
    try:
        change(_case(number), request.user)
    except cases.NotYours as refusal:
        messages.error(request, str(refusal))
    else:
        if done:
            messages.success(request, done)
    return redirect("consult:case", number)


@consultant_only
@require_POST
def reply(request, number):
    case = _case(number)
    form = ConsultantReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a reply of at most 10,000 characters.")
        return redirect("consult:case", number)
    try:
        cases.answer(case, request.user, form.cleaned_data["text"])
    except cases.NotYours as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Reply sent to {case.submitter.email}; case #{case.number} is answered.")
    return redirect("consult:case", number)


@consultant_only
@require_POST
def note(request, number):
    form = NoteForm(request.POST)
    if form.is_valid():
        cases.add_note(_case(number), request.user, form.cleaned_data["text"])
    else:
        messages.error(request, "Write a note of at most 5,000 characters.")
    return redirect("consult:case", number)


@never_cache
@consultant_only
@require_safe
def dead_letters(request):
    show = request.GET.get("show", DeadLetter.Status.WAITING)
    letters = DeadLetter.objects.defer("raw")
    if show in DeadLetter.Status.values:
        letters = letters.filter(status=show)
    cases.audit(request.user, "viewed", None, "dead letters")
    return render(request, "consult/dead_letters.html", {"letters": letters[:200], "show": show,
                                                         "statuses": DeadLetter.Status.choices})


@consultant_only
@require_POST
def retry(request, pk):
    letter = get_object_or_404(DeadLetter, pk=pk, status=DeadLetter.Status.WAITING)
    outcome = mailin.receive(bytes(letter.raw), source=letter.source, dead_letter=letter)
    cases.audit(request.user, "retried", outcome.case, f"dead letter {pk}: {outcome.kind}")
    if outcome.kind == "dead":
        messages.error(request, f"Still not readable: {outcome.detail}")
    else:
        messages.success(request, f"Delivered: {outcome.kind}" + (f", case #{outcome.case.number}" if outcome.case else ""))
    return redirect("consult:dead_letters")


@consultant_only
@require_POST
def discard(request, pk):
    letter = get_object_or_404(DeadLetter, pk=pk, status=DeadLetter.Status.WAITING)
    letter.status = DeadLetter.Status.DISCARDED
    letter.save(update_fields=["status"])
    cases.audit(request.user, "discarded", None, f"dead letter {pk} from {letter.sender}")
    return redirect("consult:dead_letters")

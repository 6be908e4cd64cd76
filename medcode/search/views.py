from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from medcode.codes import systems
from medcode.search import engine
from medcode.search.forms import SearchForm

SUGGEST_MAX_CHARS = 200


@require_GET
def search(request):
    """Case2Code's page; the site-wide box submits here. An exact code goes straight to its page."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        filters = form.filters()
        results = engine.search(form.cleaned_data["q"], limit=50, **filters)
        # As the old code box did: the likeliest set's code opens; `list=1` shows every match.
        exact = [hit for hit in results.hits if hit.via == "code" and hit.code.code == results.query.code]
        if results.query.kind == "code" and exact and request.GET.get("list") != "1":
            return redirect(exact[0].code.get_absolute_url())
    return render(request, "search/search.html", {"form": form, "results": results})


@require_GET
def suggest(request):
    """Autocomplete: a few candidates as JSON, words only (no semantic half) so it stays fast."""
    text = request.GET.get("q", "")[:SUGGEST_MAX_CHARS]
    system = systems.get(request.GET.get("system", ""))
    hits = engine.suggest(text, system.key if system else None) if text.strip() else []
    return JsonResponse({"query": text, "results": [
        {"code": hit.code.display_code, "system": hit.code.system_name, "title": hit.code.best_title,
         "billable": hit.code.billable, "url": hit.code.get_absolute_url()}
        for hit in hits
    ]})

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from medcode.accounts import clients, ratelimit
from medcode.codes import systems
from medcode.search import engine
from medcode.search.forms import SearchForm

SUGGEST_MAX_CHARS = 200


def _throttled(request):
    """Searches a minute per client network: a scraper cannot walk the catalogue through the box."""
    allowed, retry_after = ratelimit.hit(f"search-address:{clients.throttle_key(request)}",
                                         settings.MEDCODE_SEARCH_RATE_PER_ADDRESS, 60)
    return None if allowed else retry_after


@require_safe
def search(request):
    """Case2Code's page; the site-wide box submits here. An exact code goes straight to its page."""
    if request.GET.get("q") and (retry_after := _throttled(request)) is not None:
        response = HttpResponse(f"Too many searches from your network: try again in {retry_after} s.",
                                status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after)
        return response
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


@require_safe
def suggest(request):
    """Autocomplete: a few candidates as JSON, words only (no semantic half) so it stays fast."""
    text = request.GET.get("q", "")[:SUGGEST_MAX_CHARS]
    if text.strip() and (retry_after := _throttled(request)) is not None:
        response = JsonResponse({"query": text, "results": [], "detail": "too many searches; slow down"}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    system = systems.get(request.GET.get("system", ""))
    hits = engine.suggest(text, system.key if system else None) if text.strip() else []
    return JsonResponse({"query": text, "results": [
        {"code": hit.code.display_code, "system": hit.code.system_name, "title": hit.code.best_title,
         "billable": hit.code.billable, "url": hit.code.get_absolute_url()}
        for hit in hits
    ]})

"""Requests no page of medcode can mean."""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest, JsonResponse


class RefuseNulCharacters:
    """A NUL character means nothing in a code, a search or an address, and PostgreSQL cannot even
    compare text holding one: such a request is refused before any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            message = "The address holds a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

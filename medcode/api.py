"""The JSON API: one NinjaAPI, each app contributing a router. Schema at /api/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from medcode.accounts.api_auth import ApiReader, RateLimited
from medcode.assistant.api import router as assistant_router
from medcode.codes.api import router as codes_router
from medcode.reference.api import codes_router as reference_codes_router
from medcode.reference.api import router as reference_router
from medcode.search.api import router as search_router

api = NinjaAPI(
    auth=ApiReader(),
    title="medcode API",
    version="1",
    description=(
        "Code catalogue: CPT, HCPCS Level II, ICD-10-CM, ICD-10-PCS. Errors are JSON: {\"detail\": message}. "
        "Code details, reference sections and tools are metered like the site's code pages (402 when no view "
        "is left); subscribers send `Authorization: Bearer TOKEN`."
    ),
    urls_namespace="api",
)
api.add_router("/codes", reference_codes_router, tags=["reference sections"])
api.add_router("/codes", codes_router, tags=["codes"])
api.add_router("/reference", reference_router, tags=["reference tools"])
api.add_router("/search", search_router, tags=["search"])
api.add_router("/assistant", assistant_router, tags=["CasePilot"])


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", [])[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid value')}")
    return api.create_response(request, {"detail": "; ".join(problems) or "invalid request"}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response

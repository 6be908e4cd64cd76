"""The check every answer passes: it may name only codes the catalogue holds."""

from medcode.assistant.reading import CODE_LIKE, looks_like_a_code
from medcode.codes import systems
from medcode.codes.models import Code


def unknown_codes(text):
    """The code-like words of a text that no code set holds, as written."""
    written = {token: systems.normalize(token) for token in CODE_LIKE.findall(text) if looks_like_a_code(token)}
    if not written:
        return []
    held = set(Code.objects.filter(code__in=set(written.values())).values_list("code", flat=True))
    return [token for token, code in written.items() if code not in held]

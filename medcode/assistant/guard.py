"""The check every answer passes: it may name only codes the catalogue holds."""

from medcode.assistant.reading import written_codes
from medcode.codes.models import Code


def unknown_codes(text):
    """The code-like words of a text that no code set holds, as written."""
    written = written_codes(text)
    if not written:
        return []
    held = set(Code.objects.filter(code__in=set(written.values())).values_list("code", flat=True))
    return [token for token, code in written.items() if code not in held]

"""The check every answer passes: it may name only codes the catalogue holds."""

import re

from medcode.assistant.reading import written_codes
from medcode.codes.models import Code

# Clinical words shaped like codes that an answer may carry (medcode's CPT descriptions do): a gene
# variant's amino-acid change (V600E, C282Y), a gene or enzyme name with one digit (G6PD, U2AF1), and
# a few names no code set uses: vitamin B12, E. coli O157, vertebra T12, the FLT3 positions D835/I836,
# the BCR-ABL1 p210 protein.
_VARIANT = re.compile(r"[A-Z]\d{2,4}[A-Z]|[A-Z]+\d[A-Z]+\d?")
NOT_CODES = {"B12", "O157", "T12", "D835", "I836", "P210"}


def unknown_codes(text):
    """The code-like words of a text that no code set holds, as written. A code is written in one case:
    a word in mixed case (A1c, T1mic, 4Kscore) is not one."""
    written = {token: code for token, code in written_codes(text).items()
               if not (token != token.upper() and token != token.lower())
               and not _VARIANT.fullmatch(token.upper()) and token.upper() not in NOT_CODES}
    if not written:
        return []
    held = set(Code.objects.filter(code__in=set(written.values())).values_list("code", flat=True))
    return [token for token, code in written.items() if code not in held]


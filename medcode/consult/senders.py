"""Is an email's sender the one its From header names? A From header alone proves nothing: anyone
can write a subscriber's address there. medcode believes it when

1. the receiving mail server says so: the topmost Authentication-Results header (RFC 8601), written
   by a server whose authserv-id is in MEDCODE_CONSULT_AUTHSERV_IDS, reports dmarc=pass for the From
   domain, or dkim=pass with a signing domain aligned with it. That server must remove headers of
   its own id that arrive from outside (Postfix with OpenDMARC, rspamd and Exchange Online do), and
   only the topmost header is read, which the receiving server adds last; or
2. medcode verifies a DKIM signature itself (dkimpy, public keys from DNS) whose signing domain is
   aligned with the From domain (MEDCODE_CONSULT_VERIFY_DKIM, on by default).

Otherwise the sender is not authenticated, and a new case waits for the account holder to confirm it
through a link sent to the account's address (mailin).
"""

from dataclasses import dataclass

import authres
import dkim
from django.conf import settings

dns_txt = dkim.dnsplug.get_txt  # where DKIM keys are looked up; tests put a resolver of their own here


@dataclass(frozen=True)
class Verdict:
    authenticated: bool
    how: str  # what proved it, or why nothing did


def aligned(signer, domain):
    """Relaxed alignment: the same domain, or one a subdomain of the other (mail.clinic.example
    signs for clinic.example). A parent that is only a public suffix cannot sign: it has no DKIM key."""
    signer, domain = (signer or "").strip().lower().rstrip("."), domain.lower().rstrip(".")
    return bool(signer) and (signer == domain or domain.endswith("." + signer) or signer.endswith("." + domain))


def authenticate(raw, message, sender):
    """The Verdict on a parsed message (email.message.EmailMessage) and its raw bytes."""
    domain = sender.rpartition("@")[2]
    reported = _reported(message, domain)
    if reported.authenticated or not settings.MEDCODE_CONSULT["VERIFY_DKIM"]:
        return reported
    checked = _dkim(raw, domain)
    return checked if checked.authenticated else Verdict(False, f"{reported.how}; {checked.how}")


def _reported(message, domain):
    trusted = settings.MEDCODE_CONSULT["AUTHSERV_IDS"]
    headers = message.get_all("Authentication-Results", [])
    if not trusted:
        return Verdict(False, "no receiving mail server is trusted to authenticate senders")
    if not headers:
        return Verdict(False, "the receiving mail server added no Authentication-Results")
    try:
        top = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {headers[0]}")
    except Exception:  # authres raises several kinds on a malformed header
        return Verdict(False, "the topmost Authentication-Results header cannot be read")
    if top.authserv_id.lower() not in trusted:
        return Verdict(False, f"the topmost Authentication-Results comes from {top.authserv_id[:60]!r}, not a trusted server")
    for result in top.results:
        properties = {f"{p.type}.{p.name}".lower(): str(p.value) for p in result.properties}
        if result.method == "dmarc" and result.result == "pass" and aligned(properties.get("header.from"), domain):
            return Verdict(True, f"DMARC pass for {domain}, reported by {top.authserv_id}")
        if result.method == "dkim" and result.result == "pass" and aligned(
                properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2], domain):
            return Verdict(True, f"DKIM pass aligned with {domain}, reported by {top.authserv_id}")
    return Verdict(False, f"{top.authserv_id} reports no DMARC or aligned DKIM pass for {domain}")


def _dkim(raw, domain):
    try:
        checker = dkim.DKIM(raw, timeout=settings.MEDCODE_CONSULT["DKIM_TIMEOUT"])
        signatures = sum(1 for name, _ in checker.headers if name.lower() == b"dkim-signature")
    except Exception:  # dkimpy raises its own and parsing errors on odd messages
        return Verdict(False, "the message could not be read for DKIM")
    if not signatures:
        return Verdict(False, "the message carries no DKIM signature")
    for index in range(signatures):
        try:
            if checker.verify(idx=index, dnsfunc=dns_txt) and aligned(checker.domain.decode(), domain):
                return Verdict(True, f"DKIM signature of {checker.domain.decode()} verified by medcode")
        except Exception:  # a broken signature, or no DNS: this one proves nothing
            continue
    return Verdict(False, f"no DKIM signature aligned with {domain} could be verified")

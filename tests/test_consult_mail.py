"""CaseConsultant by real email: the SMTP receiver and an outbound relay on loopback, and the IMAP poller."""

import asyncio
import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from asgiref.sync import async_to_sync
from django.utils import timezone

from medcode.consult import cases, mailin, roles, smtpd
from medcode.consult.models import Case, DeadLetter, MailRecord
from tests.factories import free_port, make_user

CASES = "cases@localhost"
MX = "mx.medcode.test"  # the receiving mail server medcode trusts in these tests
PASSED = f"Authentication-Results: {MX}; dmarc=pass header.from=clinic.example\r\n".encode()  # its verdict


@pytest.fixture(autouse=True)
def trusted_mx(settings):
    """Mail arrives through an MX that authenticates senders (DMARC) and says so in its
    Authentication-Results header; medcode's own DKIM check is off (no DNS here)."""
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "AUTHSERV_IDS": [MX], "VERIFY_DKIM": False}


class Relay:
    """A second SMTP server standing in for the outbound relay: it keeps what medcode hands it."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [message for recipients, message in self.received if address in recipients]


@pytest.fixture
def relay(settings):
    keeper = Relay()
    port = free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield keeper
    controller.stop()


@pytest.fixture
def receiver(monkeypatch):
    """send(*messages) delivers each with smtplib to `medcode consult smtpd`'s receiver on loopback
    and returns the SMTP reply code of each. The receiver's work runs in this test's thread (and
    database transaction), where the test's own async_to_sync call waits."""
    monkeypatch.setattr(smtpd, "close_old_connections", lambda: None)  # it would end the test's transaction

    def send(*messages, rcpt=CASES):
        def talk(port):
            codes = []
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                for message in messages:
                    # On the wire every line ends in CRLF; smtplib does not convert bytes.
                    raw = message if isinstance(message, bytes) else message.as_bytes(policy=policy.SMTP)
                    try:
                        client.sendmail("sender@example.com", [rcpt], raw)
                        codes.append(250)
                    except (smtplib.SMTPDataError, smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
                        codes.append(error.smtp_code if hasattr(error, "smtp_code")
                                     else list(error.recipients.values())[0][0])
            return codes

        async def serve_and_send():
            server = await smtpd.start("127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            try:
                return await asyncio.get_running_loop().run_in_executor(None, talk, port)
            finally:
                server.close()
                await server.wait_closed()

        return async_to_sync(serve_and_send)()

    return send


def email_from(sender, subject, text, *, message_id=None, reply_to_id=None, files=(), authenticated=True):
    """A message as the trusted MX hands it on: with its DMARC verdict for the From domain on top."""
    message = EmailMessage()
    if authenticated:
        domain = sender.rpartition("@")[2].rstrip(">")
        message["Authentication-Results"] = f"{MX}; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
    message["From"], message["To"], message["Subject"] = sender, CASES, subject
    message["Message-ID"] = message_id or f"<{timezone.now().timestamp()}.{subject.__hash__()}@example.com>"
    if reply_to_id:
        message["In-Reply-To"] = message["References"] = reply_to_id
    message.set_content(text)
    for name, data, (maintype, subtype) in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


@pytest.mark.django_db
def test_a_case_by_email_round_trip_on_loopback(receiver, relay):
    coder = make_user("coder@clinic.example", subscriber=True)
    consultant = make_user("expert@medcode.example")
    roles.grant_consultant(consultant)

    question = email_from("Coder <coder@clinic.example>", "Arthrocentesis with a knee replacement",
                          "May 20610 be billed with 27447-RT on the same day?", message_id="<q1@clinic.example>")
    assert receiver(question) == [250]

    case = Case.objects.get(submitter=coder)
    assert case.via == "email" and case.status == "open" and case.plan == "subscriber"
    assert "20610" in case.messages.get().body
    acks = relay.to("coder@clinic.example")
    assert len(acks) == 1
    ack = acks[0]
    assert case.tag in ack["Subject"] and ack["In-Reply-To"] == "<q1@clinic.example>"
    assert f"/caseconsultant/cases/{case.pk}/" in ack.get_content()
    assert f"{timezone.localtime(case.due_at):%B} {timezone.localtime(case.due_at).day}" in ack.get_content()
    assert relay.to("expert@medcode.example"), "the consultant is told of the new case"

    cases.answer(case, consultant, "No: 20610 is bundled into 27447 on the same joint (NCCI). Report 27447-RT alone.")
    answers = relay.to("coder@clinic.example")[1:]
    assert len(answers) == 1
    answer = answers[0]
    assert "bundled into 27447" in answer.get_content()
    assert answer["Message-ID"] and "<q1@clinic.example>" in answer["References"]
    assert MailRecord.objects.get(message_id=answer["Message-ID"]).case == case
    case.refresh_from_db()
    assert case.status == "answered"

    # The coder answers the consultant's email: no case tag needed, In-Reply-To threads it.
    follow_up = email_from("coder@clinic.example", "Re: thanks", "And if it is the other knee?\n\n"
                           "On Mon, Nov 30, 2026 at 9:00 AM medcode wrote:\n> No: 20610 is bundled",
                           reply_to_id=answer["Message-ID"])
    assert receiver(follow_up) == [250]
    assert Case.objects.filter(submitter=coder).count() == 1
    case.refresh_from_db()
    assert case.status == "open", "a new message reopens the answered case"
    latest = case.messages.last()
    assert latest.body == "And if it is the other knee?" and latest.via == "email"


@pytest.mark.django_db
def test_the_subject_tag_threads_a_reply_without_headers_but_only_for_its_submitter(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    other = make_user("other@clinic.example", subscriber=True)
    receiver(email_from("coder@clinic.example", "G0009 or 90471?", "Which admin code for the flu shot?"))
    case = Case.objects.get()

    receiver(email_from("coder@clinic.example", f"Re: {case.tag} G0009", "Medicare patient."))
    assert case.messages.count() == 2
    receiver(email_from("other@clinic.example", f"{case.tag} hijack", "Reading someone else's case?"))
    assert case.messages.count() == 2
    assert Case.objects.get(submitter=other).subject == f"{case.tag} hijack"


@pytest.mark.django_db
def test_the_same_message_delivered_twice_makes_one_case(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    message = email_from("coder@clinic.example", "Duplicate?", "J1100 units for 10 mg", message_id="<dup@x.example>")
    assert receiver(message, message) == [250, 250]
    assert Case.objects.count() == 1
    assert len(relay.to("coder@clinic.example")) == 1, "one acknowledgement"


@pytest.mark.django_db
def test_unknown_sender_is_told_how_to_register_once(receiver, relay):
    first = email_from("stranger@nowhere.example", "Help with 99214", "Is this level 4?")
    second = email_from("stranger@nowhere.example", "Again", "Hello?")
    assert receiver(first, second) == [250, 250]
    assert not Case.objects.exists()
    replies = relay.to("stranger@nowhere.example")
    assert len(replies) == 1, "one refusal a day per address, so a forged sender is not spammed"
    assert "/accounts/register/" in replies[0].get_content() and "no medcode account" in replies[0].get_content()


@pytest.mark.django_db
def test_over_quota_and_unverified_senders_get_a_reply_saying_so(receiver, relay, settings):
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "MONTHLY": {"free": 1, "subscriber": 10}}
    make_user("free@clinic.example")
    make_user("new@clinic.example", verified=False)
    receiver(email_from("free@clinic.example", "First", "E11.9 or E11.65?"),
             email_from("free@clinic.example", "Second", "Z79.4 with E11.9?"),
             email_from("new@clinic.example", "Mine", "M17.11?"))
    assert list(Case.objects.values_list("subject", flat=True)) == ["First"]
    over = relay.to("free@clinic.example")[-1]
    assert "cases for this month are used" in over["Subject"] and "1 case" in over.get_content()
    assert "upgrade" in over.get_content()
    assert "not verified" in relay.to("new@clinic.example")[0].get_content()


@pytest.mark.django_db
def test_malformed_mime_is_kept_as_a_dead_letter_and_retried(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    broken = (b"From: coder@clinic.example\r\nSubject: broken\r\nContent-Type: multipart/mixed\r\n\r\n"
              b"no boundary parameter, so no parts can be found\r\n")
    headerless = b"\x00\x01 this is not an email at all"
    assert receiver(broken, headerless) == [250, 250], "accepted: the sender must not retry forever"
    letters = DeadLetter.objects.order_by("pk")
    assert [letter.status for letter in letters] == ["waiting", "waiting"]
    assert "no sender" in letters[1].reason.lower()
    assert bytes(letters[1].raw).startswith(b"\x00\x01 this is not")

    # Staff fix the cause (here: a sender address for the second) and retry: it becomes a case.
    letter = letters[1]
    letter.raw = PASSED + b"From: coder@clinic.example\r\nSubject: recovered\r\n\r\n" + bytes(letter.raw)
    letter.save()
    outcome = mailin.receive(bytes(letter.raw), source="smtp", dead_letter=letter)
    assert outcome.kind == "case"
    assert outcome.case.messages.get().body == "this is not an email at all", "control characters are dropped"
    letter.refresh_from_db()
    assert letter.status == "done" and letter.attempts == 2


@pytest.mark.django_db
def test_a_message_with_no_boundary_parts_still_keeps_its_text_or_dies_loudly(relay):
    make_user("coder@clinic.example", subscriber=True)
    raw = (PASSED + b"From: coder@clinic.example\r\nSubject: charset\r\nContent-Type: text/plain; charset=x-unknown-9\r\n\r\n"
           b"Can 99213-25 go with 11042?\r\n")
    outcome = mailin.receive(raw, source="imap")
    assert outcome.kind == "case"
    assert "99213-25" in outcome.case.messages.get().body


@pytest.mark.django_db
def test_a_huge_message_is_refused_during_the_transfer(receiver, relay, settings):
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "MAX_MESSAGE_MB": 1}
    make_user("coder@clinic.example", subscriber=True)
    huge = email_from("coder@clinic.example", "Scans", "see attached",
                      files=[("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 2_000_000, ("image", "png"))])
    assert receiver(huge) == [552]
    assert not Case.objects.exists() and not DeadLetter.objects.exists()


@pytest.mark.django_db
def test_attachments_are_checked_by_content_and_the_sender_told(receiver, relay):
    coder = make_user("coder@clinic.example", subscriber=True)
    text = b"Op note: arthroscopy, medial meniscectomy, 29881.\n"
    message = email_from("coder@clinic.example", "29881", "Op note attached", files=[
        ("op-note.txt", text, ("text", "plain")),
        ("invoice.pdf", b"MZ\x90\x00" + b"\0" * 200, ("application", "pdf")),
    ])
    assert receiver(message) == [250]
    case = Case.objects.get(submitter=coder)
    kept = list(case.messages.get().attachments.values_list("filename", "content_type"))
    assert kept == [("op-note.txt", "text/plain")]
    ack = relay.to("coder@clinic.example")[0].get_content()
    assert "invoice.pdf" in ack and "Windows program" in ack


@pytest.mark.django_db
def test_likely_phi_in_an_email_is_masked_for_the_consultant(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    receiver(email_from("coder@clinic.example", "Hip fracture",
                        "Pt Maria Gonzalez DOB 04/12/1948, MRN 00482913, SSN 123-45-6789: S72.001A or S72.002A?",
                        files=[("note.txt", b"Call her at (555) 201-3344 about 27236.", ("text", "plain"))]))
    case = Case.objects.get()
    message = case.messages.get()
    for secret in ("Maria Gonzalez", "04/12/1948", "00482913", "123-45-6789"):
        assert secret not in message.body
    assert "S72.001A" in message.body, "codes are not identifiers"
    assert "Social Security number" in " ".join(case.phi_masked)
    file = message.attachments.get()
    assert file.filename == "note.masked.txt" and b"201-3344" not in bytes(file.data) and b"27236" in bytes(file.data)


@pytest.mark.django_db
def test_auto_replies_and_bounces_are_not_answered(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    away = email_from("coder@clinic.example", "Out of office", "I am away until Monday.")
    away["Auto-Submitted"] = "auto-replied"
    assert receiver(away) == [250]
    assert not Case.objects.exists() and relay.received == []
    assert MailRecord.objects.get(kind="automatic")


@pytest.mark.django_db
def test_the_receiver_is_not_an_open_relay(receiver):
    refused = receiver(email_from("coder@clinic.example", "relay", "x"), rcpt="victim@elsewhere.example")
    assert refused == [550]


def test_nested_signed_and_forwarded_mime_keep_every_file_and_text():
    from email.mime.application import MIMEApplication
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    pdf = b"%PDF-1.4 op note"
    # Apple Mail: alternative(plain, mixed(html, pdf)); inside an S/MIME signature; plus a forwarded message
    # and an Outlook signature logo.
    html_and_file = MIMEMultipart("mixed", _subparts=[MIMEText("<p>See the op note.</p>", "html"),
                                                      MIMEApplication(pdf, "pdf", Name="op-note.pdf")])
    html_and_file.get_payload()[1].add_header("Content-Disposition", "attachment", filename="op-note.pdf")
    body = MIMEMultipart("alternative", _subparts=[MIMEText("See the op note."), html_and_file])
    forwarded = EmailMessage()
    forwarded["Subject"] = "Denial for 29881"
    forwarded.set_content("The payer denied 29881-RT as bundled.")
    logo = MIMEImage(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 20, "png")
    logo.add_header("Content-ID", "<logo@clinic>")
    logo.add_header("Content-Disposition", "inline")
    signature = MIMEApplication(b"signature", "pkcs7-signature", Name="smime.p7s")
    mixed = MIMEMultipart("mixed", _subparts=[body, logo])
    mixed.attach(MIMEApplication(forwarded.as_bytes(), "octet-stream"))
    mixed.get_payload()[-1].replace_header("Content-Type", "message/rfc822")
    mixed.get_payload()[-1].set_payload([forwarded])
    signed = MIMEMultipart("signed", _subparts=[mixed, signature], protocol="application/pkcs7-signature")
    signed["From"], signed["Subject"] = "coder@clinic.example", "Signed case"

    inbound = mailin.parse(signed.as_bytes())
    assert [name for name, _ in inbound.files] == ["op-note.pdf"]
    assert "See the op note." in inbound.text and "The payer denied 29881-RT" in inbound.text
    assert inbound.text.count("See the op note") == 1, "the HTML alternative is not added again"


def test_quoted_lines_go_but_a_coders_own_greater_than_stays():
    text = "Time was >45 minutes, >50% counseling.\n> old quoted line\n>> older\n"
    assert mailin._new_part(text) == "Time was >45 minutes, >50% counseling."


@pytest.mark.django_db
def test_subjects_are_plain_text_and_replies_thread_to_the_submitters_mail(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    consultant = make_user("expert@medcode.example")
    roles.grant_consultant(consultant)
    receiver(email_from("coder@clinic.example", "E&M level for a 'new' patient", "99204 or 99214?",
                        message_id="<em@clinic.example>"))
    ack = relay.to("coder@clinic.example")[0]
    assert "E&M level for a 'new' patient" in ack["Subject"] and "&amp;" not in ack["Subject"]
    case = Case.objects.get()
    cases.answer(case, consultant, "New: no professional service in 3 years, so 99204.")
    answer = relay.to("coder@clinic.example")[-1]
    assert answer["In-Reply-To"] == "<em@clinic.example>", "not the consultants' notice"
    assert "<em@clinic.example>" in answer["References"]
    assert not any(record.message_id in answer["References"]
                   for record in MailRecord.objects.filter(address="expert@medcode.example"))


@pytest.mark.django_db
def test_a_consultant_replying_by_email_is_sent_to_the_workspace(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    consultant = make_user("expert@medcode.example")
    roles.grant_consultant(consultant)
    receiver(email_from("coder@clinic.example", "Q", "J1100 units?"))
    case = Case.objects.get()
    notice = relay.to("expert@medcode.example")[0]
    receiver(email_from("expert@medcode.example", f"Re: {notice['Subject']}", "8 units.",
                        reply_to_id=notice["Message-ID"]))
    assert Case.objects.count() == 1 and case.messages.count() == 1
    assert "Answer in the workspace" in relay.to("expert@medcode.example")[-1].get_content()


@pytest.mark.django_db
def test_too_many_follow_ups_wait_in_the_dead_letters(receiver, relay, monkeypatch):
    monkeypatch.setattr(mailin, "WRITES_PER_HOUR", 1)
    make_user("coder@clinic.example", subscriber=True)
    receiver(email_from("coder@clinic.example", "Q", "J1100 units?"))
    case = Case.objects.get()
    receiver(email_from("coder@clinic.example", f"{case.tag}", "one more"),
             email_from("coder@clinic.example", f"{case.tag}", "and another"))
    assert case.messages.count() == 2
    assert "messages an hour" in DeadLetter.objects.get().reason


# Forged senders: anyone can write a subscriber's address in From. ----------------------------------

def _dkim_key():
    """An RSA key pair: the private key in PEM, the DNS TXT record publishing its public half."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.mark.django_db
def test_a_forged_reply_naming_a_guessed_case_number_is_not_added_to_the_case(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    receiver(email_from("coder@clinic.example", "G0009 or 90471?", "Which admin code for the flu shot?",
                        message_id="<own@clinic.example>"))
    case = Case.objects.get()
    # The attacker knows the address and guesses the number; they may even know the coder's own Message-ID.
    for forged in (email_from("coder@clinic.example", f"Re: {case.tag} G0009", "Ignore that, bill 99215.",
                              authenticated=False),
                   email_from("coder@clinic.example", "Re: G0009", "Ignore that, bill 99215.", authenticated=False,
                              reply_to_id="<own@clinic.example>")):
        assert receiver(forged) == [250]
    assert case.messages.count() == 1, "a forged message joined the victim's case"
    assert not Case.objects.exclude(pk=case.pk).exists()


@pytest.mark.django_db
def test_a_reply_to_mail_medcode_sent_threads_even_unauthenticated(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    receiver(email_from("coder@clinic.example", "G0009 or 90471?", "Which admin code for the flu shot?"))
    case = Case.objects.get()
    ack = relay.to("coder@clinic.example")[0]
    reply = email_from("coder@clinic.example", "Re: receipt", "Medicare patient, 65.", authenticated=False,
                       reply_to_id=ack["Message-ID"])
    assert receiver(reply) == [250]
    assert case.messages.count() == 2 and case.messages.last().body == "Medicare patient, 65."


@pytest.mark.django_db
def test_a_forged_new_case_waits_for_the_account_holder_and_spends_nothing(receiver, relay, client):
    from medcode.consult import quota
    from medcode.consult.models import PendingCase

    coder = make_user("coder@clinic.example", subscriber=True)
    before = quota.allowance(coder).remaining
    forged = email_from("Coder <coder@clinic.example>", "BUY CHEAP PILLS", "Spam in a coder's name.",
                        authenticated=False)
    forged["Authentication-Results"] = f"{MX}; dmarc=fail header.from=clinic.example"
    assert receiver(forged) == [250]
    assert not Case.objects.exists() and quota.allowance(coder).remaining == before
    pending = PendingCase.objects.get()
    assert pending.user == coder and "fail" in pending.why or "no DMARC" in pending.why
    (notice,) = relay.to("coder@clinic.example")
    assert "CHEAP PILLS" not in str(notice) and pending.get_absolute_url() in notice.get_content()
    assert receiver(forged) == [250] and PendingCase.objects.count() == 1, "redelivery is not a second case"

    page = pending.get_absolute_url()
    assert client.get(page).status_code == 302, "only the account holder, logged in, sees it"
    client.force_login(make_user("other@clinic.example"))
    assert client.get(page).status_code == 404
    client.force_login(coder)
    assert "Spam in a coder" in client.get(page).content.decode()
    client.post(page, {"action": "discard"})
    pending.refresh_from_db()
    assert pending.status == "discarded" and not Case.objects.exists()
    assert "discarded" in client.post(page, {"action": "send"}).content.decode() and not Case.objects.exists()


@pytest.mark.django_db
def test_the_account_holder_confirms_an_unauthenticated_case_and_it_opens(receiver, relay, client):
    from medcode.consult.models import PendingCase

    coder = make_user("coder@clinic.example", subscriber=True)
    assert receiver(email_from("coder@clinic.example", "20610 with 27447?", "Same knee, same day.",
                               authenticated=False)) == [250]
    pending = PendingCase.objects.get()
    client.force_login(coder)
    response = client.post(pending.get_absolute_url(), {"action": "send"})
    case = Case.objects.get(submitter=coder)
    assert response["Location"] == case.get_absolute_url() and "Same knee" in case.messages.get().body
    assert any(case.tag in message["Subject"] for message in relay.to("coder@clinic.example")), "the receipt follows"


@pytest.mark.django_db
def test_authentication_results_are_read_only_from_the_trusted_server_on_top(receiver, relay):
    make_user("coder@clinic.example", subscriber=True)
    # The forger writes a passing header with the MX's name; the MX adds its own verdict on top.
    forged = email_from("coder@clinic.example", "Forged pass", "Words.", authenticated=False)
    forged["Authentication-Results"] = f"{MX}; dmarc=pass header.from=clinic.example"
    raw = (f"Authentication-Results: {MX}; dmarc=fail header.from=clinic.example\r\n".encode()
           + forged.as_bytes(policy=policy.SMTP))
    # Another server's word counts for nothing, and a pass for another domain is not a pass for this one.
    elsewhere = email_from("coder@clinic.example", "Other server", "Words.", authenticated=False)
    elsewhere["Authentication-Results"] = "mx.attacker.example; dmarc=pass header.from=clinic.example"
    unaligned = email_from("coder@clinic.example", "Unaligned", "Words.", authenticated=False)
    unaligned["Authentication-Results"] = f"{MX}; dkim=pass header.d=attacker.example; dmarc=none"
    assert receiver(raw, elsewhere, unaligned) == [250, 250, 250]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_dkim_signature_medcode_verifies_itself_authenticates_the_sender(receiver, relay, settings, monkeypatch):
    import dkim

    from medcode.consult import senders

    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "AUTHSERV_IDS": [], "VERIFY_DKIM": True}
    private, record = _dkim_key()
    monkeypatch.setattr(senders, "dns_txt", lambda name, timeout=5: record if name == b"s1._domainkey.clinic.example."
                        else None)
    make_user("coder@clinic.example", subscriber=True)

    def signed(sender, subject, domain=b"clinic.example"):
        raw = email_from(sender, subject, "DKIM-signed case text.", authenticated=False).as_bytes(policy=policy.SMTP)
        return dkim.sign(raw, b"s1", domain, private, include_headers=[b"from", b"subject", b"message-id"]) + raw

    tampered = signed("coder@clinic.example", "Tampered").replace(b"DKIM-signed case", b"Altered case")
    assert receiver(signed("coder@clinic.example", "Signed case"), tampered) == [250, 250]
    assert list(Case.objects.values_list("subject", flat=True)) == ["Signed case"], "only the intact signature counts"

"""Django settings for medcode.

Everything a deployment changes comes from the environment, so the same
settings module serves `make serve` (SQLite) and production (PostgreSQL via
DATABASE_URL). The defaults are safe: debug pages off unless MEDCODE_DEBUG=1,
a random secret key kept under MEDCODE_VAR_DIR when none is given, and HTTPS
rules on whenever the site answers to a host name other than this machine's.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MEDCODE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def stored_secret_key(path):
    """The key made on first run and kept in path (mode 0600), so sessions and the keyed address
    pseudonyms survive restarts; several processes starting at once agree on the first one written."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(key)
    return key


# Debug pages show settings and source code: only when asked for, never by default.
DEBUG = env_bool("MEDCODE_DEBUG", False)
SECRET_KEY = os.environ.get("MEDCODE_SECRET_KEY") or stored_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = [host.strip() for host in
                 os.environ.get("MEDCODE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if host.strip()]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}
# HTTPS-only cookies, HSTS and the redirect to https: on for any real host name ("auto"), off for a
# site answering only on this machine (make serve); MEDCODE_HTTPS=1 or 0 decides outright.
_https = os.environ.get("MEDCODE_HTTPS", "auto").strip().lower()
HTTPS = env_bool("MEDCODE_HTTPS", False) if _https != "auto" else not set(ALLOWED_HOSTS) <= LOCAL_HOSTS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves the API docs page's Swagger UI from local static files, not a CDN
    "medcode.common",
    "medcode.accounts",
    "medcode.codes",
    "medcode.riskadjust",
    "medcode.reference",
    "medcode.search",
    "medcode.inpatient",
    "medcode.assistant",
    "medcode.scrubber",
    "medcode.consult",
    "medcode.careers",
    "medcode.site",
    "django_tasks",
    "django_tasks_db",
]
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medcode.common.middleware.RefuseNulCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medcode.site.urls"
WSGI_APPLICATION = "medcode.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "medcode" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medcode.accounts.context_processors.limits",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'medcode.sqlite3'}",
        conn_max_age=int(os.environ.get("MEDCODE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers continue while `medcode load-data` writes. Memory-mapped reads share the
    # OS page cache across server processes instead of copying pages into each connection.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
        # A writer waits this long for another to finish (a batch report, a data load) before
        # "database is locked"; SQLite's default of 5 s is shorter than a big report's write.
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("MEDCODE_TIME_ZONE", "America/New_York")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "medcode" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Where the bundled public code files live; a deployment may point this at a
# newer copy (same layout) without changing the package.
MEDCODE_CODE_DATA_DIR = Path(
    os.environ.get("MEDCODE_CODE_DATA_DIR", BASE_DIR / "medcode" / "codes" / "data")
)
MEDCODE_SEARCH_DIR = Path(os.environ.get("MEDCODE_SEARCH_DIR", VAR_DIR / "search"))
# Semantic search (the optional `semantic` extra): "auto" builds vectors when it is installed.
MEDCODE_SEMANTIC = os.environ.get("MEDCODE_SEMANTIC", "auto")
MEDCODE_REFERENCE_DATA_DIR = Path(
    os.environ.get("MEDCODE_REFERENCE_DATA_DIR", BASE_DIR / "medcode" / "reference" / "data")
)

# --- Accounts, email, metering -------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out log-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "codes:home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # also the life of an email-verification link

# Development prints mail on the console; production sends it over SMTP.
EMAIL_BACKEND = os.environ.get(
    "MEDCODE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not os.environ.get("MEDCODE_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("MEDCODE_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("MEDCODE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MEDCODE_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("MEDCODE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MEDCODE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MEDCODE_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("MEDCODE_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
MEDCODE_SITE_URL = os.environ.get("MEDCODE_SITE_URL", "http://127.0.0.1:8000")  # links in emails
DEFAULT_FROM_EMAIL = os.environ.get("MEDCODE_EMAIL_FROM", "medcode <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Code page views: a guest reads GUEST_VIEWS pages, a verified free account
# FREE_VIEWS, per WINDOW ("month", "week" or "day"); subscribers are not metered.
# Clearing cookies makes a new guest, so guest views are also capped per client
# address: GUEST_ADDRESS_DAILY_LIMIT a day and GUEST_ADDRESS_WINDOW_LIMIT a window.
MEDCODE_METER = {
    "GUEST_VIEWS": int(os.environ.get("MEDCODE_GUEST_VIEWS", "1")),
    "FREE_VIEWS": int(os.environ.get("MEDCODE_FREE_VIEWS", "5")),
    "WINDOW": os.environ.get("MEDCODE_METER_WINDOW", "month"),
    "GUEST_ADDRESS_DAILY_LIMIT": int(os.environ.get("MEDCODE_GUEST_ADDRESS_DAILY_LIMIT", "2")),
    "GUEST_ADDRESS_WINDOW_LIMIT": int(os.environ.get("MEDCODE_GUEST_ADDRESS_WINDOW_LIMIT", "5")),
    "REGISTRATIONS_PER_ADDRESS_DAILY": int(os.environ.get("MEDCODE_REGISTRATIONS_PER_ADDRESS_DAILY", "5")),
}
# Claim scrubber batches (subscribers): the largest file taken, and how long a report is kept for
# download before it is deleted (it holds claim identifiers, codes and ages: PHI to most offices).
MEDCODE_SCRUBBER_MAX_BYTES = int(os.environ.get("MEDCODE_SCRUBBER_MAX_MB", "50")) * 1024 * 1024
MEDCODE_SCRUBBER_KEEP_HOURS = int(os.environ.get("MEDCODE_SCRUBBER_KEEP_HOURS", "24"))
# CasePilot questions per day by plan.
MEDCODE_ASSISTANT_DAILY = {
    "guest": int(os.environ.get("MEDCODE_ASSISTANT_GUEST_DAILY", "3")),
    "free": int(os.environ.get("MEDCODE_ASSISTANT_FREE_DAILY", "20")),
    "subscriber": int(os.environ.get("MEDCODE_ASSISTANT_SUBSCRIBER_DAILY", "300")),
}
# CasePilot's optional language model: an OpenAI-compatible endpoint ("http://127.0.0.1:8080/v1").
# Empty: answers come from medcode's own engine only.
MEDCODE_LLM = {
    "URL": os.environ.get("MEDCODE_LLM_URL", ""),
    "MODEL": os.environ.get("MEDCODE_LLM_MODEL", ""),
    "KEY": os.environ.get("MEDCODE_LLM_KEY", ""),
    "TIMEOUT": float(os.environ.get("MEDCODE_LLM_TIMEOUT", "30")),
}
# CaseConsultant: cases a month and promised answer time (business hours, Monday to Friday) by plan.
# ADDRESS receives cases (`medcode consult smtpd` behind an MX, or the IMAP mailbox polled by
# `medcode consult fetch-imap`); mail about a case comes from it, so replies come back to it.
MEDCODE_CONSULT = {
    "ADDRESS": os.environ.get("MEDCODE_CONSULT_ADDRESS", "cases@localhost"),
    "MONTHLY": {
        "free": int(os.environ.get("MEDCODE_CONSULT_FREE_MONTHLY", "1")),
        "subscriber": int(os.environ.get("MEDCODE_CONSULT_SUBSCRIBER_MONTHLY", "10")),
    },
    "ANSWER_HOURS": {
        "free": int(os.environ.get("MEDCODE_CONSULT_FREE_HOURS", "72")),
        "subscriber": int(os.environ.get("MEDCODE_CONSULT_SUBSCRIBER_HOURS", "24")),
    },
    "MAX_MESSAGE_MB": int(os.environ.get("MEDCODE_CONSULT_MAX_MESSAGE_MB", "45")),  # 3 × 10 MB base64-encoded
    "SMTPD": os.environ.get("MEDCODE_CONSULT_SMTPD", "127.0.0.1:8025"),
    "IMAP_HOST": os.environ.get("MEDCODE_CONSULT_IMAP_HOST", ""),
    "IMAP_PORT": int(os.environ.get("MEDCODE_CONSULT_IMAP_PORT", "993")),
    "IMAP_SSL": env_bool("MEDCODE_CONSULT_IMAP_SSL", True),
    "IMAP_USER": os.environ.get("MEDCODE_CONSULT_IMAP_USER", ""),
    "IMAP_PASSWORD": os.environ.get("MEDCODE_CONSULT_IMAP_PASSWORD", ""),
    "IMAP_FOLDER": os.environ.get("MEDCODE_CONSULT_IMAP_FOLDER", "INBOX"),
    "DIGEST_HOUR": int(os.environ.get("MEDCODE_CONSULT_DIGEST_HOUR", "8")),  # local time of the overdue digest
    # Who vouches for an email's sender (consult/senders.py): the authserv-ids of the receiving mail
    # servers whose Authentication-Results header medcode trusts, and medcode's own DKIM check.
    "AUTHSERV_IDS": [name.strip().lower() for name in os.environ.get("MEDCODE_CONSULT_AUTHSERV_IDS", "").split(",")
                     if name.strip()],
    "VERIFY_DKIM": env_bool("MEDCODE_CONSULT_VERIFY_DKIM", True),
    "DKIM_TIMEOUT": float(os.environ.get("MEDCODE_CONSULT_DKIM_TIMEOUT", "5")),
    "CONFIRM_DAYS": int(os.environ.get("MEDCODE_CONSULT_CONFIRM_DAYS", "3")),  # life of a confirmation link
}
# CareerCenter: days a job stays live after approval (renewing adds as many), postings a day per employer.
MEDCODE_JOB_DAYS = int(os.environ.get("MEDCODE_JOB_DAYS", "30"))
MEDCODE_JOB_POSTS_DAILY = int(os.environ.get("MEDCODE_JOB_POSTS_DAILY", "10"))
# Local hour from which the daily job alerts go out (the worker starts them).
MEDCODE_JOB_ALERT_HOUR = int(os.environ.get("MEDCODE_JOB_ALERT_HOUR", os.environ.get("MEDCODE_CONSULT_DIGEST_HOUR", "8")))
MEDCODE_JOB_APPLICATIONS_DAILY = int(os.environ.get("MEDCODE_JOB_APPLICATIONS_DAILY", "25"))

# Background work (CaseConsultant mail, digests) goes through Django's tasks API. The database
# backend needs `medcode worker` running (`medcode serve` starts one); see README to move to another.
TASKS = {"default": {"BACKEND": os.environ.get("MEDCODE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Where the Upgrade page sends a reader to pay (a provider's checkout page); empty: ask staff.
MEDCODE_SUBSCRIBE_URL = os.environ.get("MEDCODE_SUBSCRIBE_URL", "")
# Requests per minute per API token (subscribers) and per client address (everyone else).
MEDCODE_API_RATE_PER_TOKEN = int(os.environ.get("MEDCODE_API_RATE_PER_TOKEN", "120"))
MEDCODE_API_RATE_PER_ADDRESS = int(os.environ.get("MEDCODE_API_RATE_PER_ADDRESS", "30"))
# Case2Code searches and suggestions a minute per client network (a whole office may share one).
MEDCODE_SEARCH_RATE_PER_ADDRESS = int(os.environ.get("MEDCODE_SEARCH_RATE_PER_ADDRESS", "600"))
# Behind a reverse proxy, how many proxies append to X-Forwarded-For. 0 trusts
# only REMOTE_ADDR: a client could otherwise forge its address to dodge limits.
MEDCODE_TRUSTED_PROXIES = int(os.environ.get("MEDCODE_TRUSTED_PROXIES", "0"))

# Log-in brute force: 5 failures for one account from one address lock that
# pair out for 15 minutes. Addresses are stored only as keyed pseudonyms.
AXES_FAILURE_LIMIT = int(os.environ.get("MEDCODE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MEDCODE_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "medcode.accounts.clients.login_name"  # Coder@x and coder@x are one account
AXES_CLIENT_IP_CALLABLE = "medcode.accounts.clients.pseudonymous_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Every page: scripts, styles and forms only from this site; never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 60  # a guest's unlocked page stays open for the metering window

SECURE_CONTENT_TYPE_NOSNIFF = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("MEDCODE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("MEDCODE_SSL_REDIRECT", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MEDCODE_LOG_LEVEL", "WARNING")},
}

# --- Data updates: `medcode update-data` ----------------------------------
# Where each CMS release is published: "url" is the file itself or the CMS page listing it;
# on a page, "match" picks the links (one regex per page to follow) and the newest release
# wins, by the named groups year, quarter, month, version, revision (medcode/reference/update.py).
# "member" picks the table out of a zip holding more; "setting" and "release" go to the importer.
# Kinds are those of `medcode import`: the code sets icd10cm, icd10pcs, hcpcs, and the reference files.
# MEDCODE_UPDATE_URL_<NAME> (e.g. MEDCODE_UPDATE_URL_MUE_DME) moves a source, say to a mirror,
# and MEDCODE_UPDATE_SHA256_<NAME> pins the checksum of the file it must serve.
_NCCI = "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits"
_PTP = r"medicare-ncci-(?P<year>20\d\d)q(?P<quarter>[1-4])-[a-z-]*{0}-v\d+r(?P<revision>\d+)-f(?P<part>\d)\.zip$"
_MUE = r"medicare-ncci-(?P<year>20\d\d)-?q(?P<quarter>[1-4])-{0}-services-mue-table\.zip$"
_RVU = [  # the index page links one page per release (rvu26c); that page links its zip
    r"/pfs-relative-value-files/rvu(?P<year>\d\d)(?P<quarter>[a-d])(?P<revision>r?)(-\d+)?$",
    r"/files/zip/rvu\d\d[a-d][^/]*\.zip$",
]
_ICD10 = "https://www.cms.gov/medicare/coding-billing/icd-10-codes"
_HCPCS = "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update"
_MONTH = r"(?P<month>january|april|july|october)"  # update months, sorted as months (not alphabetically)
# A fiscal year's files (2027-…, effective 1 October 2026), then its April update (…-april-1-2027),
# then a corrected file (…-updated-02/01/2027).
_ICD10_RELEASE = r"(?P<year>20\d\d)-{0}(?:-" + _MONTH + r"-\d{{1,2}}-20\d\d)?(?P<revision>-updated[\w/.-]*?)?\.zip$"
MEDCODE_UPDATE_SOURCES = {
    # Code sets: ICD-10 every October with April updates, HCPCS Level II every quarter.
    "icd10cm": {"kind": "icd10cm", "url": _ICD10, "member": r"^icd10cm[-_]tabular[-_][\w-]*\.xml$",
                "match": "/" + _ICD10_RELEASE.format("code-tables-tabular-and-index")},
    "icd10pcs": {"kind": "icd10pcs", "url": _ICD10, "member": r"^icd10pcs[-_]tables[-_][\w-]*\.xml$",
                 "match": "/" + _ICD10_RELEASE.format("icd-10-pcs-code-tables-and-index")},
    "hcpcs": {"kind": "hcpcs", "url": _HCPCS, "member": r"^HCPC20\d\d_[a-z]{3}_ANWEB[^/]*\.txt$",
              "match": "/" + _MONTH + r"-(?P<year>20\d\d)-alpha-numeric-hcpcs-file(?P<revision>[^/]*)\.zip$"},
    # Reference files: NCCI and MUE every quarter, RVU/GPCI and coverage whenever CMS revises them.
    "ptp-practitioner": {"kind": "ncci-ptp", "setting": "practitioner", "match": _PTP.format("ccipra"),
                         "url": f"{_NCCI}/medicare-ncci-procedure-procedure-ptp-edits"},
    "ptp-hospital": {"kind": "ncci-ptp", "setting": "hospital", "match": _PTP.format("ccioph"),
                     "url": f"{_NCCI}/medicare-ncci-procedure-procedure-ptp-edits"},
    "mue-practitioner": {"kind": "mue", "match": _MUE.format("practitioner"), "member": r"\.csv$",
                         "url": f"{_NCCI}/medicare-ncci-medically-unlikely-edits"},
    "mue-hospital": {"kind": "mue", "match": _MUE.format("[a-z-]*outpatient-hospital"), "member": r"\.csv$",
                     "url": f"{_NCCI}/medicare-ncci-medically-unlikely-edits"},
    "mue-dme": {"kind": "mue", "match": _MUE.format("dme-supplier"), "member": r"\.csv$",
                "url": f"{_NCCI}/medicare-ncci-medically-unlikely-edits"},
    # Add-on zip names carry no sortable release: the first Medicare zip on the page (newest first).
    "addon": {"kind": "addon", "match": r"^(?!.*medicaid).*/files/zip/[^/]*\.zip$",
              "member": r"^AOC_V20\d\dQ\d[^/]*MCR[^/]*\.txt$", "url": f"{_NCCI}/medicare-ncci-add-code-edits"},
    "rvu": {"kind": "rvu", "match": _RVU, "member": r"^PPRRVU[^/]*nonQPP[^/]*\.csv$",
            "url": "https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files"},
    "gpci": {"kind": "gpci", "match": _RVU, "member": r"^GPCI20\d\d[^/]*\.csv$",
             "url": "https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files"},
    "coverage": {"kind": "coverage", "match": r"/current_article\.zip$",
                 "url": "https://www.cms.gov/medicare-coverage-database/downloads/downloads.aspx"},
}
for _name, _source in MEDCODE_UPDATE_SOURCES.items():
    _variable = _name.upper().replace("-", "_")
    _source["url"] = os.environ.get(f"MEDCODE_UPDATE_URL_{_variable}", _source["url"])
    if os.environ.get(f"MEDCODE_UPDATE_SHA256_{_variable}"):
        _source["sha256"] = os.environ[f"MEDCODE_UPDATE_SHA256_{_variable}"]
MEDCODE_UPDATE_TIMEOUT = int(os.environ.get("MEDCODE_UPDATE_TIMEOUT", "60"))  # seconds without data
MEDCODE_UPDATE_MAX_BYTES = int(os.environ.get("MEDCODE_UPDATE_MAX_MB", "500")) * 1024 * 1024
MEDCODE_IMPORT_MAX_BYTES = int(os.environ.get("MEDCODE_IMPORT_MAX_MB", "3000")) * 1024 * 1024  # unpacked zips

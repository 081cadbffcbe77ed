"""Settings of the CSM Portal: everything comes from the environment.

Defaults run locally (SQLite in var/, no Redis, console email). With DEBUG off, a missing
SECRET_KEY is an error and the secure defaults (HTTPS redirect, HSTS, secure cookies) apply.
Every secret can also be read from a file: set FOO_FILE instead of FOO.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from csmportal import instances as _instances
from csmportal.handbook import resolve_links as resolve_handbook_links

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(smart_cast=False)


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL, as CSP source lists want it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from NAME or from the file named by NAME_FILE."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
DEMO = env.bool("DEMO", default=False)
SANDBOX = env.bool("SANDBOX", default=False)

SECRET_KEY = secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-when-debug-is-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the portal is reached, for links in emails ("the portal's own page for the ticket").
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "django_filters",
    "template_partials",
    "users",
    "accounts",
    "contacts",
    "tickets",
    "feedback",
    "notifications",
    "supportops",
    "integrations",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "users.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "users.two_factor.AdminTwoFactorMiddleware",  # admins set up two-factor first
]

ROOT_URLCONF = "csmportal.urls"
WSGI_APPLICATION = "csmportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csmportal.context_processors.portal",
            ],
            # partialdef everywhere; mask_secrets wherever customer ticket text is shown.
            "builtins": [
                "template_partials.templatetags.partials",
                "tickets.templatetags.tickets_tags",
                "csmportal.handbook_tags",  # handbook_link: links from the one table
                "csmportal.dates",  # day, when, when_zone: the one date format
                "csmportal.url_tags",  # {% url %}: each route reversed once per process
                "csmportal.form_tags",  # filter_field: a list's filter field without an include
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL is set (postgres://... uses psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs seconds on the list pages' aggregate queries and saves nothing on
    # short OLTP queries like ours.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    # Several processes (web, worker, beat) share the demo's SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Users, login and two-factor (django-allauth under /auth/).
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/auth/login/"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "users.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Login rate limiting: per IP and per account (allauth counts failures in the cache).
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_LIMIT", default="30/m/ip"),
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
# No open sign-up: admins invite. Optionally, sign-up is open to these email domains only.
ALLOWED_SIGNUP_DOMAINS = [d.lower() for d in env.list("ALLOWED_SIGNUP_DOMAINS", default=[])]
# Whoever can create their own account must confirm the address first (a link sent to it) before
# logging in; admins' invitations are confirmed by setting the password from the emailed link.
ACCOUNT_EMAIL_VERIFICATION = "mandatory" if ALLOWED_SIGNUP_DOMAINS else "none"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="CSM Portal")
MFA_TOTP_TOLERANCE = env.int("MFA_TOTP_TOLERANCE", default=1)  # accept one 30 s step of clock skew
# Admins' sessions end this long after login (users.two_factor), whatever "remember me" said.
ADMIN_SESSION_HOURS = env.int("ADMIN_SESSION_HOURS", default=12)

# Company SSO: an OpenID Connect provider shown on the login page when OIDC_* are set.
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="sso"),
                "name": env.str("OIDC_NAME", default="Company SSO"),
                "client_id": OIDC_CLIENT_ID,
                "secret": secret("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env.str("OIDC_SERVER_URL")},
            }
        ]
    }
SOCIALACCOUNT_ONLY = False
# SSO logs in an existing user only by an address the provider says is verified (email_verified),
# and never a staff or superuser account (users.adapters.SocialAccountAdapter).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The one date format ("Tue 8 Dec 2026, 17:00"): csmportal/formats/en/formats.py, csmportal.dates.
FORMAT_MODULE_PATH = ["csmportal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: EMAIL_URL in django-environ's schemes (smtp://, consolemail://, filemail:///path).
# "outbox://" keeps every email in the database for the admins' Outbox page (the demo default).
environ.Env.EMAIL_SCHEMES["outbox"] = "notifications.mail.OutboxBackend"
vars().update(env.email_url("EMAIL_URL", default="outbox://" if DEMO else "consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CSM Portal <portal@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: the secure defaults apply whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own
# static files, no inline <script>, no style="" and no eval. Per-page data reaches scripts through
# json_script, so no nonce is needed. docs/hardening.md explains each directive.
_form_action = [SELF]
if OIDC_CLIENT_ID:
    # The SSO button posts to our own URL, which redirects to the provider: browsers check that
    # redirect against form-action too. CSP_FORM_ACTION adds origins (an authorization endpoint
    # on another host than OIDC_SERVER_URL).
    _form_action.append(_origin(env.str("OIDC_SERVER_URL")))
_form_action += env.list("CSP_FORM_ACTION", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _form_action,
    }
}
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS: list[str] = []

# Zendesk and Salesforce. With SANDBOX on, both clients talk to the local sandbox, which
# accepts exactly these credentials; the defaults below are the sandbox's and apply only then.
SANDBOX_URL = env.str("SANDBOX_URL", default="https://127.0.0.1:8443").rstrip("/")
_sandbox_default = (lambda value: value) if SANDBOX else (lambda value: "")
ZENDESK_SUBDOMAIN = env.str("ZENDESK_SUBDOMAIN", default="example")
ZENDESK_EMAIL = env.str("ZENDESK_EMAIL", default=_sandbox_default("portal@example.com"))
ZENDESK_API_TOKEN = secret("ZENDESK_API_TOKEN", default=_sandbox_default("sandbox-zendesk-token"))
ZENDESK_WEBHOOK_SECRET = secret("ZENDESK_WEBHOOK_SECRET", default=_sandbox_default("sandbox-webhook-secret"))
# Which Zendesk schedule (by name) holds each region's business hours and holidays
# (docs/connecting.md); a region without one keeps the portal's built-in hours.
ZENDESK_SCHEDULE_REGIONS = env.str(
    "ZENDESK_SCHEDULE_REGIONS",
    default=(
        "Americas USA=Americas Schedule,Europe Middle East Africa=EMEA Schedule,Asia Pacific=APAC Schedule"
    ),
)
SALESFORCE_LOGIN_URL = env.str("SALESFORCE_LOGIN_URL", default=SANDBOX_URL if SANDBOX else "").rstrip("/")
SALESFORCE_CLIENT_ID = env.str("SALESFORCE_CLIENT_ID", default=_sandbox_default("sandbox-client"))
SALESFORCE_CLIENT_SECRET = secret(
    "SALESFORCE_CLIENT_SECRET", default=_sandbox_default("sandbox-client-secret")
)
SALESFORCE_API_VERSION = env.str("SALESFORCE_API_VERSION", default="59.0")
# Where people open Salesforce records (Lightning). Derived from the instance when unset.
SALESFORCE_WEB_URL = env.str("SALESFORCE_WEB_URL", default="").rstrip("/")
# The GitLab host that collaboration projects live on (correction requests are checked against it).
GITLAB_URL = env.str("GITLAB_URL", default="https://gitlab.com").rstrip("/")
# The GitLab trackers where support ops and support managers work (docs/gitlab.md). With a
# token, correction and notes requests and forwarded feedback are also filed there as issues;
# without one the portal's own queues work alone and CSMs get a prefilled "open the issue" link.
# The API is GITLAB_URL's (the sandbox's with SANDBOX); links always point at GITLAB_URL.
GITLAB_API_URL = env.str("GITLAB_API_URL", default=SANDBOX_URL if SANDBOX else GITLAB_URL).rstrip("/")
GITLAB_TOKEN = secret("GITLAB_TOKEN", default=_sandbox_default("sandbox-gitlab-token"))
GITLAB_ORGS_PROJECT = env.str(
    "GITLAB_ORGS_PROJECT", default="gitlab-com/support/support-ops/zendesk-global/organizations"
)
GITLAB_FEEDBACK_PROJECT = env.str("GITLAB_FEEDBACK_PROJECT", default="gitlab-com/support/feedback")
# The handbook the portal links to (csmportal/handbook.py): its relative links are joined to
# HANDBOOK_BASE_URL; HANDBOOK_LINKS (JSON: {"key": "https://..."}) overrides single links.
HANDBOOK_BASE_URL = env.str("HANDBOOK_BASE_URL", default="https://about.gitlab.com").rstrip("/")
HANDBOOK_LINKS = env.json("HANDBOOK_LINKS", default={})
resolve_handbook_links(HANDBOOK_BASE_URL, HANDBOOK_LINKS)  # fail loudly on a bad link at start-up
SUPPORT_OPS_EMAIL = env.str("SUPPORT_OPS_EMAIL", default="support-ops@example.com")

# Celery: Redis when REDIS_URL is set; otherwise an embedded file-system broker in var/ that
# needs no server (make run still starts a real worker and beat).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
        # Each worker looks for new message files this often (kombu's default is every second,
        # which would add up to a second to each hop of a new-ticket notification).
        "polling_interval": 0.2,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
# New-ticket work (the webhook's fetch, the rule, the emails) has its own queue, consumed by a
# worker of its own (`-Q urgent`; the other workers run `-Q celery`), so a backfill's backlog
# never holds a notification: see the Procfile and DESIGN.md (Celery queues). A worker started
# without -Q consumes both and gives no such guarantee. Prefetch 1 with late acks: a worker
# process reserves one task at a time, so one slow task never holds others behind it.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("urgent"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "integrations.fetch_ticket": {"queue": "urgent"},
    # The ticket stream's poll is the safety net of the notifications (a missed webhook): it
    # must not wait behind a backfill's reviews. Single flight keeps it to one process.
    "integrations.sync.zendesk.tickets": {"queue": "urgent"},
    "notifications.process_new_tickets": {"queue": "urgent"},
    "notifications.send_email": {"queue": "urgent"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat runs each sync stream (seconds).
SYNC_FAST_INTERVAL = env.int("SYNC_FAST_INTERVAL", default=60)
SYNC_SLOW_INTERVAL = env.int("SYNC_SLOW_INTERVAL", default=15 * 60)
# The syncs pace their Zendesk requests to these budgets (shared by all workers) instead of
# bouncing off 429s: "incremental=10/60,default=700/60" (requests/seconds). Empty: no pacing.
ZENDESK_RATE_LIMIT = env.str("ZENDESK_RATE_LIMIT", default="" if SANDBOX else "incremental=10/60")
# More than one Zendesk (docs/instances.md): ZENDESK_INSTANCES=global,usgov and, for each key but
# global (today's variables above), ZENDESK_<KEY>_SUBDOMAIN, _EMAIL, _API_TOKEN, _WEBHOOK_SECRET,
# _NAME, _RESTRICTED, _TRACKER_PROJECT, _RATE_LIMIT. csmportal.instances reads them.
ZENDESK_GLOBAL_NAME = env.str("ZENDESK_GLOBAL_NAME", default="Global")
ZENDESK_EXTRA_INSTANCES = _instances.from_env(
    lambda name, default: env.str(name, default=default),
    secret,
    SANDBOX,
    {"tracker_project": GITLAB_ORGS_PROJECT, "rate_limit": ZENDESK_RATE_LIMIT},
)
# A running sync renews its lock with every page and a heartbeat (every third of this); a
# worker that dies loses it after this many seconds, and the stream's next run takes over.
SYNC_LOCK_SECONDS = env.int("SYNC_LOCK_SECONDS", default=15)
# A run that wrote at least this many rows refreshes its table's planner statistics
# (PostgreSQL), so pages are planned on the new data at once after a backfill.
SYNC_ANALYZE_AFTER_ROWS = env.int("SYNC_ANALYZE_AFTER_ROWS", default=5000)
# One explicitly named task per stream (integrations/tasks.py); tickets and users run often.
SYNC_STREAMS_FAST = ["zendesk.tickets", "zendesk.users"]
SYNC_STREAMS_SLOW = [
    "salesforce.users",
    "salesforce.accounts",
    "salesforce.contacts",
    "salesforce.cases",
    "zendesk.organizations",
    "zendesk.schedules",
    "zendesk.comments",
    "zendesk.ratings",
]
# A Zendesk stream runs once per instance: "sync zendesk.tickets" (global, as before instances)
# and "sync zendesk.tickets@usgov" (the same task with instance=usgov), each on its own.
CELERY_BEAT_SCHEDULE = {
    f"sync {stream}" + ("" if key == "global" else f"@{key}"): {
        "task": f"integrations.sync.{stream}",
        "schedule": SYNC_FAST_INTERVAL if stream in SYNC_STREAMS_FAST else SYNC_SLOW_INTERVAL,
        "options": {"expires": SYNC_FAST_INTERVAL},
        **({} if key == "global" else {"kwargs": {"instance": key}}),
    }
    for stream in SYNC_STREAMS_FAST + SYNC_STREAMS_SLOW
    for key in (["global", *ZENDESK_EXTRA_INSTANCES] if stream.startswith("zendesk.") else ["global"])
}
# New-ticket notifications: hourly digests (and re-sending emails whose task was lost).
CELERY_BEAT_SCHEDULE["notifications digests"] = {"task": "notifications.send_digests", "schedule": 3600.0}
# Support-ops requests marked done a day ago but not reflected in Zendesk get flagged.
CELERY_BEAT_SCHEDULE["supportops stale requests"] = {
    "task": "supportops.flag_stale_requests",
    "schedule": 3600.0,
}
# Requests and feedback filed in GitLab: their issues' comments and closings are read back.
GITLAB_MIRROR_INTERVAL = float(env.int("GITLAB_MIRROR_INTERVAL", default=300))
CELERY_BEAT_SCHEDULE["supportops gitlab mirror"] = {
    "task": "supportops.gitlab_mirror",
    "schedule": GITLAB_MIRROR_INTERVAL,
}
CELERY_BEAT_SCHEDULE["feedback gitlab mirror"] = {
    "task": "feedback.gitlab_mirror",
    "schedule": GITLAB_MIRROR_INTERVAL,
}
# Tickets opened longer ago than this notify nobody when the portal first sees them (backfills).
NOTIFICATIONS_MAX_TICKET_AGE_HOURS = env.int("NOTIFICATIONS_MAX_TICKET_AGE_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())

"""cxlean settings: one module, configured from the environment.

Development defaults are safe to run on a laptop (SQLite, DEBUG on, a fixed dev
secret). With DEBUG off the module refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS, so an insecure default can never reach production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from cxlean.core.storage import file_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEV_SECRET_KEY = "cxlean-development-only-secret-key-do-not-use-in-production"

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("Set SECRET_KEY (40+ random characters) when DEBUG is off.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HTTPS only: browsers remember it for SECURE_HSTS_SECONDS; plain HTTP is redirected
    # (the health check stays reachable over HTTP for load balancers).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

INSTALLED_APPS = [
    "cxlean.apps.CxleanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cxlean.core",
    "cxlean.org",
    "cxlean.guide",
    "cxlean.plans",
    "cxlean.competence",
    "cxlean.journeys",
    "cxlean.backlog",
    "cxlean.checklists",
    "cxlean.gemba",
    "cxlean.metrics",
    "cxlean.maturity",
    "cxlean.insights",
    "cxlean.games",
    "cxlean.inbox",
    "cxlean.help",
    "cxlean.exports",
    "cxlean.imports",
    "cxlean.notifications",
    "cxlean.catalogues",
    "cxlean.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cxlean.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cxlean.core.middleware.LanguageMiddleware",
    "cxlean.core.errors.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cxlean.org.twofactor.AdminTwoFactorMiddleware",
    "cxlean.core.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "cxlean.core.errors.ErrorPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cxlean.urls"
WSGI_APPLICATION = "cxlean.wsgi.application"

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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "cxlean.core.context_processors.brand",
                "cxlean.org.context_processors.roles",
                "cxlean.org.context_processors.sign_in",
                "cxlean.notifications.context_processors.notifications",
            ],
            # `{% help_link "chapter" "anchor" %}` on every page without a `load`.
            "builtins": ["cxlean.help.templatetags.help_tags"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on (OpenID Connect) and local passwords ----------------------------------
# Any standard OpenID Connect provider (Microsoft Entra ID, Google Workspace, Okta,
# Keycloak...) through mozilla-django-oidc; cxlean.org.sso finds the provider's endpoints
# in its discovery document. Off until OIDC_CLIENT_ID and OIDC_ISSUER (or
# OIDC_DISCOVERY_URL) are set: then the login page offers "Sign in with <provider>".
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="SSO")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for ending the provider's session on log-out
OIDC_OP_LOGOUT_URL_METHOD = "cxlean.org.sso.provider_logout_url"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "login"
# Off: only superusers sign in with a password (login page, admin, API token); everyone
# else signs in through the provider.
LOCAL_PASSWORDS = env.bool("LOCAL_PASSWORDS", default=True)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend"
    if LOCAL_PASSWORDS
    else "cxlean.org.sso.SuperuserPasswordBackend",
    "cxlean.org.sso.ProviderBackend",
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the static files whitenoise serves when DEBUG is off.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and exported files (cxlean/core/storage.py): the local disk under MEDIA_ROOT, or
# with STORAGE_URL (or AWS_STORAGE_BUCKET_NAME) an S3-compatible bucket that every web
# machine and worker shares. Files are served only through the app's checked downloads.
STORAGES = {
    "default": file_storage(
        env.str("STORAGE_URL", default=""),
        bucket=env.str("AWS_STORAGE_BUCKET_NAME", default=""),
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region=env.str("AWS_S3_REGION_NAME", default=""),
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The cache: API rates and the brand are kept there. Local memory is per process; with
# more than one process or machine set CACHE_URL (e.g. redis://127.0.0.1:6379/1) so that
# every process counts the same rates and sees a new brand at once.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Excel exports: how many days a finished export can be downloaded.
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)

# Competence: how long a Green Card is valid, and when "expiring soon" starts.
GREEN_CARD_VALIDITY_MONTHS = env.int("GREEN_CARD_VALIDITY_MONTHS", default=24)
GREEN_CARD_EXPIRY_WARNING_DAYS = env.int("GREEN_CARD_EXPIRY_WARNING_DAYS", default=30)

# E-mail: the console in development; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[key]
            for key, option in _SMTP_OPTIONS.items()
            if key in _email and _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        },
    }
}
# The address people open cxlean at, for links in e-mail (reminders, digests).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cxlean <noreply@cxlean.local>")

# Background work (cxlean/celery.py). Without CELERY_BROKER_URL, a broker that needs no
# server: Kombu's filesystem transport, its messages kept as files in CELERY_DATA_DIR.
CELERY_DATA_DIR = env.path("CELERY_DATA_DIR", default=BASE_DIR / "var" / "celery")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem:"):
    for _folder in ("queue", "control"):
        Path(CELERY_DATA_DIR, _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(CELERY_DATA_DIR, "queue")),
        "data_folder_out": str(Path(CELERY_DATA_DIR, "queue")),
        "control_folder": str(Path(CELERY_DATA_DIR, "control")),
        "store_processed": False,
    }
# Reminders: how many one person gets from one sweep at most; the rest are folded into one
# message ("And 37 more reminders — see cxlean"), so a backlog never floods anyone's inbox.
REMINDERS_PER_SWEEP = env.int("REMINDERS_PER_SWEEP", default=10)

CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# Long work on queues of its own, each served by its own worker (Procfile): an import
# never waits behind an export, an export never behind an import, a reminder behind neither.
CELERY_TASK_ROUTES = {
    "cxlean.exports.run": {"queue": "exports"},
    "cxlean.imports.run": {"queue": "imports"},
}
# Every task has a time limit: the soft one raises SoftTimeLimitExceeded in the task (a job
# is marked failed with a message), the hard one ends the worker process that did not stop.
# Exports and imports set their own (cxlean/exports/services.py, cxlean/imports/services.py).
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_TASK_IGNORE_RESULT = True  # jobs record their own state in the database
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues must not hang when the broker is down: give up quickly
# (the job stays "queued" in the database and the requeue sweep sends it again).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The beat schedule is static (django-celery-beat does not support Django 6.1); each
# task decides from the database what is due, so a tick that runs twice or late sends
# nothing twice and misses nothing.
CELERY_BEAT_SCHEDULE = {
    "reminders": {"task": "cxlean.sweeps.reminders", "schedule": crontab(minute="*/15")},
    "digests": {"task": "cxlean.sweeps.digests", "schedule": crontab(minute=5)},
    "requeue-exports": {"task": "cxlean.sweeps.requeue_exports", "schedule": crontab(minute="*/5")},
    "requeue-imports": {"task": "cxlean.sweeps.requeue_imports", "schedule": crontab(minute="*/5")},
    "expire-exports": {
        "task": "cxlean.sweeps.expire_exports",
        "schedule": crontab(minute=30, hour=3),
    },
    "gemba-plan": {"task": "cxlean.sweeps.gemba_plan", "schedule": crontab(minute=15, hour=2)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "cxlean.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "cxlean.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "cxlean.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cxlean API",
    "DESCRIPTION": (
        "Lean CX rollouts: organisation, CX roles, the seven-step guide and rollout plans; "
        "the competence catalogue, ILUO records with sign-off and rejection, Green Cards, "
        "trainee plans and a flat competence matrix for reporting tools; the improvement "
        "backlog with its PDCA moves, comments and attachments, customer feedback (Voice of "
        "the Customer), customer journeys, and flat improvement rows for Power BI; role "
        "checklists with assignments, ticks and a flat progress table; Gemba walks with "
        "schedules, question sets, answers, observations (photos) that become improvements, "
        "and a flat walks-done-against-planned table; CX metric definitions, targets, survey "
        "answers, entered figures and flat metric results; the maturity model, assessments, "
        "answers and flat maturity scores; and flat evidence rows (the indicators the system "
        "measures beside a self-assessment). "
        "Authenticate with a session or with `Authorization: Token <key>` "
        "(POST username and password to /api/v1/auth/token/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cxlean.core.schema.declare_error_responses",
    ],
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Every record is written once, by the root logger's console handler: the "django" logger
# keeps only Django's mail to ADMINS (its own console handler would print each record a
# second time while DEBUG is on). A refused request (403) is one line, not a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "permission_denied": {"()": "cxlean.core.logs.PermissionDeniedFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.request": {"filters": ["permission_denied"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}


# --- sign-in and browser security ---------------------------------------------------------
# Sign-in attempts (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one account,
# or from one IP address, sign-in is refused there for AXES_COOLOFF_MINUTES (web, admin and
# the API token). Administrators unlock in the admin ("Access attempts"); the sign-in audit
# records every lock-out. AxesStandaloneBackend only refuses; the backends above sign in.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cxlean.org.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cxlean.org.lockout.client_ip"
# How many proxies in front of cxlean add to X-Forwarded-For (0: none, use the peer address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# API rates: the token endpoint (password guessing) and every other request.
API_TOKEN_RATE = env.str("API_TOKEN_RATE", default="10/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
# The client's address as for lock-outs: without this DRF would trust any X-Forwarded-For.
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env.str("API_ANON_RATE", default="60/minute"),
    "user": env.str("API_USER_RATE", default="2000/hour"),
    "token": API_TOKEN_RATE,
    # Survey tools' webhooks (no sign-in: per sending address).
    "survey-webhook": env.str("SURVEY_WEBHOOK_RATE", default="600/minute"),
}
# How far (seconds) a survey tool's webhook timestamp may be from now; a delivery is
# remembered this long (twice over) to refuse replays.
SURVEY_WEBHOOK_TOLERANCE = env.int("SURVEY_WEBHOOK_TOLERANCE", default=300)

# Two-factor sign-in for the admin (django-otp, TOTP): "required-for-superusers" (others
# may set it up) or "off".
ADMIN_2FA = env.str("ADMIN_2FA", default="required-for-superusers")
OTP_TOTP_ISSUER = "cxlean"

# Sessions: at most SESSION_COOKIE_AGE seconds after sign-in, and ended after
# SESSION_IDLE_TIMEOUT seconds without a request (0: no idle limit).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 2)

# Content-Security-Policy: scripts only from cxlean itself or with the page's nonce.
# Styles allow inline attributes (style="…" in templates, the API docs' own <style>).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features cxlean never uses (cxlean.core.middleware.PermissionsPolicyMiddleware);
# the camera stays allowed for cxlean itself (Gemba photos are taken with a file input).
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "camera": "(self)",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}
SECURE_REFERRER_POLICY = "same-origin"

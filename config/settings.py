"""One settings module, driven by the environment.

SQLite is the embedded default for the demo; production and CI set DATABASE_URL to
PostgreSQL (docs/adr/0001-stack.md).
"""

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_int

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
TESTING = "pytest" in sys.modules
TYPE_CHECKING_RUN = "mypy" in sys.modules
if not SECRET_KEY:
    if not (DEBUG or TESTING or TYPE_CHECKING_RUN):
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for the demo).")
    SECRET_KEY = "demo-or-test-only-insecure-key-never-use-with-real-data"  # noqa: S105

ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", default="127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", default="").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "safeguarding.core",
    "safeguarding.access",
    "safeguarding.audit",
    "safeguarding.people",
    "safeguarding.concerns",
    "safeguarding.frontdoor",
    "safeguarding.earlyhelp",
    "safeguarding.assessments",
    "safeguarding.protection",
    "safeguarding.sharing",
    "safeguarding.pathway",
    "safeguarding.linkage",
    "safeguarding.encompass",
    "safeguarding.api",
    "safeguarding.web",
    "safeguarding.synthetic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safeguarding.access.middleware.RequireVerifiedPractitionerMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "safeguarding" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguarding.web.context_processors.service",
                "safeguarding.sharing.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, so the audit hash chain cannot fork.
    # WAL lets readers proceed while one writer commits (runserver's threads, the demo).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"

# Sign-in lockout (django-axes): locked after AXES_FAILURE_LIMIT failures for the same
# username from the same address, for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", default=30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_LOCKOUT_CALLABLE = "safeguarding.web.views.locked_out"
AXES_VERBOSE = False  # axes would log usernames; no personal data in application logs

# Idle sessions end after SESSION_IDLE_MINUTES; the cookie is renewed on each request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production behind TLS: set these (README "Deploying"); `manage.py check --deploy` checks them.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
OTP_TOTP_ISSUER = "Safeguarding partnership"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "safeguarding" / "web" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Application logs carry no personal data: only ids and event names (see audit for who/what).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Name of the local authority the partnership serves, shown in the header.
SERVICE_NAME = env("SERVICE_NAME", default="Safeguarding partnership")
LOCAL_AUTHORITY_NAME = env("LOCAL_AUTHORITY_NAME", default="Demo local authority")
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", default=60)
# The address practitioners reach the service at, for links in e-mailed reminders.
SITE_URL = env("SITE_URL", default="")

# Working days and clocks (core/calendar.py, core/clocks.py). Local choices of the partnership:
# extra days the authority is closed (ISO dates), lengths of local timescales in their unit
# (e.g. {"strategy_discussion": 2}), and how many working days before a due date a clock
# shows as "due soon".
EXTRA_NON_WORKING_DAYS: list[str] = [d for d in env("EXTRA_NON_WORKING_DAYS", default="").split(",") if d]
# LOCAL_TIMESCALES="strategy_discussion=2,cp_visit=15": core/clocks.py refuses unknown keys,
# national timescales and lengths under 1 at first use.
LOCAL_TIMESCALES: dict[str, int] = {
    key.strip(): int(length)
    for key, _, length in (item.partition("=") for item in env("LOCAL_TIMESCALES", default="").split(",") if item)
}
CLOCK_WARNING_WORKING_DAYS = env_int("CLOCK_WARNING_WORKING_DAYS", default=2)
# Operation Encompass (safeguarding/encompass, ADR 10): when the school day starts in England
# (notifications are due before it), and the roles of a school's key adults who see them.
# Term dates are reference data in admin (School terms).
ENCOMPASS_SCHOOL_DAY_STARTS = env("ENCOMPASS_SCHOOL_DAY_STARTS", default="08:30")
ENCOMPASS_KEY_ADULT_ROLES = [r for r in env("ENCOMPASS_KEY_ADULT_ROLES", default="dsl").split(",") if r]

# The agency API (issue 5; safeguarding/api). Agency systems authenticate with OAuth2 client
# credentials (django-oauth-toolkit); each client acts as its agency's service user.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_TOKEN_SECONDS", default=3600),
    "SCOPES": {
        "concerns:write": "Submit concerns about children",
        "referrals:write": "Submit referrals",
        "referrals:read": "Read the outcome of the agency's own referrals",
        "feeds:write": "Submit feed records (school roll, registrations, attendances, incidents)",
        "flags:read": "Look up a child's status flag by NHS number or UPN",
    },
    # Client credentials only, only for live clients, only with the scopes each was given.
    "OAUTH2_VALIDATOR_CLASS": "safeguarding.api.authentication.ClientCredentialsValidator",
}
# Calls a minute: per client on every endpoint, and per address at the token endpoint.
API_RATE = env("API_RATE", default="600/minute")
API_TOKEN_RATE = env("API_TOKEN_RATE", default="60/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["safeguarding.api.authentication.ClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["safeguarding.api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "safeguarding.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding partnership agency API",
    "DESCRIPTION": "For agency systems: submit concerns, referrals and feed records; read the outcome of "
    "your referrals and a child's status flag (JSON and FHIR R4). Errors are RFC 9457 problem details. "
    "How to get credentials and a token: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Status flags (issue 5; sharing/flags.py): who to call about a child with a status when no
# practitioner leads, and out of hours. The defaults are fictional (Ofcom drama numbers).
FRONT_DOOR_CONTACT = env("FRONT_DOOR_CONTACT", default="Children's front door: 01632 960000")
OUT_OF_HOURS_CONTACT = env(
    "OUT_OF_HOURS_CONTACT", default="Emergency duty team (evenings, weekends and bank holidays): 01632 960999"
)

"""Kopir's settings: one file, every value that differs between machines comes from the environment.

`.env.example` lists every variable. Parsing is strict: a malformed value stops start-up with a
message naming the variable, rather than running with a surprising default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# The value a fresh checkout runs with. The production system check refuses to start with it.
DEVELOPMENT_SECRET_KEY = "kopir-development-only-not-a-secret"  # noqa: S105


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be on/off (or true/false, 1/0), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def checked_rate(name: str, value: str) -> str:
    """A request rate as django-ninja's throttles read it: "<count>/<period>", the period s, m, h
    or d (or sec, min, hour, day), optionally with a multiple ("100/5m")."""
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must be requests per period such as 120/m or 1000/h, not {value!r}"
        )
    return value


# --- Environment -------------------------------------------------------------------------------
# "development" (the default: a laptop, the demo, the tests) or "production".
KOPIR_ENVIRONMENT = env_str("KOPIR_ENVIRONMENT", "development")
if KOPIR_ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"KOPIR_ENVIRONMENT must be 'development' or 'production', not {KOPIR_ENVIRONMENT!r}"
    )
PRODUCTION = KOPIR_ENVIRONMENT == "production"
# The demo switches off two-factor login for the demo accounts (visibly) and loads synthetic data.
KOPIR_DEMO = env_bool("KOPIR_DEMO", default=False)
# Background cases for the demo's dashboards (kopir/bench/demo.py): off by default, because they
# go to the demo's division and agencies and fill the queues the demo's story is told in.
KOPIR_DEMO_BACKGROUND_CASES = env_bool("KOPIR_DEMO_BACKGROUND_CASES", default=False)
DEBUG = env_bool("KOPIR_DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
DATA_DIR = Path(env_str("KOPIR_DATA_DIR", str(BASE_DIR / "var")))

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    # Kopir's own apps first, so their templates and translations win over the libraries'.
    "kopir.core",
    "kopir.audit",
    "kopir.directory",
    "kopir.accounts",
    "kopir.people",
    "kopir.council",
    "kopir.assessment",
    "kopir.rehabilitation",
    "kopir.oversight",
    "kopir.bench",
    "kopir.notices",
    "kopir.exchange",
    # Django and libraries.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # With "ninja" installed its API docs page is served from Kopir's own static files (offline).
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (@login_not_required).
    # It also tells a person whose session ended that they must sign in again.
    "kopir.accounts.middleware.SignInRequiredMiddleware",
    "kopir.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last, as its documentation asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kopir.urls"
WSGI_APPLICATION = "kopir.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kopir.core.context_processors.kopir",
            ],
            "builtins": ["kopir.core.templatetags.kopir_tags"],
        },
    }
]

# --- Database ----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'kopir.sqlite3'}")
# A streaming replica of the primary for the read-heavy pages that opt in (core/db_router.py);
# unset, every read goes to the primary. docs/deployment.md.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
# PostgreSQL only: a pool of this many connections per process (Django's own pool, psycopg_pool)
# instead of one persistent connection per thread; 0 keeps the persistent connections. Not with
# PgBouncer in front, which pools already (docs/deployment.md).
DB_POOL = env_int("DB_POOL", 0)


def _database_settings(name: str, url: str) -> dict[str, Any]:
    try:
        database: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        )
    except ValueError as error:  # pragma: no cover - the message is what matters
        raise ImproperlyConfigured(f"{name} is not a database address: {error}") from error
    if database["ENGINE"] == "django.db.backends.sqlite3":
        if database["NAME"] != ":memory:":
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # SQLite as an application database: WAL lets readers run beside the writer, IMMEDIATE
        # takes the write lock at BEGIN (so two writers queue instead of failing
        # mid-transaction), and the busy timeout makes the second writer wait rather than error.
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        return database
    database["CONN_HEALTH_CHECKS"] = True
    if DB_POOL > 0:
        # Django's pool and persistent connections exclude each other.
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DB_POOL}
    return database


DATABASES = {"default": _database_settings("DATABASE_URL", DATABASE_URL)}
if DATABASE_REPLICA_URL:
    replica = _database_settings("DATABASE_REPLICA_URL", DATABASE_REPLICA_URL)
    if replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a replica of DATABASE_URL")
    # In tests the replica is the primary's mirror: no second test database to create.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = replica
DATABASE_ROUTERS = ["kopir.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, two-factor, lockout --------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff must pass a TOTP second factor. The demo lets its published accounts sign in with the
# password alone, and says so on every page; any other account owes its second factor there too
# (kopir/accounts/access.py::owes_second_factor). Off, nobody is asked (refused in production).
KOPIR_REQUIRE_2FA = env_bool("KOPIR_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Kopir"
AXES_FAILURE_LIMIT = env_int("KOPIR_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("KOPIR_LOCKOUT_MINUTES", 30) / 60  # hours
# Lock an account from one address after repeated failures: the account and the address
# together, so one person's typos never lock out a colleague who shares the office's address (or
# the proxy's, when KOPIR_TRUSTED_PROXIES is wrong). Password spraying across accounts meets the
# second factor, which every staff account owes.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts made while locked do not extend the lock: it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockouts are kept in the database (django-axes's AccessAttempt), never in the cache: every web
# process sees a lockout another one set, whatever the cache, and the accounts pages list them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Axes logs the username of failed attempts; usernames are not personal data in Kopir (staff
# logins), but the IP address is kept out of application logs. The address it locks is the
# client's, read past the trusted proxies (KOPIR_TRUSTED_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "kopir.core.client.client_address"

# Sessions end after 30 idle minutes (every request renews the clock) and when the browser closes.
SESSION_COOKIE_AGE = env_int("KOPIR_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Cache: shared by several web processes, or one per process --------------------------------
# Unset (the embedded default: a laptop, the demo, the tests), each process keeps Django's
# local-memory cache, so rate-limit windows count per process (docs/decisions/0010). Set to a Redis
# address (redis://host:6379/0, rediss:// with TLS, unix:///path.sock?db=0), every process counts
# in that one Redis, and sessions are read from it and written through to the database, so a
# Redis restart signs nobody out. Sessions and lockouts live in the database either way.
KOPIR_CACHE_URL = env_str("KOPIR_CACHE_URL")
if KOPIR_CACHE_URL:
    if not re.match(r"(redis|rediss|unix)://", KOPIR_CACHE_URL):
        raise ImproperlyConfigured(
            "KOPIR_CACHE_URL must be a Redis address such as redis://127.0.0.1:6379/0, "
            f"not {KOPIR_CACHE_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": KOPIR_CACHE_URL,
            # A Redis that does not answer fails the request within seconds instead of holding
            # a server thread.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Client addresses and rate limits ----------------------------------------------------------
# How many reverse proxies stand in front of Kopir, each appending to X-Forwarded-For. 0: clients
# connect directly and REMOTE_ADDR is theirs. Too high a number lets a client choose its address.
KOPIR_TRUSTED_PROXIES = env_int("KOPIR_TRUSTED_PROXIES", 0)
if KOPIR_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        f"KOPIR_TRUSTED_PROXIES must be 0 or more, not {KOPIR_TRUSTED_PROXIES}"
    )
# The address of the nearest proxy, the only peer whose X-Forwarded-* headers `manage.py serve`
# (waitress) believes; "*" trusts any peer, safe only where nothing else can reach Kopir's port.
KOPIR_PROXY_ADDRESS = env_str("KOPIR_PROXY_ADDRESS", "127.0.0.1")
# API requests allowed per external system, and per client address without a valid token, as
# "<count>/<period>" (see checked_rate). Counted in the cache: per process with the default
# local-memory cache, across processes with KOPIR_CACHE_URL (docs/decisions/0010;
# docs/decisions/0006-api-rate-limits-and-client-addresses.md). A system's
# default is what one medical information system needs to send 200 referrals a second and read
# their status; a one-second window keeps each system's counted history short.
DEFAULT_API_RATE = "300/s"
KOPIR_API_RATE = checked_rate("KOPIR_API_RATE", env_str("KOPIR_API_RATE", DEFAULT_API_RATE))
KOPIR_API_ANON_RATE = checked_rate("KOPIR_API_ANON_RATE", env_str("KOPIR_API_ANON_RATE", "30/m"))
# Referrals an external system may send, per period, whichever endpoint carries them: a batch
# request counts once against KOPIR_API_RATE and as its referrals here (decision 13). The window
# must hold a whole batch (500 referrals). The default lets one system send 200 a second,
# averaged over a minute.
DEFAULT_API_REFERRAL_RATE = "12000/m"
KOPIR_API_REFERRAL_RATE = checked_rate(
    "KOPIR_API_REFERRAL_RATE", env_str("KOPIR_API_REFERRAL_RATE", DEFAULT_API_REFERRAL_RATE)
)
if int(KOPIR_API_REFERRAL_RATE.split("/")[0]) < 500:
    raise ImproperlyConfigured(
        "KOPIR_API_REFERRAL_RATE must allow at least 500 referrals per period (one whole batch), "
        f"not {KOPIR_API_REFERRAL_RATE!r}"
    )

# --- Languages, time, formats ------------------------------------------------------------------
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "kopir" / "locale"]
# Django ships no kk/formats.py; Kopir's own gives 22.03.2026 and 1 234 567,89.
FORMAT_MODULE_PATH = ["kopir.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Oral"

# --- Static files (Kopir serves every asset itself: no CDN) ------------------------------------
STATIC_URL = "static/"
# Production collects assets here; elsewhere whitenoise serves them from the apps' folders.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static"))) if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Whitenoise serves files straight from the apps' static folders, so the demo needs no
# collectstatic step; production runs collectstatic as part of its release.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("KOPIR_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# --- E-mail and SMS ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.locmem.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kopir@localhost")
# Where people open Kopir, for the links a notice carries (a background task has no request to
# ask): scheme and host, no trailing slash.
KOPIR_SITE_URL = env_str("KOPIR_SITE_URL", "http://localhost:8000").rstrip("/")
# SMS: a dotted path to a kopir.notices.sms.BaseSmsBackend subclass (the region's gateway). The
# default sends nothing and keeps each SMS in the outbox, marked as such.
KOPIR_SMS_BACKEND = env_str("KOPIR_SMS_BACKEND", "kopir.notices.sms.OutboxSmsBackend")

# --- Background tasks --------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Webhooks to external systems (kopir.exchange) ---------------------------------------------
# Attempts before a delivery is given up (dead-lettered): with a 30 s base doubling to a 6 h cap,
# 12 attempts span about 17 hours, so a receiver down for an hour or a night loses nothing.
KOPIR_WEBHOOK_MAX_ATTEMPTS = env_int("KOPIR_WEBHOOK_MAX_ATTEMPTS", 12)
KOPIR_WEBHOOK_BACKOFF_BASE_SECONDS = env_int("KOPIR_WEBHOOK_BACKOFF_BASE_SECONDS", 30)
KOPIR_WEBHOOK_BACKOFF_CAP_SECONDS = env_int("KOPIR_WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600)
KOPIR_WEBHOOK_TIMEOUT_SECONDS = env_int("KOPIR_WEBHOOK_TIMEOUT_SECONDS", 10)
KOPIR_WEBHOOK_BATCH = env_int("KOPIR_WEBHOOK_BATCH", 250)
# Requests of one batch in flight at once (a slow receiver does not hold up the others).
KOPIR_WEBHOOK_CONCURRENCY = env_int("KOPIR_WEBHOOK_CONCURRENCY", 8)
# How long a rotated-out secret stays valid (deliveries are signed with both meanwhile).
KOPIR_WEBHOOK_SECRET_GRACE_HOURS = env_int("KOPIR_WEBHOOK_SECRET_GRACE_HOURS", 24)
# The demo's local webhook receiver (manage.py serve in demo mode): by default 765 above the
# demo's PORT (8000 → 8765), so two demos on different ports each have their own receiver and
# neither sends its webhooks to the other's (web processes take PORT, PORT + 1, …).
KOPIR_DEMO_RECEIVER_PORT = env_int("KOPIR_DEMO_RECEIVER_PORT", env_int("PORT", 8000) + 765)

# --- Rehabilitation measures' deadlines (docs/domain/rehabilitation.md §8) ----------------------
# A measure is at risk when due within this many working days; an overdue one climbs one
# escalation level per this many working days. Kopir's defaults: no rule sets either.
REHABILITATION_DEADLINES = {
    "at_risk_working_days": env_int("KOPIR_MEASURE_AT_RISK_WORKING_DAYS", 3),
    "escalation_interval_working_days": env_int("KOPIR_MEASURE_ESCALATION_WORKING_DAYS", 3),
}

# --- Logging: no personal data -----------------------------------------------------------------
# Application code logs identifiers (primary keys, referral numbers), never names or IINs. The
# request logger is quietened because its messages carry full URLs with query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KOPIR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

KOPIR_VERSION = "0.1.0"
KOPIR_SITE_NAME = _("Kopir")

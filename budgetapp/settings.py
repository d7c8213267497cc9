"""Settings for the budget performance-target application.

Everything that differs between a laptop, CI and production comes from the environment
(see `.env.example`). SQLite is the default so a newcomer can run the app with nothing else;
`DATABASE_URL` points it at PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from budgetapp.core.env import (
    env_bool,
    env_int,
    env_json_object,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# A development key is acceptable only with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", default="dev-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "pgtrigger",
    "budgetapp.core",
    "budgetapp.audit",
    "budgetapp.security",
    "budgetapp.units",
    "budgetapp.indicators",
    "budgetapp.targets",
    "budgetapp.layouts",
    "budgetapp.review",
    "budgetapp.monitoring",
    "budgetapp.evaluation",
    "budgetapp.exports",
    "budgetapp.portal",
    "budgetapp.library",
    "budgetapp.imports",
    "budgetapp.checks",
    "budgetapp.demo",
    "budgetapp.guide",
    "budgetapp.identity",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "budgetapp.core.middleware.NoStoreForLoggedIn",
    "budgetapp.core.middleware.RetryAfterDatabaseRestart",
    # Marks the portal's reads, which go to DATABASE_REPLICA_URL when one is configured.
    "budgetapp.core.replica.PortalReadsFromReplica",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Idle timeout, absolute limit, one session per account (budgetapp/identity/sessions.py).
    "budgetapp.identity.sessions.SessionLimitsMiddleware",
    "budgetapp.audit.middleware.SuperuserUseMiddleware",
    # Two-factor login (django-otp): request.user.is_verified(), then every page needs it
    # from the roles that must use it (budgetapp/identity/roles.py).
    "django_otp.middleware.OTPMiddleware",
    "budgetapp.identity.middleware.SecondFactorMiddleware",
    # A password set by an administrator, or expired, is changed before anything else.
    "budgetapp.identity.middleware.PasswordPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "budgetapp.urls"

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
                "budgetapp.review.context_processors.unread_notices",
                "budgetapp.identity.sessions.session_timeout",
                "budgetapp.security.context_processors.security_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "budgetapp.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection is checked before each request reuses it, so one broken by a
        # database restart is replaced instead of failing the request.
        conn_health_checks=True,
    )
}
# PostgreSQL through our backend: opening a connection waits this long for a restarting
# database (budgetapp/core/postgresql/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "budgetapp.core.postgresql"
# PostgreSQL: send parameters apart from the SQL (psycopg's server-side binding) and prepare a
# statement once a connection has run it DB_PREPARE_THRESHOLD times, so PostgreSQL stops planning
# the same joins on every request. Set it false behind a transaction-mode PgBouncer
# (docs/deployment.md, "Prepared statements").
DB_SERVER_SIDE_BINDING = env_bool("DB_SERVER_SIDE_BINDING", True)
DB_PREPARE_THRESHOLD = env_int("DB_PREPARE_THRESHOLD", 5)
# PostgreSQL's JIT compiler, off for the app's connections unless asked for: our queries take
# milliseconds, and a cost estimate over jit_above_cost (a never-analysed small table is enough)
# made PostgreSQL spend ~20 ms compiling one on every request (docs/deployment.md, "JIT").
DB_JIT = env_bool("DB_JIT", False)


def postgresql_options(options: dict[str, Any]) -> dict[str, Any]:
    """A PostgreSQL connection's OPTIONS with the two settings above applied."""
    options = dict(options)
    if DB_SERVER_SIDE_BINDING:
        options.update({"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD})
    if not DB_JIT:
        # libpq's `options`: server settings for the session, given at connection start.
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return options


if DATABASES["default"]["ENGINE"] == "budgetapp.core.postgresql":
    DATABASES["default"]["OPTIONS"] = postgresql_options(DATABASES["default"].get("OPTIONS", {}))
DB_CONNECT_RETRY_SECONDS = env_int("DB_CONNECT_RETRY_SECONDS", 15)
# An optional read replica of PostgreSQL for the public portal's pages (budgetapp/core/replica.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", default="")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "budgetapp.core.postgresql"
        DATABASES["replica"]["OPTIONS"] = postgresql_options(
            DATABASES["replica"].get("OPTIONS", {})
        )
    # Tests read the replica through the primary's connection.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["budgetapp.core.replica.PortalReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The password policy (budgetapp/identity/passwords.py, docs/security-authentication.md).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "budgetapp.identity.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "budgetapp.identity.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {
        "NAME": "budgetapp.identity.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY_COUNT},
    },
]
# Days a password lasts (0: no expiry) and how many days before the end a warning is shown.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0)
PASSWORD_EXPIRY_WARNING_DAYS = env_int("PASSWORD_EXPIRY_WARNING_DAYS", 14)

# Login lockout (django-axes, budgetapp/identity/lockout.py): LOGIN_FAILURE_LIMIT failed logins
# for one username, or from one client address, lock it for LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lock runs from the lockout: tries during it do not move the announced end.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "budgetapp.identity.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "budgetapp.identity.lockout.axes_client_ip"
AXES_VERBOSE = False

# Two-factor login (TOTP): required for every role but filer; for filers too when this is on.
OTP_REQUIRED_FOR_ALL = env_bool("OTP_REQUIRED_FOR_ALL", default=False)
OTP_BACKUP_CODES = 10
OTP_TOTP_ISSUER = "残联预算绩效目标"

# `manage.py disable_inactive_accounts` disables accounts unused this many days (0: off).
ACCOUNT_INACTIVE_DAYS = env_int("ACCOUNT_INACTIVE_DAYS", 90)

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after
# login whatever happens; the page warns SESSION_WARNING_SECONDS before the idle end and
# offers 继续. With SESSION_ONE_PER_ACCOUNT a new login ends the account's other session.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
SESSION_ONE_PER_ACCOUNT = env_bool("SESSION_ONE_PER_ACCOUNT", default=False)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Django's database sessions, the read of every request written out (identity/session_store.py).
SESSION_ENGINE = "budgetapp.identity.session_store"
# A refused form post gets a Chinese page with a way back (the editor keeps what was typed).
CSRF_FAILURE_VIEW = "budgetapp.identity.views.csrf_failure"

LOGIN_URL = "login"
# Each role lands on its own start page (targets.views.home.start).
LOGIN_REDIRECT_URL = "targets:start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Stored files (published PDFs/Excel, export files, uploads) go through Django's storage API
# only, so another backend can replace the local disk: e.g. an S3-compatible store with
# FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage (django-storages[s3], installed by the
# deployment) and its options as JSON in FILE_STORAGE_OPTIONS (docs/deployment.md).
STORAGES = {
    "default": {
        "BACKEND": env_str(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env_json_object("FILE_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background tasks (Django's Tasks API, backported by django-tasks): stored in the database and
# run by `python manage.py db_worker` (the `worker` service in docker-compose.yml).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Printed tables (PDF parts of books), keyed by their content: budgetapp/exports/cache.py.
# By default under MEDIA_ROOT (the one folder the Docker image can write; never served
# directly). Drafts are printed too: the folder must never be served.
EXPORT_CACHE_DIR = Path(env_str("EXPORT_CACHE_DIR", default=str(MEDIA_ROOT / "export-cache")))
# The shared cache (cached portal pages, budgetapp/portal/cache.py): Redis through Django's own
# backend when REDIS_URL is given (redis://host:6379/0), which every web process of every machine
# then shares; else each process keeps its own in memory (enough for one process; the portal
# cache stays correct with several, docs/performance.md). Never a folder under MEDIA_ROOT.
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// or rediss:// address.")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several deployments (or test runs) may share one Redis: keys carry this prefix.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", default="budgetapp"),
            "TIMEOUT": 60 * 60 * 24,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    ),
    # The 智能审核's findings of saved tables (checks/cached.py), under keys that digest all they
    # read: apart from the default cache, so that a deadline day's saves (a new key each) do not
    # push the published portal pages out of a process's own LocMemCache; in the shared Redis
    # when there is one (entries of a table that changed are never read again: LRU drops them).
    "checks": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", default="budgetapp") + "-checks",
            "TIMEOUT": 60 * 60 * 24,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "checks",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    ),
    # Printed tables: in the shared Redis too when there is one, so every web process and task
    # worker of every machine reuses what any of them printed (give Redis a memory limit with
    # an LRU policy: docs/deployment.md); else in EXPORT_CACHE_DIR on this machine's disk.
    "exports": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", default="budgetapp") + "-printed",
            "TIMEOUT": 60 * 60 * 24 * 30,  # an entry of a table that changed is never read again
        }
        if REDIS_URL
        else {
            "BACKEND": "budgetapp.exports.cache.PrintedTablesCache",  # file-based
            "LOCATION": EXPORT_CACHE_DIR,
            "TIMEOUT": 60 * 60 * 24 * 30,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    ),
}
# Processes printing the tables of a book in parallel in the task worker (`manage.py
# run_task_worker`): the deployment's one PDF pool; 0 = one per CPU, 1 = no extra process.
# Web processes have none: they print one table at a time (budgetapp/core/process.py).
EXPORT_PDF_WORKERS = env_int("EXPORT_PDF_WORKERS", 0)
# The task worker's CPU priority (`nice`, 0–19; 19 the lowest): exports take only the CPU the
# filers leave.
TASK_WORKER_NICE = env_int("TASK_WORKER_NICE", 19)
# On Linux the task worker also moves to the SCHED_IDLE policy, below nice 19: a nice-19 process
# still gets about 1/70 of a busy core beside each filer's request, a SCHED_IDLE one almost none.
TASK_WORKER_SCHED_IDLE = env_bool("TASK_WORKER_SCHED_IDLE", default=True)
# A unit's book of more tables than this is printed by the task worker, with a progress page;
# up to this many tables it is printed in the request.
EXPORT_BOOK_INLINE_TABLES = env_int("EXPORT_BOOK_INLINE_TABLES", 3)
# The print font (a GB2312 cut of Noto Serif CJK SC, exports/print_fonts.py), built once per
# installation by `manage.py build_print_fonts`; without it exports use the full font, slower.
EXPORT_FONT_DIR = Path(env_str("EXPORT_FONT_DIR", default=str(BASE_DIR / "var" / "print-fonts")))
# The export accelerators (exports/accelerators/: speed-ups using private internals of
# WeasyPrint and openpyxl, each on only with the library versions it was proven on). false:
# every export takes the stock path, public APIs only: the same files, slower.
EXPORT_ACCELERATORS = env_bool("EXPORT_ACCELERATORS", default=True)

# A local folder where background exports write their file before it is stored (STORAGES);
# empty: MEDIA_ROOT/exports/work. Never served.
EXPORT_WORK_DIR = env_str("EXPORT_WORK_DIR", default="")

# An uploaded Excel file waiting for its filer's confirmation (imports.ImportBatch) is deleted
# after this many days; each new upload clears the expired ones, `purge_imports` does it too.
IMPORT_PENDING_DAYS = env_int("IMPORT_PENDING_DAYS", 7)
# A finished city export's ZIP is deleted after this many days (the worker's every run and
# `purge_exports` do it); a job running or queued for longer than the timeout is marked failed.
EXPORT_JOB_EXPIRY_DAYS = env_int("EXPORT_JOB_EXPIRY_DAYS", 7)
EXPORT_JOB_TIMEOUT_MINUTES = env_int("EXPORT_JOB_TIMEOUT_MINUTES", 120)
# The worker exporting a job marks it alive this often; a job not marked for 4 intervals has
# lost its worker and is failed (exports/workers.py), as is one whose worker process is gone
# from this machine (checked at each worker start).
EXPORT_JOB_HEARTBEAT_SECONDS = env_int("EXPORT_JOB_HEARTBEAT_SECONDS", 30)
# An uploaded workbook is read in a child process (imports/isolation.py) stopped after this many
# seconds or when it maps this many MB more than the web worker.
IMPORT_PARSE_TIMEOUT = env_int("IMPORT_PARSE_TIMEOUT", 20)
IMPORT_PARSE_MEMORY_MB = env_int("IMPORT_PARSE_MEMORY_MB", 512)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
# The site's public address (e.g. https://jx.example.cn): links in notice e-mails are built on
# it, so they can be clicked. Required in production, like SECRET_KEY.
SITE_URL = env_url(
    "SITE_URL",
    default="http://127.0.0.1:8000" if DEBUG else None,
    required_because="Set it to the public address of the site (e.g. https://jx.example.cn): "
    "notice e-mails link to it.",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Transport and headers (docs/security.md). Behind the HTTPS proxy (SECURE_PROXY_SSL_HEADER):
# plain-HTTP requests are redirected and browsers told to use HTTPS only (HSTS). Both default
# on without DEBUG; a deployment whose proxy does not send X-Forwarded-Proto turns the redirect
# off rather than loop.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# `check --deploy` runs clean in CI (Makefile `lint`). Two warnings are answered here: the
# printed-tables cache lives under MEDIA_ROOT, which is never served (every download goes
# through the app: README, Deployment); and HSTS preloading is a commitment for the whole
# domain (often a government one shared with other systems), for whoever runs it to take.
SILENCED_SYSTEM_CHECKS = ["caches.W002"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
# Content-Security-Policy (django-csp): scripts, styles and fonts from this site only, no
# inline script or style anywhere (tests/test_headers.py checks the templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security audit log (budgetapp/audit, docs/security.md). The reverse proxies (IPs or CIDRs)
# whose X-Real-IP / X-Forwarded-For name the client; from anyone else the socket address counts.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Audit records younger than this are never purged; 等保 level 3 asks for at least 180 days.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (等保 level 3).")
# Anchors of the audit chain's head (budgetapp/audit/anchor.py): one line per committed record,
# in a directory of its own, outside the database and MEDIA_ROOT (so outside `backup` archives).
AUDIT_ANCHOR_FILE = Path(
    env_str("AUDIT_ANCHOR_FILE", default=str(BASE_DIR / "var" / "audit-anchor" / "anchors.jsonl"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs a line per rendering step at INFO; keep production logs readable.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

"""Test settings: the real settings with a fast hasher, in-memory e-mail and tasks run at once.

Migrations are not disabled: the tests run against the schema production gets.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SITE_URL", "http://testserver")

from budgetapp.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client speaks plain HTTP: no redirect to HTTPS (tests/test_headers.py checks it).
SECURE_SSL_REDIRECT = False
# Tests serve no collected static files; WhiteNoise would only warn about the missing folder.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405
# Background tasks run at once, inside the request that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests run `run_task_worker` inside the test process: it must not lower the priority of the
# rest of the suite (a process cannot raise it again). Tests that check the lowering set these.
TASK_WORKER_NICE = 0
TASK_WORKER_SCHED_IDLE = False
# Printed tables are cached in memory (per test process), never in MEDIA_ROOT.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "checks": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "checks"},
    "exports": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "exports",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 100000},
    },
}

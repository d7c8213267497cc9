"""Settings of the page benchmark's server (bench/pages.py): the production settings, plus a
hello-world view as the floor and a response header with the number of queries each request
made (bench/site.py). Static files are served by the plain storage (no collected manifest)."""

from budgetapp.settings import *  # noqa: F403

ROOT_URLCONF = "bench.site"
MIDDLEWARE = ["bench.site.QueryCount", *MIDDLEWARE]  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

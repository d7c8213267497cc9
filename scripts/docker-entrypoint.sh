#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the given command
# (gunicorn by default, see Dockerfile CMD). SKIP_MIGRATE=true leaves migrating to another
# container (the background worker waits for `web`, which migrates).
set -eu

if [ "${SKIP_MIGRATE:-false}" != "true" ]; then
    python manage.py migrate --noinput
    # Tables published before versions were frozen get theirs (once; a no-op afterwards).
    python manage.py store_published_files
fi

exec "$@"

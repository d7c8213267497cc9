#!/bin/sh
# Container entrypoint: bring the database schema up to date, then run the given command
# (gunicorn by default, see Dockerfile CMD).
set -eu

python manage.py migrate --noinput

exec "$@"

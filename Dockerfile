# Production image: gunicorn serving budgetapp, static files via WhiteNoise.
# Build: docker compose build   (see docker-compose.yml and .env.example)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/.cache

# WeasyPrint runtime (Pango + HarfBuzz, incl. the subset library for small/fast PDFs),
# a Simplified-Chinese font, and pg_dump/pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
        fontconfig \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && fc-cache -f

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected (hashed and compressed) into the image; the key is a
# build-time placeholder only, the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-build-only SITE_URL=http://build.invalid DEBUG=false \
        python manage.py collectstatic --noinput --verbosity 0

# The print font of the PDF exports (a GB2312 cut of Noto Serif CJK SC): built into the image.
RUN SECRET_KEY=fonts-build-only SITE_URL=http://build.invalid DEBUG=false python manage.py build_print_fonts

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/media /app/audit-anchor \
    && chown app:app /app/media /app/audit-anchor
USER app

EXPOSE 8000

# Runs `migrate`, then execs CMD.
ENTRYPOINT ["/bin/sh", "/app/scripts/docker-entrypoint.sh"]
# Workers and timeout: gunicorn.conf.py (read from /app; WEB_CONCURRENCY sets the workers,
# default 2 per CPU + 1, at least 2); other options: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "budgetapp.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket", \
     "--access-logfile", "-"]

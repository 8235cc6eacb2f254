# Production image for Neck Rehab Tracker (web, Celery worker and beat all run from it).
# Build from the repository root:  docker build -t neck-rehab-tracker .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=rehab.settings \
    MEDIA_ROOT=/data/media

# libpq5 lets psycopg 3 work whether the lock pins psycopg[binary] or the pure-Python build.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid/gid so volume ownership is predictable across rebuilds.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first so code changes do not invalidate this layer.
COPY requirements.lock /app/requirements.lock
RUN pip install --no-cache-dir -r requirements.lock

# Code and collected static files (var/static) are owned by root and read-only for the app user;
# it may only create files in var/ itself and write the media volume.
COPY . /app

# collectstatic needs importable settings, not real secrets: the key below exists only in this
# build step and is never baked into the image's environment.
RUN mkdir -p /app/var /data/media \
    && SECRET_KEY=collectstatic-build-only-not-a-secret python manage.py collectstatic --noinput \
    && chown app:app /app/var /data/media

# Mount a volume at /data/media (deploy/docker-compose.yml does). No VOLUME line on purpose: it
# would leave an anonymous volume behind every one-off container. A new named volume mounted
# there starts with this directory's ownership (app:app).

# Numeric, so orchestrators can verify runAsNonRoot.
USER 10001:10001

EXPOSE 8000

# urllib because slim has no curl. The Host header is the first ALLOWED_HOSTS entry so Django
# does not answer 400 DisallowedHost; X-Forwarded-Proto keeps an HTTPS redirect (when the proxy
# header is trusted) from turning the check into a redirect to https://127.0.0.1. /healthz answers
# 503 when unhealthy, which urlopen raises as an error, so the check exits non-zero.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS', '').replace(',', ' ').split() or ['localhost'])[0].lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"]

CMD ["gunicorn", "rehab.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# Credit Genie's one image: web (gunicorn), worker, beat and one-off management commands,
# chosen by the command (deploy/entrypoint.py). Built once by the pipeline and promoted
# unchanged through every stage (docs/deploy.md).

# 1. Front-end assets from npm (USWDS, htmx): only their dist folders reach the image.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# 2. Python dependencies, pinned in pyproject.toml, into a virtualenv copied as a whole.
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install pip==26.3 \
    && /opt/venv/bin/pip install --group run

# 3. The runtime: no compilers, no npm, no pip cache; runs as an unprivileged user.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=creditgenie.settings \
    CREDITGENIE_VAR_DIR=/app/var \
    GUNICORN_WORKER_TMP_DIR=/dev/shm
RUN groupadd --system --gid 10001 creditgenie \
    && useradd --system --uid 10001 --gid creditgenie --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin creditgenie
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --from=assets /build/node_modules/@uswds/uswds/dist node_modules/@uswds/uswds/dist
COPY --from=assets /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY manage.py ./
COPY creditgenie creditgenie
COPY tenants tenants
COPY intake intake
COPY integrations integrations
COPY counselor counselor
COPY templates templates
COPY static static
COPY locale locale
COPY deploy/entrypoint.py deploy/entrypoint.py
# Static files collected at build (hashed names, compressed) and read-only at run time; the
# settings need a key to load, never used for anything else here.
RUN DJANGO_DEBUG=false SECRET_KEY=collectstatic-at-build-only \
    python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q creditgenie tenants intake integrations counselor \
    && mkdir -p /app/var/run \
    && chown creditgenie:creditgenie /app/var/run
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["python", "/app/deploy/entrypoint.py"]
CMD ["web"]

# servicedesk production image: gunicorn (web), Celery worker and beat share it.
FROM python:3.12-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=servicedesk.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 servicedesk

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY servicedesk ./servicedesk
COPY tickets ./tickets
COPY hotline ./hotline
COPY onsite ./onsite
COPY training ./training
COPY staff ./staff
RUN pip install -c constraints.txt .
COPY . .
# Static files are collected at build time; the throwaway key never reaches a running container.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R servicedesk /app/var

USER servicedesk
EXPOSE 8000
CMD ["gunicorn", "servicedesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

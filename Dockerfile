# One image for web (gunicorn), Celery worker and Celery beat. See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Pango and a font for the PDF reports (WeasyPrint).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, pinned by constraints.txt, so that code changes reuse this layer.
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . && pip uninstall --yes faire-administration

COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --uid 1000 --no-create-home faireadmin

USER faireadmin
EXPOSE 8000
CMD ["gunicorn", "-c", "python:faireadmin.gunicorn", "faireadmin.wsgi"]

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build ANYMAIL_WEBHOOK_SECRET=build:build DJANGO_ALLOWED_HOSTS=x EARSHOT_BASE_URL=http://x DATABASE_URL=sqlite:////tmp/x \
    CELERY_BROKER_URL=memory:// python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]

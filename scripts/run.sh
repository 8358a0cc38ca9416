#!/usr/bin/env bash
# Starts the web server and a Celery worker (with embedded beat) and stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export HOST PORT
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-contentum.settings.base}

$BIN/python manage.py migrate --noinput
$BIN/python manage.py ensure_admin
$BIN/python manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping Contentum..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

# Address, workers and GC tuning come from gunicorn.conf.py (HOST, PORT, WEB_CONCURRENCY).
$BIN/gunicorn contentum.wsgi:application --access-logfile - &
pids+=($!)

$BIN/celery -A contentum worker -B \
  --queues celery,generation,polling,maintenance \
  --loglevel "${CELERY_LOG_LEVEL:-info}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" \
  --schedule "${CONTENTUM_VAR_DIR:-var}/celerybeat-schedule" &
pids+=($!)

shown_host=$HOST
[ "$shown_host" = "0.0.0.0" ] && shown_host=127.0.0.1
cat <<MSG

Contentum is running (Ctrl-C stops the web server and the worker):
  Client   http://$shown_host:$PORT/
  API      http://$shown_host:$PORT/api/
  Swagger  http://$shown_host:$PORT/swagger/
  ReDoc    http://$shown_host:$PORT/redoc/
  Admin    http://$shown_host:$PORT/admin/

MSG
wait -n "${pids[@]}"

#!/usr/bin/env bash
# Starts the web server and a Celery worker (with embedded beat) and stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Settings read by this script and gunicorn.conf.py (HOST, PORT, WEB_CONCURRENCY,
# CELERY_CONCURRENCY) may sit in .env like everything else; the environment wins.
if [ -f .env ]; then
  while IFS='=' read -r name value || [ -n "$name" ]; do
    case "$name" in '' | \#* | *[!A-Za-z0-9_]*) continue ;; esac
    value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
    if [ -z "${!name+x}" ]; then export "$name=$value"; fi
  done <.env
fi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export HOST PORT
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-contentum.settings.base}

# Settings only read var/: create it (and the secret key, unless SECRET_KEY is set) first.
$BIN/python -m contentum.settings.var
# A wrong provider or enricher configuration stops here, with one line naming the setting.
$BIN/python manage.py check --fail-level ERROR
$BIN/python manage.py migrate --noinput
$BIN/python manage.py ensure_admin
$BIN/python manage.py ensure_brand_kit
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

# As root (a container, a CI runner) Celery warns that the worker runs with superuser
# privileges. Its real danger, code run from a pickled message, is closed here: settings
# accept JSON only (CELERY_ACCEPT_CONTENT), and a root worker that accepted pickle would
# refuse to start (SecurityError; this script never sets C_FORCE_ROOT). Dropping
# privileges (--uid) would need another user who can write var/ (database, media), which
# root created. So, as root only, exactly that warning is silenced.
celery_warnings=${PYTHONWARNINGS:-}
if [ "$(id -u)" = 0 ]; then
  celery_warnings="${celery_warnings:+$celery_warnings,}ignore:You're running the worker with superuser privileges"
fi
prefix=${GENERATION_QUEUE_PREFIX:-}
PYTHONWARNINGS=$celery_warnings $BIN/celery -A contentum worker -B -n "main@%h" \
  --queues "celery,${prefix}generation,${prefix}polling,${prefix}maintenance" \
  --loglevel "${CELERY_LOG_LEVEL:-info}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" &
pids+=($!)
# Blocking provider calls (openai, gigachat: one call of 10–60 s per image) wait in
# threads of a worker of their own, never in the prefork pool that polls Kandinsky.
PYTHONWARNINGS=$celery_warnings $BIN/celery -A contentum worker -n "blocking@%h" --pool threads \
  --queues "${prefix}generation-blocking" \
  --loglevel "${CELERY_LOG_LEVEL:-info}" \
  --concurrency "${GENERATION_BLOCKING_CONCURRENCY:-32}" &
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

#!/bin/sh
# One image, many roles. Usage: entrypoint.sh ROLE
#   membership-web | contracts-web | finance-web | governance-web        a service's HTTP API (gunicorn)
#   membership-worker | contracts-worker | finance-worker | governance-worker
#                                                                        its outbox relay + event consumer
#   gateway          the web UI and /api routing (gunicorn, GATEWAY_PORT, default 8000)
#   gateway-worker   the gateway's notifications: event consumer, relay and mailer
#   keys             make the token key pair in the keys volume if absent (deploy/hub_init.py)
#   topics           create the hub's Kafka topics with fixed partition counts
#   migrate          run every service's migrations, then the gateway's
#   init             keys, then topics, then migrate (the compose file's one-shot `init` service)
# Anything else is run as a command, e.g. `entrypoint.sh python -m gateway.manage --help`.
set -eu

SERVICES="membership contracts finance governance"
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)

run_migrations() {
  for service in $SERVICES; do
    echo "migrate: $service"
    python -m "$service" migrate
  done
  echo "migrate: gateway"
  python -m gateway.manage migrate
}

role="${1:-}"
if [ -z "$role" ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi

case "$role" in
  membership-web|contracts-web|finance-web|governance-web)
    exec python -m "${role%-web}" web ;;
  membership-worker|contracts-worker|finance-worker|governance-worker)
    exec python -m "${role%-worker}" worker ;;
  gateway-worker)
    exec python -m gateway.notifications worker ;;
  gateway)
    exec python -m gunicorn --config python:hubkit.gunicorn_config \
      --bind "${HUB_BIND_HOST:-0.0.0.0}:${GATEWAY_PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" \
      --access-logfile - --graceful-timeout 10 \
      "gateway.app:create_app()" ;;
  keys)
    exec python "$HERE/hub_init.py" keys ;;
  topics)
    exec python "$HERE/hub_init.py" topics ;;
  migrate)
    run_migrations ;;
  init)
    python "$HERE/hub_init.py" keys
    python "$HERE/hub_init.py" topics
    run_migrations
    echo "init: done" ;;
  *)
    exec "$@" ;;
esac

"""Container healthcheck: `python /app/deploy/healthcheck.py PORT` exits 0 if GET /healthz answers 2xx."""
import sys
import urllib.request

port = sys.argv[1] if len(sys.argv) > 1 else "8000"
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as response:
        sys.exit(0 if 200 <= response.status < 300 else 1)
except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)

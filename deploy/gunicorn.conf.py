"""gunicorn settings for the production web tier (see docs/operations.md).

Run: gunicorn -c deploy/gunicorn.conf.py 'web:create_app()'
Workers build their own Runtime after the fork (no shared connections).
"""

import multiprocessing
import os

bind = os.environ.get("GXTRACK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GXTRACK_WEB_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GXTRACK_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# The projection process applies events; web workers only wait for it. The
# environment file may say otherwise (a single-host set-up without the follower).
os.environ.setdefault("GXTRACK_INLINE_PROJECTIONS", "0")

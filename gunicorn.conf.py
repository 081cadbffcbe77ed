"""gunicorn's configuration for production: `gunicorn csmportal.wsgi` reads this file.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads let a worker serve the htmx polls (bell, sync progress) while a slow page renders.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Keep idle connections open longer than clients and load balancers wait between requests
# (most balancers: 60 s). With gunicorn's default of 2 s, a browser or balancer reusing a
# connection the server is just closing gets a dropped request.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

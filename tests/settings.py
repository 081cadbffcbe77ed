"""Test settings: the real settings module, with test defaults for what it reads from the env.

PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL say so, or when they answer on
their usual local ports; otherwise tests marked `postgres` / `redis` are skipped (and fail
instead under REQUIRE_SERVICES=1, as in CI).
"""

import os
import socket


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("SANDBOX", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "http://testserver")
if "DATABASE_URL" not in os.environ and _reachable("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/csmportal"
# Redis for the tests that need a real server. TEST_REDIS_URL carries it to xdist workers and
# subprocesses, because REDIS_URL itself is blanked below.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL", "")
if not TEST_REDIS_URL and _reachable("127.0.0.1", 6379):
    TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
os.environ["TEST_REDIS_URL"] = TEST_REDIS_URL
os.environ["REDIS_URL"] = ""  # the app under test uses in-process cache and broker by default
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from csmportal.settings import *  # noqa: E402,F403
from csmportal.settings import DATABASES  # noqa: E402

os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
GITLAB_TOKEN = ""  # the GitLab trackers are off unless a test points the portal at a sandbox
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0

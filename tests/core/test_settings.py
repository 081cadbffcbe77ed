"""Settings come from the environment; production is secure by default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    base.update(DJANGO_SETTINGS_MODULE="csmportal.settings", VAR_DIR=str(ROOT / "var" / "test"))
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_it_passes_the_deploy_checklist_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-grade-secret-" + "z" * 20,
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_reads_secrets_from_files(tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("from-a-file-" + "s" * 50 + "\n")
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DEBUG="false",
        SECRET_KEY_FILE=str(secret_file),
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-file-" + "s" * 50


def test_it_uses_sqlite_in_var_by_default_and_postgres_from_database_url():
    code = "from django.conf import settings; d=settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    default = run_manage("shell", "--no-imports", "-c", code, DEBUG="true")
    assert default.stdout.split()[0] == "django.db.backends.sqlite3"
    assert default.stdout.split()[1].endswith("db.sqlite3")
    pg = run_manage(
        "shell", "--no-imports", "-c", code, DEBUG="true", DATABASE_URL="postgres://u@db.internal:5432/portal"
    )
    assert pg.stdout.split() == ["django.db.backends.postgresql", "portal"]


def test_it_applies_secure_defaults_when_debug_is_off():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code, DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="p.example"
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True"]


def test_it_uses_redis_for_the_broker_when_redis_url_is_set_and_files_otherwise():
    code = "from django.conf import settings as s; print(s.CELERY_BROKER_URL)"
    assert run_manage("shell", "--no-imports", "-c", code, DEBUG="true").stdout.strip() == "filesystem://"
    with_redis = run_manage(
        "shell", "--no-imports", "-c", code, DEBUG="true", REDIS_URL="redis://cache.internal:6379/0"
    )
    assert with_redis.stdout.strip() == "redis://cache.internal:6379/0"


def test_the_csp_lets_forms_post_to_the_sso_provider_only_when_one_is_configured():
    code = (
        "from django.conf import settings as s; "
        "print(*s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    plain = run_manage("shell", "--no-imports", "-c", code, DEBUG="true")
    assert plain.stdout.split() == ["'self'"], plain.stderr
    sso = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="true",
        OIDC_CLIENT_ID="portal",
        OIDC_SERVER_URL="https://login.example.com/realms/staff",
        CSP_FORM_ACTION="https://auth.example.net",
    )
    expected = ["'self'", "https://login.example.com", "https://auth.example.net"]
    assert sso.stdout.split() == expected, sso.stderr

"""The sandbox's local certificate authority (trustme) and server TLS context."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import trustme

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"


def load_or_create_ca(ca_dir: Path) -> trustme.CA:
    """Reuse the CA under ``ca_dir`` if there is one, so clients keep trusting restarts."""
    ca_dir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = ca_dir / CA_FILE, ca_dir / CA_KEY_FILE
    if cert_path.exists() and key_path.exists():
        try:
            return trustme.CA.from_pem(cert_path.read_bytes(), key_path.read_bytes())
        except (ValueError, TypeError):
            pass  # unreadable: make a new one
    ca = trustme.CA(organization_name="CSM Portal sandbox")
    key_tmp = key_path.with_suffix(".tmp")
    fd = os.open(key_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(ca.private_key_pem.bytes())
    os.replace(key_tmp, key_path)
    cert_tmp = cert_path.with_suffix(".tmp")
    ca.cert_pem.write_to_path(str(cert_tmp))
    os.replace(cert_tmp, cert_path)
    return ca


def server_context(ca: trustme.CA, host: str) -> ssl.SSLContext:
    names = {"127.0.0.1", "localhost", "::1"}
    if host and host not in ("0.0.0.0", "::"):  # noqa: S104 - wildcard addresses get no name
        names.add(host)
    cert = ca.issue_cert(*sorted(names))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context

"""Request and response objects and a tiny router shared by the sandbox's API modules."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    path: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)
    base_url: str = ""

    def __post_init__(self) -> None:
        parts = urlsplit(self.target)
        self.path = parts.path
        self.query = parse_qs(parts.query, keep_blank_values=True)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        if not self.body:
            return {}
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}

    def basic_auth(self) -> tuple[str, str] | None:
        header = self.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user, password

    def bearer(self) -> str | None:
        header = self.headers.get("authorization", "")
        if header.lower().startswith(("bearer ", "oauth ")):
            return header.split(None, 1)[1].strip()
        return None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    action: str | None = None  # "reset": drop the connection without answering


def json_response(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, headers=list(headers or []))


def text_response(text: str, status: int = 200, content_type: str = "text/html; charset=utf-8") -> Response:
    return Response(status, text.encode("utf-8"), content_type)


Handler = Callable[..., Response]


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + r"\Z"), handler))

    def match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], int]:
        """(handler, path groups, 200); (None, {}, 404 or 405) when nothing matches."""
        seen = False
        for route_method, regex, handler in self.routes:
            m = regex.match(path)
            if m:
                if route_method == method or (method == "HEAD" and route_method == "GET"):
                    return handler, m.groupdict(), 200
                seen = True
        return None, {}, 405 if seen else 404

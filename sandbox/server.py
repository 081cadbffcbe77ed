"""The sandbox's HTTPS server: one port for Zendesk, Salesforce and the control endpoints."""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import gitlab, salesforce, zdinstance
from .config import SandboxConfig
from .data import generate_instance_world, generate_world
from .instances import GLOBAL
from .tls import load_or_create_ca, server_context
from .web import Request, Response, Router, json_response, text_response
from .zdcommon import AUTH_FAILED

log = logging.getLogger(__name__)
GATEWAY_HTML = (
    "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center>"
    "<hr><center>nginx</center></body></html>"
)
ANY_V4 = "0.0.0.0"  # noqa: S104 - only a comparison
REASONS = {502: "Bad Gateway", 504: "Gateway Time-out"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, context: ssl.SSLContext, sandbox: SandboxServer) -> None:
        self.context = context
        self.sandbox = sandbox
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, handler)

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake happens here, in the connection's own thread.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.connections_lock:
            self.connections.add(request)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            self._forget(request)
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)  # type: ignore[arg-type]
        finally:
            self._forget(request)

    def _forget(self, sock) -> None:
        with self.connections_lock:
            self.connections.discard(sock)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            log.exception("sandbox request failed")

    def close_connections(self) -> None:
        with self.connections_lock:
            for sock in list(self.connections):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sandbox"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        sandbox: SandboxServer = self.server.sandbox  # type: ignore[attr-defined]
        started = time.perf_counter()
        body = self._read_body()
        req = Request(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            base_url=sandbox.url,
        )
        response = sandbox.dispatch(req)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.action == "reset":
            self._reset()
            return
        head = [
            f"HTTP/1.1 {response.status} {self.responses.get(response.status, ('',))[0]}",
            f"Date: {self.date_time_string()}",
            f"Content-Length: {len(response.body)}",
        ]
        if response.content_type:
            head.append(f"Content-Type: {response.content_type}")
        head += [f"{name}: {value}" for name, value in response.headers]
        head.append(f"X-Sandbox-Ms: {elapsed_ms:.1f}")  # time spent in the sandbox (benchmarks)
        if self.headers.get("Connection", "").lower() == "close":
            self.close_connection = True
            head.append("Connection: close")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            payload += response.body
        self.wfile.write(payload)
        if sandbox.access_log:
            ms = (time.perf_counter() - started) * 1000
            print(f"{self.command} {self.path[:160]} {response.status} {ms:.1f}ms", flush=True)

    def _reset(self) -> None:
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def log_message(self, format, *args) -> None:
        pass


class SandboxServer:
    """Builds the data, binds the port and serves. ``url`` is known once constructed."""

    def __init__(self, config: SandboxConfig, access_log: bool = False) -> None:
        self.config = config
        self.access_log = access_log
        ca = load_or_create_ca(config.ca_dir)
        self.ca_path = config.ca_path
        self.httpd = _HTTPServer((config.host, config.port), _Handler, server_context(ca, config.host), self)
        port = self.httpd.server_address[1]
        host = "127.0.0.1" if config.host in (ANY_V4, "") else "[::1]" if config.host == "::" else config.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        self.url = f"https://{host}:{port}"
        self.netloc = f"{host}:{port}"
        # One world per Zendesk instance; the first one's Salesforce is shared by all of them,
        # so every world is generated before any state indexes Salesforce.
        first = generate_world(config, self.url)
        worlds = {GLOBAL: first}
        for inst in config.instances[1:]:
            own = config.for_instance(inst.key)
            worlds[inst.key] = generate_instance_world(own, first, inst.shared_accounts)
        self.instances: dict[str, zdinstance.Instance] = {}
        for key, world in worlds.items():
            self.instances[key] = zdinstance.build(self, key, world)
        main = self.instances[GLOBAL]
        # The first instance's parts, by their old names (Salesforce lives in its state).
        self.state = main.state
        self.webhooks = main.webhooks
        self.zd_webhooks = main.zd_webhooks
        self.zd_triggers = main.zd_triggers
        self.router = Router()  # Salesforce, GitLab: shared
        salesforce.register(self.router, self.state)
        # Each further Zendesk instance's support-ops tracker (the portal's default for it).
        trackers = tuple(gitlab.instance_tracker(inst.key) for inst in config.extra_instances)
        self.gitlab = gitlab.GitLabStore(self.url, config.gitlab_token, trackers)
        gitlab.register(self.router, self.gitlab)
        self.thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.05)

    def start(self) -> None:
        self.thread = threading.Thread(target=self.serve_forever, name="sandbox-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.close_connections()
        self.httpd.server_close()
        for inst in self.instances.values():
            inst.webhooks.stop()
        if self.thread is not None:
            self.thread.join(timeout=5)

    # -- requests ------------------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        path = req.path
        area = (
            "zendesk"
            if path.startswith("/api/v2/")
            else "salesforce"
            if path.startswith("/services/")
            else "control"
            if path.startswith("/_sandbox")
            else "attachments"
            if path.startswith("/attachments/")
            else "other"
        )
        router, state, accepted = self.router, self.state, True
        if area in ("zendesk", "control"):
            try:
                inst, accepted = zdinstance.select(self.instances, req, named=area == "control")
            except zdinstance.UnknownInstance as exc:
                return json_response({"error": "InvalidValue", "description": str(exc)}, 400)
            if inst is not None:
                router, state = inst.router, inst.state
        state.count(area)
        extra: list[tuple[str, str]] = []
        if area in ("zendesk", "salesforce"):
            kind = state.faults.pick(path)
            if kind == "slow":
                time.sleep(state.faults.slow_seconds)
            elif kind is not None:
                return self._fault(kind, area, state)
            bucket = (
                "salesforce"
                if area == "salesforce"
                else "incremental"
                if path.startswith("/api/v2/incremental/")
                else "default"
            )
            allowed, retry, limit, remaining = state.rate_limiter.check(bucket)
            if not allowed:
                return self._limited(area, retry, limit)
            if area == "zendesk":
                extra = [
                    ("X-Rate-Limit", str(limit or 700)),
                    ("X-Rate-Limit-Remaining", str(remaining if limit else 699)),
                ]
                if not accepted:
                    return json_response(
                        AUTH_FAILED, 401, [("WWW-Authenticate", 'Basic realm="Web Password"')]
                    )
        if area == "control" and path.rstrip("/") != "/_sandbox" and not accepted:
            return json_response(AUTH_FAILED, 401, [("WWW-Authenticate", 'Basic realm="Web Password"')])
        if area == "attachments":
            name = req.arg("name") or "attachment"
            return Response(200, f"sandbox attachment: {name}\n".encode(), "text/plain; charset=utf-8")
        handler, groups, status = router.match(req.method, path)
        if handler is None:
            if area == "salesforce":
                return json_response(
                    [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], status
                )
            return json_response({"error": "InvalidEndpoint", "description": "Not found"}, status)
        try:
            response = handler(req, **groups)
        except Exception:
            log.exception("sandbox handler failed: %s %s", req.method, path)
            if area == "salesforce":
                return json_response(
                    [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}], 500
                )
            return json_response({"error": "InternalError", "description": "Something went wrong"}, 500)
        response.headers.extend(extra)
        return response

    @staticmethod
    def _fault(kind: str, area: str, state) -> Response:
        retry = str(state.faults.retry_after)
        if kind == "reset":
            return Response(action="reset")
        if kind in ("502", "504"):
            code = int(kind)
            return text_response(GATEWAY_HTML.format(code=code, reason=REASONS[code]), code)
        if area == "salesforce":
            if kind == "500":
                return json_response(
                    [
                        {
                            "errorCode": "UNKNOWN_EXCEPTION",
                            "message": "An unexpected error occurred. Please include this ErrorId if you "
                            "contact support: 1234567890-12345 (-987654321)",
                        }
                    ],
                    500,
                )
            return json_response(
                [{"errorCode": "SERVER_UNAVAILABLE", "message": "Server temporarily unavailable"}],
                503,
                [("Retry-After", retry)],
            )
        if kind == "429":
            return json_response(
                {
                    "error": "APIRateLimitExceeded",
                    "description": "Number of allowed API requests per minute exceeded",
                },
                429,
                [("Retry-After", retry)],
            )
        if kind == "503":
            return json_response(
                {"error": "ServiceUnavailable", "description": "Zendesk is temporarily unavailable"},
                503,
                [("Retry-After", retry)],
            )
        return json_response({"error": "InternalError", "description": "Something went wrong"}, 500)

    def _limited(self, area: str, retry: int, limit: int) -> Response:
        headers = [("Retry-After", str(retry))]
        if area == "salesforce":
            return json_response(
                [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                403,
                headers,
            )
        headers += [("X-Rate-Limit", str(limit)), ("X-Rate-Limit-Remaining", "0")]
        return json_response(
            {
                "error": "APIRateLimitExceeded",
                "description": "Number of allowed API requests per minute exceeded",
            },
            429,
            headers,
        )

    # -- demo helpers ------------------------------------------------------------------------------
    def open_customer_ticket(
        self, org, subject=None, description=None, priority=None, requester=None, region=None, instance=GLOBAL
    ) -> dict:
        """A customer of ``org`` (id or name) opens a ticket in ``instance``; the triggers run."""
        fields = {"subject": subject, "description": description, "priority": priority}
        return self.instances[instance].open_customer_ticket(
            org, requester=requester, region=region, **fields
        )

"""What the clients raise. Everything outside the clients depends on these, not on zenpy,
simple-salesforce or requests exceptions."""


class SyncError(Exception):
    """Base of the sync's errors."""


class TransientError(SyncError):
    """Worth retrying later: timeouts, dropped connections, 5xx answers."""


class RateLimited(TransientError):
    """The source (or our own pacing of its budget) says: not before ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, float(retry_after))


class PermanentError(SyncError):
    """Retrying will not help: bad credentials, a malformed request, a missing configuration."""


class CursorStalled(PermanentError):
    """The source handed back the cursor it was given and said there is more: it would loop."""


class ForeignHost(PermanentError):
    """A URL the source handed back (a next page, an instance URL) is on another host than the
    configured one: the client refuses to send it the credentials."""

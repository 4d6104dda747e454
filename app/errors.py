"""The portal's one error type: a rule refused the request (SPEC: the web layer answers 4xx).

A DomainError carries the Russian message the user reads, the HTTP status it is answered with
and, for the API, extra fields of the JSON answer (`payload`, e.g. the current values of
cells in a version conflict). Every service's errors derive from it; app/web_errors.py
answers it for pages and the API. This module imports nothing from the portal, so any
module may import it.
"""


class DomainError(Exception):
    """A refusal: `message` (Russian), `status` (HTTP), `payload` (extra JSON fields)."""
    status = 422

    def __init__(self, message, status: int | None = None, payload: dict | None = None):
        message = str(message)  # a lazy message is translated in the request that raises it
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.payload = payload or {}

    def __str__(self) -> str:
        return str(self.message)


class BadInput(DomainError):
    """The request itself is malformed: a value that cannot be read."""
    status = 400


class Forbidden(DomainError):
    """The user may not do this, or may not see this row."""
    status = 403


class NotFound(DomainError):
    """No such row."""
    status = 404


class Conflict(DomainError):
    """The row changed meanwhile, or already exists."""
    status = 409


class Refused(DomainError):
    """A well-formed request that a rule of the regulation refuses."""
    status = 422

"""What can stop a request, by kind: the HTTP edge answers each kind the same way everywhere."""

from __future__ import annotations


class NotFound(LookupError):
    """No such order, shipment, location...: 404."""


class NotYours(PermissionError):
    """It exists, but belongs to another channel or location than the caller's: 403."""


class Conflict(Exception):
    """The lifecycle does not allow it now, or someone else changed it first: 409."""

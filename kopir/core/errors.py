"""Domain errors that services raise and views turn into clear messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation. The message is for the user (translated)."""


class ConflictError(DomainError):
    """Someone else saved the record after it was read: nothing was overwritten."""


class AccessDenied(DomainError):
    """The user may not do this to this record."""

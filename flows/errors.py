"""Errors the user can act on."""

from __future__ import annotations


class UserError(Exception):
    """An error the user can fix; printed as one line by the CLI."""

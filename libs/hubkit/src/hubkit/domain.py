"""What domain code may raise; no Flask, no SQLAlchemy. The web layer turns these into problem+json."""
from __future__ import annotations


class RuleViolation(Exception):
    """A domain rule refuses the change (answered 409); `rule` is its DOMAIN.md id where it has one."""

    def __init__(self, message: str, rule: str | None = None):
        super().__init__(message)
        self.message, self.rule = message, rule

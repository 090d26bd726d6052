"""What domain code may raise; no Flask, no SQLAlchemy. The web layer turns these into problem+json."""
from __future__ import annotations


class RuleViolation(Exception):
    """A domain rule refuses the change (answered 409); `rule` is its DOMAIN.md id where it has one."""

    def __init__(self, message: str, rule: str | None = None):
        super().__init__(message)
        self.message, self.rule = message, rule


class InvalidField(Exception):
    """Input the schema could not judge alone (it needs stored records) is wrong: answered 422 naming each field."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{field}: {messages}" for field, messages in errors.items()))
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: str) -> "InvalidField":
        """One field and what is wrong with it."""
        return cls({field: [message]})


class NotAllowed(Exception):
    """This person may not do this to this record (answered 403), e.g. approving their own timesheet."""

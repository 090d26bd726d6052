"""Consortium Hub's shared service kit.

What every service would otherwise write for itself: configuration, the app factory, tenancy-scoped
database sessions, token checking, the problem+json error format, the event envelope and schemas,
the transactional outbox and its relay, and the idempotent consumer.
"""

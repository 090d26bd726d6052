"""Contracts's test fixtures: the app on a fresh, migrated database (each area adds its own helpers)."""
from __future__ import annotations

from hubkit.testing import service_app_fixture
from contracts.app import SERVICE

app = service_app_fixture(SERVICE)

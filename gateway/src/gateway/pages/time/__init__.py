"""The time pages."""
from . import views, xero  # noqa: F401 - xero's routes join views' blueprint before it is registered

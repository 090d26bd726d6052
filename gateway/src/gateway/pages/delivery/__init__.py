"""The delivery pages: views.py's blueprint, with a contract's history brought in from a file (history_imports.py)
added to it here, so neither module imports the other back."""
from . import history_imports, views

history_imports.register(views.bp)

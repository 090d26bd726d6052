"""Fair allocation of work among members (C1-C7): HTTP resources."""

# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = []

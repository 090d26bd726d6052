"""Users, roles and the password policy: plain Python, no Flask, no database."""

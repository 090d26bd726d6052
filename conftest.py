# Fixtures every suite shares (real PostgreSQL, a real Tansu broker, signed tokens) live in hubkit.
pytest_plugins = ["hubkit.testing"]

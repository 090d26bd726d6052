"""Login, logout, the API token endpoint, the browser session and CSRF protection."""

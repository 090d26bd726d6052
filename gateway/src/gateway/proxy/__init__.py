"""The /api/<service>/... router and the upstream calls the UI pages share with it."""

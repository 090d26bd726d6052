"""The host administrator's health page and the gateway's own health probes."""

"""Calls to the four services, each carrying a short-lived token minted for the user and that service."""
from __future__ import annotations

import dataclasses
from typing import Mapping
from urllib.parse import quote

import requests
from hubkit.idempotency import HEADER as IDEMPOTENCY_KEY
from hubkit.tokens import SERVICE_TOKEN_TTL, Principal, mint
from requests.adapters import HTTPAdapter


class UpstreamError(Exception):
    """A service could not be asked: `reason` is a sentence fit to show a person."""

    status = 502

    def __init__(self, service: str, reason: str):
        self.service = service
        self.reason = reason
        super().__init__(f"{service}: {reason}")


class UpstreamUnreachable(UpstreamError):
    status = 502


class UpstreamTimeout(UpstreamError):
    status = 504


@dataclasses.dataclass(frozen=True)
class Trace:
    """Ids that follow one request through every service's logs."""

    request_id: str
    correlation_id: str


class Upstreams:
    """One pooled HTTP session to the services, shared by the API router and the pages."""

    def __init__(self, service_urls: Mapping[str, str], *, private_key_pem: bytes, issuer: str, timeout_s: float):
        self.service_urls = dict(service_urls)
        self._private_key_pem = private_key_pem
        self._issuer = issuer
        self._timeout_s = timeout_s
        self._http = requests.Session()
        self._http.trust_env = False  # never route service calls through a proxy from the environment
        adapter = HTTPAdapter(pool_connections=len(self.service_urls), pool_maxsize=32)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def knows(self, service: str) -> bool:
        return service in self.service_urls

    def service_token(self, principal: Principal, service: str) -> str:
        """A token only `service` accepts, valid for SERVICE_TOKEN_TTL."""
        return mint(principal, self._private_key_pem, issuer=self._issuer, audience=service, ttl=SERVICE_TOKEN_TTL)

    def send(self, service: str, method: str, path: str, principal: Principal | None, trace: Trace, *,
             query: bytes | str = b"", body: bytes | None = None, content_type: str | None = None,
             accept: str | None = None, idempotency_key: str | None = None) -> requests.Response:
        """Forward one request to `service`; principal None sends no token (public endpoints); an idempotency
        key makes a retried change return its first answer (hubkit.idempotency).

        Raises UpstreamUnreachable or UpstreamTimeout when the service does not answer.
        """
        url = self.service_urls[service] + "/" + quote(path.lstrip("/"), safe="/:@!$&'()*+,;=-._~")
        if query:
            url += "?" + (query.decode("latin-1") if isinstance(query, bytes) else query)
        headers = {"X-Request-ID": trace.request_id, "X-Correlation-ID": trace.correlation_id}
        if principal is not None:
            headers["Authorization"] = "Bearer " + self.service_token(principal, service)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        if idempotency_key is not None:
            headers[IDEMPOTENCY_KEY] = idempotency_key
        try:
            return self._http.request(method, url, data=body, headers=headers, timeout=self._timeout_s,
                                      allow_redirects=False)
        except requests.Timeout as exc:
            raise UpstreamTimeout(service, f"The {service} service did not answer in time.") from exc
        except requests.ConnectionError as exc:
            raise UpstreamUnreachable(service, f"The {service} service cannot be reached.") from exc

    def close(self) -> None:
        self._http.close()

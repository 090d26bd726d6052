"""What no service stores: request input refused (400) before any database sees it.

JSON that Python parses but PostgreSQL or our arithmetic cannot take: NUL characters and lone surrogates in strings
(PostgreSQL's text refuses the first, UTF-8 the second), integers beyond 64 bits (Python refuses more than 4,300
digits; PostgreSQL's bigint far fewer), numbers that are not finite, and nesting deeper than any body of ours (the
parser's recursion gives out). The same for text in the query string, the path and form fields.
"""
from __future__ import annotations

import json
import math
import re

JSON_METHODS = ("POST", "PUT", "PATCH")
MAX_DEPTH = 32
MAX_INTEGER = 2**63 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnsafeInput(ValueError):
    """Input refused, with the reason to give the client."""


def unsafe_text(text: str) -> str | None:
    """Why a piece of text cannot be stored, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "NUL characters are not accepted." if found.group() == "\x00" else \
        "Text must be valid Unicode (no lone surrogates)."


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > MAX_INTEGER:
        raise UnsafeInput("Integers must fit in 64 bits.")
    return value


def _real(text: str) -> float:
    if len(text) > 400 or not math.isfinite(value := float(text)):
        raise UnsafeInput("Numbers must be finite.")
    return value


def _constant(name: str):
    raise UnsafeInput(f"{name} is not a number JSON allows.")


def check_json(raw: bytes) -> None:
    """Raise UnsafeInput if a JSON body is malformed or holds what no service stores (see the module's doc)."""
    try:
        document = json.loads(raw, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except UnsafeInput:
        raise
    except RecursionError:
        raise UnsafeInput(f"JSON may be nested at most {MAX_DEPTH} deep.") from None
    except ValueError:  # also UnicodeDecodeError
        raise UnsafeInput("The request body is not valid JSON.") from None
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if reason := unsafe_text(value):
                raise UnsafeInput(reason)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise UnsafeInput(f"JSON may be nested at most {MAX_DEPTH} deep.")
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None and (reason := unsafe_text(key)):
                    raise UnsafeInput(reason)
                pending.append((item, depth + 1))


FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def refuse_unsafe_input(*, forms: tuple[str, ...] = FORMS) -> None:
    """A before_request hook (every service's, and the gateway's): 400 problem+json for input no database stores,
    before any view sees it: a JSON body, the query string, the path's values, and the fields and file names of a
    form of the `forms` media types (read here, so a view that allows larger uploads must have set its limit)."""
    from flask import request
    from werkzeug.exceptions import BadRequest

    try:
        if request.method in JSON_METHODS and request.is_json and (request.content_length or request.data):
            check_json(request.get_data(cache=True))
        texts = [*request.args.keys(), *request.args.values(),
                 *(v for v in (request.view_args or {}).values() if isinstance(v, str))]
        if request.mimetype in forms:
            texts += [*request.form.keys(), *request.form.values(), *(f.filename or "" for f in request.files.values())]
        for text in texts:
            if reason := unsafe_text(text):
                raise UnsafeInput(reason)
    except UnsafeInput as exc:
        raise BadRequest(str(exc)) from None

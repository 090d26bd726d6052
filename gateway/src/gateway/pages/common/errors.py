"""One error pattern for every form: a service's refusal in plain words, on the form's own fields.

A service answers a change it refuses with problem+json: 422 with marshmallow's `errors` by field (nested for
lists of objects: {"entries": {"0": {"minutes": ["..."]}}}), or 409 with a `detail` sentence and the rule's id
in `type` (urn:consortium-hub:rule:F1). `form_errors` turns either into {form field id: [plain sentences]}
("Enter the opportunity's title", never "Field may not be null.", an enum's list or "0: minutes: ..."), with
"_form" for what belongs to no field; `error_list` makes GOV.UK's error summary from that (each message linked
to its field, a date to its day box) and `error_for` each field's own errorMessage. A rule's id is only ever a
small hint after the sentence, never the message alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from markupsafe import Markup

# What a person does to a field, which decides the words: "Enter the title", "Select the stage".
TEXT, CHOICE, CHOICES, DATE, MONTH, WHOLE, NUMBER, MONEY, EMAIL, FILE = (
    "text", "choice", "choices", "date", "month", "whole", "number", "money", "email", "file")
FORM = "_form"
RULE_TYPE = "urn:consortium-hub:rule:"
RULE_ID = re.compile(r"[A-Z]{1,3}\d{1,2}")  # DOMAIN.md's ids: F1, M2, C3...
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Field:
    """How a form names one of the service's fields. `label` fits "Enter {label}" ("the opportunity's title");
    `id` is the form element's id (default: the service's path with "-" for "."); in both, {0}, {1}... are the
    list indexes of a nested path ("entries.*.minutes") and {n0}, {n1}... the same counted from 1."""
    label: str
    kind: str = TEXT
    id: str | None = None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: str, kind: str) -> str:
    """A limit from a validator in the field's own terms: pence as money, otherwise the number."""
    if kind == MONEY:
        try:
            from .money import money
            return money(int(value))
        except ValueError:
            return value
    return value


Rule = tuple[re.Pattern, Callable[[re.Match, str, str], str]]
MARSHMALLOW: list[Rule] = [
    (re.compile(r"Missing data for required field\.|Field may not be null\.|Shorter than minimum length 1\.|"
                r"Not a valid string\.|Invalid input type\."),
     lambda m, label, kind: _missing(label, kind)),
    (re.compile(r"Must be one of: .*|Not a valid UUID\.|One or more of the choices you made was not in: .*|"
                r"Not a valid boolean\.|Invalid input\.|Not a valid list\."),
     lambda m, label, kind: f"Choose {label}" if kind == FILE else f"Select {label}"),
    (re.compile(r"Not a valid (date|datetime|time|naive datetime|aware datetime)\.|"
                r"\".*\" cannot be formatted as a \w+\.|Give the (month|week|date|day) as YYYY.*"),
     lambda m, label, kind: f"{_sentence(label)} must be a real {'month' if kind == MONTH else 'date'}"),
    (re.compile(r"Not a valid integer\."),
     lambda m, label, kind: _number_wanted(label, kind)),
    (re.compile(r"Not a valid number\.|Special numeric values .*|Number too large\."),
     lambda m, label, kind: _number_wanted(label, kind)),
    (re.compile(r"Not a valid email address\."),
     lambda m, label, kind: f"Enter {label} in the correct format, like name@example.com"),
    (re.compile(r"Not a valid URL\."),
     lambda m, label, kind: f"Enter {label} as a web address, like https://www.example.org"),
    (re.compile(r"Longer than maximum length (\d+)\."),
     lambda m, label, kind: f"Select no more than {m[1]}" if kind == CHOICES else
     f"{_sentence(label)} must be {m[1]} characters or fewer"),
    (re.compile(r"Shorter than minimum length (\d+)\."),
     lambda m, label, kind: f"Select at least {m[1]}" if kind == CHOICES else
     f"{_sentence(label)} must be {m[1]} characters or more"),
    (re.compile(r"Length must be between (\d+) and (\d+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be between {m[1]} and {m[2]} characters"),
    (re.compile(r"Length must be (\d+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be {m[1]} characters"),
    (re.compile(r"Must be greater than or equal to (-?[\d.]+) and less than or equal to (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be between {_number(m[1], kind)} and {_number(m[2], kind)}"),
    (re.compile(r"Must be greater than (-?[\d.]+) and less than or equal to (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be more than {_number(m[1], kind)} and no more than "
                            f"{_number(m[2], kind)}"),
    (re.compile(r"Must be greater than or equal to (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be {_number(m[1], kind)} or more"),
    (re.compile(r"Must be greater than (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be more than {_number(m[1], kind)}"),
    (re.compile(r"Must be less than or equal to (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be {_number(m[1], kind)} or less"),
    (re.compile(r"Must be less than (-?[\d.]+)\."),
     lambda m, label, kind: f"{_sentence(label)} must be less than {_number(m[1], kind)}"),
    (re.compile(r"String does not match expected pattern\.|Invalid value\.|Not a valid mapping type\.|"
                r"Not a valid tuple\.|Invalid type\.|Must be equal to .*"),
     lambda m, label, kind: f"Enter {label} in the correct format"),
]


def _missing(label: str, kind: str) -> str:
    if kind in (CHOICE, CHOICES):
        return f"Select {label}"
    if kind == FILE:
        return f"Choose {label}"
    return f"Enter {label}"


def _number_wanted(label: str, kind: str) -> str:
    if kind == MONEY:
        return f"Enter {label} in pounds, like 450,000 or 450,000.00"
    if kind in (DATE, MONTH):
        return f"{_sentence(label)} must be a real {'month' if kind == MONTH else 'date'}"
    if kind == WHOLE:
        return f"Enter {label} as a whole number, like 12"
    return f"Enter {label} as a number, like 12 or 7.5"


def plain(message: Any, label: str = "this", kind: str = TEXT) -> str:
    """One message from a service as a plain sentence about the field `label` names: marshmallow's own messages
    become GOV.UK's words; a service's own sentence is kept, with its ISO dates as "4 December 2026" and
    without ids (a person cannot act on a UUID)."""
    text = str(message).strip()
    if text == "Unknown field.":
        return "This form sent something that cannot be saved here. Go back to the page and try again"
    for pattern, words in MARSHMALLOW:
        found = pattern.fullmatch(text)
        if found:
            return words(found, label, kind)
    return tidy(text)


def tidy(text: str) -> str:
    """A service's own sentence as a page shows it: ISO dates as "4 December 2026", ids dropped ("No such
    payment: <uuid>." -> "No such payment."), no leading rule id ("C3: the panel..." -> "The panel...")."""
    from .dates import day

    text = UUID.sub("", str(text))
    text = re.sub(r"\s*\(\s*\)", "", text)  # "(<uuid>)" once the id is dropped
    text = re.sub(r"\s*:\s*(?=[.,;]|$)", "", text)  # "No such payment: <uuid>."
    text = re.sub(r"\s+([.,;])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = ISO_DAY.sub(lambda m: day(m[0]), text)
    leading = re.match(r"([A-Z]{1,3}\d{1,2}):\s*", text)
    if leading:
        text = _sentence(text[leading.end():])
    return text


def rule_id(body: Mapping | None) -> str | None:
    """DOMAIN.md's id of the rule a 409 names (in its `type`, or leading its detail), or None."""
    body = body or {}
    found = str(body.get("type") or "")
    if found.startswith(RULE_TYPE) and RULE_ID.fullmatch(found[len(RULE_TYPE):]):
        return found[len(RULE_TYPE):]
    leading = re.match(r"([A-Z]{1,3}\d{1,2}):", str(body.get("detail") or ""))
    return leading[1] if leading else None


class FormErrors(dict):
    """{field id: [messages]} ("_form" for the whole form) that also knows where each field's summary link goes
    (a date's day box, a month's month box) and the rule each whole-form message is about."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchors: dict[str, str] = {}
        self.rules: dict[str, str] = {}

    def add(self, key: str, message: str, anchor: str | None = None) -> None:
        if message not in self.setdefault(key, []):
            self[key].append(message)
        if anchor:
            self.anchors[key] = anchor


def _flatten(errors: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """marshmallow's nested errors as (path, message) pairs; a list's items keep their index in the path."""
    if isinstance(errors, Mapping):
        return [pair for key, value in errors.items() for pair in _flatten(value, path + (str(key),))]
    if isinstance(errors, (list, tuple)):
        if all(isinstance(item, str) for item in errors):
            return [(path, item) for item in errors]
        return [pair for index, item in enumerate(errors) for pair in _flatten(item, path + (str(index),))]
    return [(path, str(errors))]


def _field_for(path: tuple[str, ...], fields: Mapping[str, Field | str]) -> tuple[Field, tuple[str, ...]] | None:
    """The form's Field for a service path ("entries.0.minutes" matches "entries.*.minutes"), and the indexes."""
    dotted = ".".join(path)
    if dotted in fields:
        return _as_field(fields[dotted]), ()
    for pattern, field in fields.items():
        parts = pattern.split(".")
        if len(parts) == len(path) and all(p == "*" and q.isdigit() or p == q for p, q in zip(parts, path)):
            return _as_field(field), tuple(q for p, q in zip(parts, path) if p == "*")
    for cut in range(len(path) - 1, 0, -1):  # a list's own message ("entries": ["Shorter than..."]) or a parent
        if ".".join(path[:cut]) in fields:
            return _as_field(fields[".".join(path[:cut])]), ()
    return None


def _as_field(field: Field | str) -> Field:
    return field if isinstance(field, Field) else Field(field)


def _fill(template: str, indexes: tuple[str, ...]) -> str:
    return template.format(*indexes, **{f"n{i}": int(index) + 1 for i, index in enumerate(indexes)})


def default_kind(path: tuple[str, ...]) -> str:
    """What a person does to a field no form names, from its name: picks an id, types a date or an amount."""
    name = next((part for part in reversed(path) if not part.isdigit()), "")
    for ending, kind in (("_ids", CHOICES), ("_id", CHOICE), ("_on", DATE), ("_pence", MONEY), ("month", MONTH)):
        if name.endswith(ending):
            return kind
    return TEXT


def default_label(path: tuple[str, ...]) -> str:
    """Words for a field no form names: "the start date" for starts_on, "the hours in row 2" for entries.1.minutes."""
    names = [part for part in path if not part.isdigit()]
    rows = [int(part) + 1 for part in path if part.isdigit()]
    name = (names[-1] if names else "answer")
    if name.endswith("_on"):  # starts_on -> the start date
        name = {"starts": "start", "ends": "end", "expires": "expiry", "paid": "payment"}.get(name[:-3], name[:-3]) \
            + "_date"
    name = re.sub(r"_(id|ids|pence|at)$", "", name).replace("_", " ").strip() or "answer"
    return f"the {name}" + (f" in row {rows[-1]}" if rows else "")


def form_errors(problem: Any, fields: Mapping[str, Field | str] | None = None, *,
                refused: str = "That could not be saved.") -> FormErrors:
    """A service's refusal (its problem+json body, or an Answer with one) as the form's errors in plain words.

    `fields` maps the service's field paths to the form's Fields ("title": Field("the opportunity's title"),
    "entries.*.minutes": Field("the hours on {n0}", WHOLE, "entries-{0}-minutes")); a plain string is a label.
    A field the map does not name is still said plainly, for the whole form. A 409's detail is for the whole
    form, with its rule's id kept as the hint `error_list` shows beside it."""
    body = getattr(problem, "body", problem)
    body = body if isinstance(body, Mapping) else {}
    fields = fields or {}
    found = FormErrors()
    errors = body.get("errors")
    if isinstance(errors, (Mapping, list)) and errors:
        for path, message in _flatten(errors):
            named = _field_for(path, fields) if path else None
            if named:
                field, indexes = named
                label = _fill(field.label, indexes)
                key = _fill(field.id, indexes) if field.id else "-".join(path)
                anchor = {DATE: f"{key}-day", MONTH: f"{key}-month"}.get(field.kind)
                found.add(key, plain(message, label, field.kind), anchor)
            else:
                found.add(FORM, _sentence(plain(message, default_label(path), default_kind(path)) if path else
                                          tidy(message)))
        return found
    detail = body.get("detail") or body.get("title")
    found.add(FORM, tidy(detail) if detail and body.get("status") != 422 else refused)
    rule = rule_id(body)
    if rule:
        found.rules[FORM] = rule
    return found


def refusal_text(problem: Any, fields: Mapping[str, Field | str] | None = None, *,
                 refused: str = "That could not be saved.") -> str:
    """The refusal as one plain paragraph (for a notice after a redirect): each field's sentence, in order."""
    errors = form_errors(problem, fields, refused=refused)
    sentences = [message for messages in errors.values() for message in messages]
    text = ". ".join(sentence.rstrip(".") for sentence in sentences) + "."
    rule = errors.rules.get(FORM)
    return f"{text} (rule {rule})" if rule else text


FLASHED = "form-errors"  # the flash category of a refusal's FormErrors, shown after the redirect


def flash_errors(errors: FormErrors) -> None:
    """Keep a refusal's errors for the page the form redirects to (its error summary and fields show them)."""
    from flask import flash

    flash({"errors": dict(errors), "anchors": errors.anchors, "rules": errors.rules}, FLASHED)


TYPED = "form-typed"  # the flash category of what was typed into a refused form, put back after the redirect
# Never into the session cookie (signed, not encrypted: readable in the browser): the CSRF token, passwords and
# secrets, sign-in and recovery codes, and bank details (a payee's sort code and account number, money pages).
NOT_KEPT = re.compile(r"csrf_token|.*password.*|.*secret.*|code|recovery_code|token|.*sort_code.*|.*account_number.*")
TYPED_LIMIT = 1500  # characters: the session is a cookie (about 4 KB), shared with the refusal's own messages


def keep_typed(form: Mapping | None = None) -> None:
    """Keep what was typed into a refused form (not passwords, codes, bank details or the CSRF token: NOT_KEPT) for
    the page the form redirects to, so a person corrects one field instead of typing the form again; a form too
    long for the session cookie is not kept (its fields come back empty, as before)."""
    from flask import flash, request

    form = request.form if form is None else form
    getlist = getattr(form, "getlist", lambda key: [form[key]])
    typed = {}
    for key in form:
        if NOT_KEPT.fullmatch(key):
            continue
        values = [str(value) for value in getlist(key)]
        typed[key] = values if len(values) > 1 else values[0]
    if typed and sum(len(key) + len(str(value)) for key, value in typed.items()) <= TYPED_LIMIT:
        flash(typed, TYPED)


def typed(name: str, default: Any = None) -> Any:
    """What was typed into field `name` of the form refused just before this page, else `default` (the value
    the page would show anyway): a template's `value: typed("title", opportunity.title)`."""
    from flask import get_flashed_messages, has_request_context

    if not has_request_context():
        return default
    for message in get_flashed_messages(category_filter=[TYPED]):
        if isinstance(message, Mapping) and name in message:
            return message[name]
    return default


def typed_choices(name: str, default: Any = ()) -> list:
    """`typed` for checkboxes and multiple selects: always a list."""
    found = typed(name, None)
    if found is None:
        return list(default or ())
    return list(found) if isinstance(found, (list, tuple)) else [found]


def refuse(messages: Mapping[str, str], anchors: Mapping[str, str] | None = None) -> None:
    """A form the gateway refuses before sending it (an amount not in pounds, a date not real): each field's own
    message ({form field id: sentence}) and what was typed, for the page the form redirects to, as `send` does
    for a service's refusal. `anchors` says where a field's summary link goes (a date's day box)."""
    found = FormErrors()
    for key, message in messages.items():
        found.add(key, message, (anchors or {}).get(key))
    flash_errors(found)
    keep_typed()


def flashed_errors() -> FormErrors:
    """This page's flashed refusals as one FormErrors: those `flash_errors` kept, and any sentence flashed as an
    "error" (for the whole form)."""
    from flask import get_flashed_messages

    found = FormErrors()
    for category, message in get_flashed_messages(with_categories=True, category_filter=[FLASHED, "error"]):
        if isinstance(message, Mapping):
            for key, messages in (message.get("errors") or {}).items():
                for text in messages:
                    found.add(key, text, (message.get("anchors") or {}).get(key))
            found.rules.update(message.get("rules") or {})
        else:
            found.add(FORM, str(message))
    return found


def error_for(errors: Mapping | None, key: str) -> dict | None:
    """The errorMessage a GOV.UK macro wants for one field, or None; without `errors` (or none this time), those
    flashed by the refused change that led to this page."""
    if not errors:
        from flask import has_request_context
        errors = flashed_errors() if has_request_context() else {}
    messages = (errors or {}).get(key)
    return {"text": _joined(messages)} if messages else None


def _joined(messages: list[str] | str) -> str:
    """One field's messages as one text: a single one as it is, several as sentences."""
    if isinstance(messages, str):
        return messages
    if len(messages) == 1:
        return messages[0]
    return " ".join(message if message.endswith((".", "?", "!")) else message + "." for message in messages)


def error_list(errors: Mapping | None, date_keys: tuple = (), prefix: str = "") -> list[dict]:
    """GOV.UK's error summary list: each message linked to its field (a date to its day box, as `date_keys` or
    the errors' own anchors say); a whole-form message unlinked, with its rule's id as a small hint."""
    anchors = getattr(errors, "anchors", {})
    rules = getattr(errors, "rules", {})
    found = []
    for key, messages in (errors or {}).items():
        text = _joined(messages)
        item: dict = {"text": text}
        if key == FORM:
            if rules.get(key):
                item = {"html": Markup('{} <span class="govuk-body-s hub-rule-hint">(rule {})</span>').format(
                    text, rules[key])}
        else:
            anchor = anchors.get(key) or (f"{key}-day" if key in date_keys or key.endswith("expires_on") else key)
            item["href"] = f"#{prefix}{anchor}"
        found.append(item)
    return found


def install(app) -> None:
    """error_for and error_list for every template."""
    app.add_template_global(error_for, "error_for")
    app.add_template_global(error_list, "error_list")
    app.add_template_global(flashed_errors, "flashed_errors")
    app.add_template_global(typed, "typed")
    app.add_template_global(typed_choices, "typed_choices")

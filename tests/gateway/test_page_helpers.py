"""The pages' one error pattern, one date format and one money format (issue 14, items 3 and 4): unit tests of
gateway.pages.common.errors, dates and money."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from gateway.pages.common import dates, errors, money
from gateway.pages.common.errors import CHOICE, DATE, MONEY, MONTH, WHOLE, Field, form_errors

# --------------------------------------------------------------------------------------------- errors

MARSHMALLOW_MESSAGES = [
    ("Missing data for required field.", "Enter the opportunity's title"),
    ("Field may not be null.", "Enter the opportunity's title"),
    ("Shorter than minimum length 1.", "Enter the opportunity's title"),
    ("Longer than maximum length 200.", "The opportunity's title must be 200 characters or fewer"),
    ("Length must be between 3 and 10.", "The opportunity's title must be between 3 and 10 characters"),
    ("String does not match expected pattern.", "Enter the opportunity's title in the correct format"),
]


@pytest.mark.parametrize("raw, plain", MARSHMALLOW_MESSAGES)
def test_marshmallow_messages_become_govuk_sentences_about_the_field(raw, plain):
    assert errors.plain(raw, "the opportunity's title") == plain


def test_the_words_follow_what_the_person_does_to_the_field():
    assert errors.plain("Must be one of: identified, qualifying, bidding.", "the stage", CHOICE) == "Select the stage"
    assert errors.plain("Not a valid UUID.", "the deciding body", CHOICE) == "Select the deciding body"
    assert errors.plain("Not a valid date.", "the start date", DATE) == "The start date must be a real date"
    assert errors.plain("Give the month as YYYY-MM.", "the invoice month", MONTH) == \
        "The invoice month must be a real month"
    assert errors.plain("Not a valid integer.", "the number of staff", WHOLE) == \
        "Enter the number of staff as a whole number, like 12"
    assert errors.plain("Not a valid integer.", "the value", MONEY).startswith("Enter the value in pounds")
    assert errors.plain("Must be greater than or equal to 1.", "the value", MONEY) == "The value must be £0.01 or more"
    assert errors.plain("Must be greater than or equal to 0 and less than or equal to 100.", "the fee") == \
        "The fee must be between 0 and 100"
    assert errors.plain("Not a valid email address.", "the contact's email address") == \
        "Enter the contact's email address in the correct format, like name@example.com"


def test_no_message_lists_an_enum_or_says_a_validators_words():
    for raw in ("Must be one of: a_b, c_d.", "Field may not be null.", "Not a valid UUID.", "Invalid value.",
                "Unknown field.", "Not a valid boolean."):
        said = errors.plain(raw, "the kind", CHOICE)
        assert raw not in said and "a_b" not in said and "UUID" not in said


def test_a_services_own_sentence_is_kept_without_ids_and_with_dates_in_words():
    assert errors.tidy("No such payment: 5b0d7a8e-59c5-4b8e-a3b1-1d2f3e4a5b6c.") == "No such payment."
    assert errors.tidy("2026-11-30 is in a closed month (November 2026).") == \
        "30 November 2026 is in a closed month (November 2026)."
    assert errors.tidy("C3: the panel is confirmed; its membership can no longer change.") == \
        "The panel is confirmed; its membership can no longer change."


def test_nested_list_errors_land_on_each_rows_own_field_in_plain_words():
    """Not "Check entries: 0: minutes: ..." but the row's own box, named by the form."""
    problem = {"status": 422, "errors": {"entries": {"0": {"minutes": ["Must be greater than or equal to 0."]},
                                                     "2": {"day": ["Not a valid date."]}},
                                         "title": ["Field may not be null."]}}
    found = form_errors(problem, {
        "entries.*.minutes": Field("the minutes on line {n0}", WHOLE, "entries-{0}-minutes"),
        "entries.*.day": Field("the day on line {n0}", DATE, "entries-{0}-day"),
        "title": Field("the opportunity's title"),
    })
    assert found == {"entries-0-minutes": ["The minutes on line 1 must be 0 or more"],
                     "entries-2-day": ["The day on line 3 must be a real date"],
                     "title": ["Enter the opportunity's title"]}
    summary = errors.error_list(found)
    assert {"text": "Enter the opportunity's title", "href": "#title"} in summary
    assert {"text": "The day on line 3 must be a real date", "href": "#entries-2-day-day"} in summary  # its day box
    assert errors.error_for(found, "title") == {"text": "Enter the opportunity's title"}
    assert errors.error_for(found, "nothing") is None


def test_a_field_the_form_does_not_name_is_still_said_plainly_for_the_whole_form():
    found = form_errors({"status": 422, "errors": {"entries": [{"cost_code_id": ["Not a valid UUID."]}]}})
    assert found == {"_form": ["Select the cost code in row 1"]}
    assert errors.error_list(found) == [{"text": "Select the cost code in row 1"}]
    assert form_errors({"status": 422, "errors": {"starts_on": ["Not a valid date."]}}) == \
        {"_form": ["The start date must be a real date"]}


def test_a_rule_refusal_is_its_sentence_with_the_rule_id_only_as_a_hint():
    problem = {"status": 409, "title": "Conflict", "type": "urn:consortium-hub:rule:F2",
               "detail": "The variation changes nothing."}
    found = form_errors(problem)
    assert found == {"_form": ["The variation changes nothing."]} and found.rules == {"_form": "F2"}
    [item] = errors.error_list(found)
    assert str(item["html"]).startswith("The variation changes nothing. <span") and "(rule F2)" in str(item["html"])
    assert errors.refusal_text(problem) == "The variation changes nothing. (rule F2)"
    not_an_id = {"status": 409, "type": "urn:consortium-hub:rule:allocation_round", "detail": "The round is decided."}
    assert form_errors(not_an_id).rules == {}


def test_a_refusal_without_words_says_it_was_not_saved():
    assert form_errors({"status": 422, "title": "Unprocessable Entity"}) == {"_form": ["That could not be saved."]}
    assert form_errors(None, refused="The return was not sent.") == {"_form": ["The return was not sent."]}


def test_what_was_typed_is_kept_for_the_next_page_without_secrets_and_only_while_it_fits_the_cookie():
    from flask import Flask, get_flashed_messages

    app = Flask(__name__)
    app.secret_key = "test"
    form = MultiDict([("csrf_token", "abc"), ("password", "hunter2"), ("recovery_code", "1234-5678"),
                      ("title", "Spring meeting"), ("organisation_ids", "a"), ("organisation_ids", "b")])
    with app.test_request_context("/", method="POST", data=form):
        errors.keep_typed()
        kept = get_flashed_messages(category_filter=[errors.TYPED])
        assert kept == [{"title": "Spring meeting", "organisation_ids": ["a", "b"]}]
        assert errors.typed("title") == "Spring meeting" and errors.typed("location", "as stored") == "as stored"
        assert errors.typed_choices("organisation_ids") == ["a", "b"] and errors.typed_choices("none", ["x"]) == ["x"]
    with app.test_request_context("/", method="POST", data={"description": "x" * (errors.TYPED_LIMIT + 1)}):
        errors.keep_typed()
        assert get_flashed_messages(category_filter=[errors.TYPED]) == []  # too long for the session cookie
        assert errors.typed("description") is None


def test_bank_details_typed_into_a_refused_payee_form_are_not_kept_in_the_session_cookie():
    """The session cookie is signed, not encrypted: a payee's sort code and account number typed into a refused
    form would sit there readable in the browser, so they are not kept (the boxes show what finance holds)."""
    from flask import Flask, get_flashed_messages

    app = Flask(__name__)
    app.secret_key = "test"
    form = MultiDict([("csrf_token", "abc"), ("payee", "org-1"), ("name", "Wharfedale Carers CIO"),
                      ("sort_code", "12-34-56"), ("account_number", "12345678")])
    with app.test_request_context("/", method="POST", data=form):
        errors.keep_typed()
        assert get_flashed_messages(category_filter=[errors.TYPED]) == [
            {"payee": "org-1", "name": "Wharfedale Carers CIO"}]
        assert errors.typed("sort_code", "as held") == "as held" and errors.typed("account_number") is None


# --------------------------------------------------------------------------------------------- dates

def test_dates_are_shown_as_words_in_the_display_time_zone():
    assert dates.day("2026-12-04") == "4 December 2026" and dates.day(dt.date(2026, 12, 4)) == "4 December 2026"
    assert dates.day(None) == "" and dates.day("not a date") == "not a date"
    assert dates.month("2026-12") == "December 2026" and dates.month("2026-12-04") == "December 2026"
    assert dates.short_day("2026-12-04") == "4 Dec 2026"
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time): the day and time are London's
    assert dates.when("2026-06-30T23:30:00+00:00") == "1 July 2026 at 12:30am"
    assert dates.day("2026-06-30T23:30:00Z") == "1 July 2026"
    assert dates.time_of_day(dt.datetime(2026, 12, 4, 15, 35, tzinfo=dt.timezone.utc)) == "3:35pm"
    assert dates.when("2026-12-04") == "4 December 2026"


def test_a_time_typed_in_the_display_zone_reaches_the_service_in_utc():
    assert dates.utc_moment("2026-07-01", "14:30") == "2026-07-01T13:30:00+00:00"  # BST
    assert dates.utc_moment("2026-12-01", "14:30") == "2026-12-01T14:30:00+00:00"  # GMT
    assert dates.utc_moment("2026-02-31", "14:30") is None and dates.utc_moment("", "") is None
    assert dates.local_parts("2026-07-01T13:30:00+00:00") == {"date": "2026-07-01", "time": "14:30"}


@pytest.mark.parametrize("typed, iso, error", [
    ({"d-day": "4", "d-month": "12", "d-year": "2026"}, "2026-12-04", None),
    ({"d-day": "", "d-month": "", "d-year": ""}, None, "Enter the start date"),
    ({"d-day": "4", "d-month": "", "d-year": "2026"}, None, "The start date must include a month"),
    ({"d-day": "31", "d-month": "2", "d-year": "2026"}, None, "The start date must be a real date"),
    ({"d-day": "1", "d-month": "1", "d-year": "26"}, None, "The start date must be a real date"),
])
def test_a_govuk_date_input_is_read_with_govuk_messages(typed, iso, error):
    assert dates.read_date(typed, "d", "the start date", required=True)[1:] == (iso, error)


def test_a_month_picker_is_read_as_year_and_month():
    assert dates.read_month({"m-month": "3", "m-year": "2027"}, "m", "the month", required=True)[1:] == \
        ("2027-03", None)
    assert dates.read_month({"m-month": "13", "m-year": "2027"}, "m", "the month", required=True)[2] == \
        "The month must be a real month"
    assert dates.month_parts("2027-03") == {"month": "3", "year": "2027"}
    assert dates.date_parts("2027-03-09") == {"day": "9", "month": "3", "year": "2027"}


def test_posted_date_inputs_are_joined_into_the_field_a_view_reads():
    form = MultiDict({"starts_on-day": "4", "starts_on-month": "12", "starts_on-year": "2026",
                      "month-month": "1", "month-year": "2027",
                      "ends_on-day": "31", "ends_on-month": "2", "ends_on-year": "2027",
                      "empty-day": "", "empty-month": "", "empty-year": "",
                      "kept-day": "1", "kept-month": "1", "kept-year": "2026", "kept": "2020-01-01"})
    assert dates.joined(form) == {"starts_on": "2026-12-04", "month": "2027-01",
                                  "ends_on": "2027-02-31"}  # not real: passed on for the service to refuse


def test_the_date_filters_and_the_joining_are_installed_on_the_app():
    from flask import Flask, request

    app = Flask(__name__)
    app.extensions["gateway.settings"] = type("S", (), {"display_time_zone": ZoneInfo("Pacific/Auckland")})()
    dates.install(app)
    seen = {}

    @app.post("/f")
    def posted():
        seen.update(request.form)
        return "ok"

    @app.get("/g")
    def filtered():
        seen.update(request.args)
        return "ok"

    app.test_client().post("/f", data={"due-day": "9", "due-month": "3", "due-year": "2027"})
    assert seen["due"] == "2027-03-09"
    app.test_client().get("/g?month-month=10&month-year=2026")
    assert seen["month"] == "2026-10"  # a filter form's month picker
    with app.app_context():
        assert app.jinja_env.from_string("{{ '2026-12-04T12:00:00Z'|when }}").render() == \
            "5 December 2026 at 1:00am"  # the app's own display zone


# --------------------------------------------------------------------------------------------- money

@pytest.mark.parametrize("pence, shown, whole", [
    (18_000_000, "£180,000.00", "£180,000"), (30_000_000, "£300,000.00", "£300,000"),
    (1_234_567, "£12,345.67", "£12,345.67"), (-150, "-£1.50", "-£1.50"), (0, "£0.00", "£0"), (None, "", ""),
])
def test_f4_money_is_shown_one_way(pence, shown, whole):
    assert money.money(pence) == shown and money.pounds(pence) == whole and money.money(pence, whole=True) == whole


@pytest.mark.parametrize("typed, pence", [("7,500", 750_000), ("£7500.00", 750_000), ("0.01", 1), ("12.3", 1_230)])
def test_f4_pounds_typed_become_exact_pence_and_show_back_in_the_box(typed, pence):
    assert money.pounds_to_pence(typed) == pence and isinstance(money.pounds_to_pence(typed), int)
    assert money.pounds_to_pence(money.pounds_typed(pence)) == pence


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "-5", "0", "1e3", "NaN", "100000000000"])
def test_f4_anything_else_typed_is_refused(typed):
    with pytest.raises(ValueError):
        money.pounds_to_pence(typed)


def test_spreadsheet_cells_are_exact_decimals_of_pounds():
    assert money.pounds_cell(123_457) == Decimal("1234.57") and money.pounds_cell(None) is None


def test_issue_14_item_5_a_value_a_page_has_not_got_is_shown_as_nothing_never_none(app):
    """Every template and GOV.UK macro: a None (an empty typed box, an optional field) renders as nothing."""
    from flask import render_template_string

    with app.test_request_context("/"):
        page = render_template_string(
            '{% from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea %}'
            '<p>{{ missing }}</p>{{ govukTextarea({"id": "reason", "name": "reason", "label": {"text": "Reason"},'
            ' "value": typed("reason")}) }}', missing=None)
    assert "None" not in page and "<p></p>" in page

"""Request and response bodies of the contracts, subcontracts and performance API. Money is integer pence (F4);
indicator figures (people, sessions, percentages) are numbers."""
import functools

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain import contracts as rules

Pence = functools.partial(fields.Integer, strict=True)
MAX_PENCE = 10**13
Figure = functools.partial(fields.Float, allow_nan=False, validate=validate.Range(min=0, max=10**9))
Text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731
Name = lambda n, **kw: fields.String(validate=validate.Length(min=1, max=n), **kw)  # noqa: E731


class IncomeIn(Schema):
    due_on = fields.Date(required=True)
    amount_pence = Pence(required=True, validate=validate.Range(min=0, max=MAX_PENCE))


class IndicatorIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"))
    name = Name(300, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(rules.INDICATOR_KINDS))
    unit = Name(60, load_default="people")
    higher_is_better = fields.Boolean(load_default=True)


class ContractIn(Schema):
    title = Name(300, required=True)
    description = Text(10000, load_default="")
    commissioner_name = Name(200, required=True)
    opportunity_id = fields.UUID(load_default=None, allow_none=True)
    lot_id = fields.UUID(load_default=None, allow_none=True)
    value_pence = Pence(required=True, validate=validate.Range(min=0, max=MAX_PENCE))
    management_fee_basis_points = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    payment_terms = Text(2000, load_default="")
    income_schedule = fields.List(fields.Nested(IncomeIn), load_default=list, validate=validate.Length(max=200))
    reporting_frequency = fields.String(load_default="quarterly", validate=validate.OneOf(tuple(rules.FREQUENCIES)))
    return_due_days = fields.Integer(load_default=rules.DEFAULT_RETURN_DUE_DAYS, validate=validate.Range(min=0, max=120))
    rag_green_percent = fields.Integer(load_default=95, validate=validate.Range(min=1, max=200))
    rag_amber_percent = fields.Integer(load_default=80, validate=validate.Range(min=1, max=200))
    indicators = fields.List(fields.Nested(IndicatorIn), load_default=list, validate=validate.Length(max=50))


class TargetIn(Schema):
    indicator = Name(40, required=True, metadata={"description": "the indicator's id or code"})
    period = Name(40, required=True, metadata={"description": "the period's id or number"})
    target = Figure(required=True)


class TargetsIn(Schema):
    targets = fields.List(fields.Nested(TargetIn), required=True, validate=validate.Length(min=1, max=2000))


class ThresholdsIn(Schema):
    green_percent = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    amber_percent = fields.Integer(required=True, validate=validate.Range(min=1, max=200))


class InstalmentIn(Schema):
    due_on = fields.Date(load_default=None, allow_none=True)
    amount_pence = Pence(required=True, validate=validate.Range(min=0, max=MAX_PENCE))
    release = fields.String(load_default="on_date", validate=validate.OneOf(rules.RELEASES))
    period_id = fields.UUID(load_default=None, allow_none=True)


class SubcontractIn(Schema):
    organisation_id = fields.UUID(required=True)
    purpose = fields.String(load_default="delivery", validate=validate.OneOf(rules.PURPOSES))
    value_pence = Pence(required=True, validate=validate.Range(min=0, max=MAX_PENCE))
    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    targets = fields.List(fields.Nested(TargetIn), load_default=list, validate=validate.Length(max=2000))
    payment_schedule = fields.List(fields.Nested(InstalmentIn), load_default=list, validate=validate.Length(max=200))


class VariationIn(Schema):
    reason = Name(2000, required=True)
    value_pence = Pence(validate=validate.Range(min=0, max=MAX_PENCE))
    starts_on = fields.Date()
    ends_on = fields.Date()
    targets = fields.List(fields.Nested(TargetIn), validate=validate.Length(max=2000))
    payment_schedule = fields.List(fields.Nested(InstalmentIn), validate=validate.Length(max=200))


class ReturnIn(Schema):
    period_id = fields.UUID(required=True)
    actuals = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                          values=fields.Float(allow_nan=False, validate=validate.Range(max=10**9)), required=True)
    narrative = Text(10000, load_default="")
    confirm_early = fields.Boolean(load_default=False, metadata={
        "description": "the period has not ended: the subcontractor confirms these are its figures so far"})


class ResubmissionIn(Schema):
    actuals = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                          values=fields.Float(allow_nan=False, validate=validate.Range(max=10**9)), required=True)
    narrative = Text(10000, load_default="")


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "query")))
    comment = Text(5000, load_default="")


class ReturnsQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("submitted", "queried", "accepted")))


class ReturnsDueQuery(Schema):
    """P1: the returns owed and not sent due between two dates (both included; at most MAX_DAYS apart); without
    them, those overdue for up to 28 days or due within 7 (the daily reminders' window)."""

    MAX_DAYS = 400

    due_from = fields.Date(load_default=None)
    due_until = fields.Date(load_default=None)

    @validates_schema
    def _span(self, data, **_kwargs):
        if (data["due_from"] is None) != (data["due_until"] is None):
            raise ValidationError("Give both due_from and due_until, or neither.", "due_until")
        if data["due_from"] is not None:
            if data["due_until"] < data["due_from"]:
                raise ValidationError("Must be on or after due_from.", "due_until")
            if (data["due_until"] - data["due_from"]).days > self.MAX_DAYS:
                raise ValidationError(f"At most {self.MAX_DAYS} days after due_from.", "due_until")


class ReturnDueOut(Schema):
    subcontract_id = fields.UUID()
    period_id = fields.UUID()
    period_label = fields.String()
    period_starts_on = fields.Date()
    period_ends_on = fields.Date()
    return_due_on = fields.Date()
    overdue = fields.Boolean()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    purpose = fields.String()
    contract_id = fields.UUID()
    contract_title = fields.String()


class ReportQuery(Schema):
    from_period = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))
    to_period = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))


class ActionIn(Schema):
    id = fields.UUID(load_default=None, allow_none=True)
    action = Name(1000, required=True)
    owner = Name(200, required=True)
    due_on = fields.Date(required=True)
    done = fields.Boolean(load_default=False)


class PlanIn(Schema):
    reason = Name(2000, required=True)
    actions = fields.List(fields.Nested(ActionIn), required=True, validate=validate.Length(min=1, max=50))
    review_on = fields.Date(required=True)


class PlanReviewIn(Schema):
    note = Name(5000, required=True)
    next_review_on = fields.Date(load_default=None, allow_none=True)
    actions = fields.List(fields.Nested(ActionIn), load_default=None, allow_none=True)


class PlanCloseIn(Schema):
    note = Text(5000, load_default="")


class EvidenceFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


# --- out -----------------------------------------------------------------------------------------------

class IndicatorOut(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    unit = fields.String()
    higher_is_better = fields.Boolean()


class PeriodOut(Schema):
    id = fields.UUID()
    number = fields.Integer()
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    return_due_on = fields.Date()


class PeriodStateOut(Schema):
    period = fields.Nested(PeriodOut)
    overdue = fields.Boolean()


class TargetOut(Schema):
    indicator_id = fields.UUID()
    period_id = fields.UUID()
    target = fields.Float(allow_none=True)


class ContractOut(Schema):
    id = fields.UUID()
    opportunity_id = fields.UUID(allow_none=True)
    lot_id = fields.UUID(allow_none=True)
    title = fields.String()
    description = fields.String()
    commissioner_name = fields.String()
    value_pence = Pence()
    management_fee_basis_points = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    payment_terms = fields.String()
    income_schedule = fields.List(fields.Dict())
    reporting_frequency = fields.String()
    return_due_days = fields.Integer()
    rag_green_percent = fields.Integer()
    rag_amber_percent = fields.Integer()
    status = fields.String()
    awarded_at = fields.DateTime()
    went_live_at = fields.DateTime(allow_none=True)


class SubcontractOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    purpose = fields.String()
    value_pence = Pence()
    starts_on = fields.Date()
    ends_on = fields.Date()
    overall_rag = fields.String(allow_none=True)
    issued_at = fields.DateTime()


class ContractDetailOut(Schema):
    contract = fields.Nested(ContractOut)
    indicators = fields.List(fields.Nested(IndicatorOut))
    periods = fields.List(fields.Nested(PeriodStateOut))
    targets = fields.List(fields.Nested(TargetOut))
    subcontracts = fields.List(fields.Nested(SubcontractOut))
    management_fee_pence = Pence()
    available_for_subcontracts_pence = Pence()
    subcontracted_pence = Pence()
    unallocated_pence = Pence()
    hub_model = fields.String(allow_none=True)
    management_subcontract_needed = fields.Boolean()
    management_subcontract_missing = fields.Boolean()
    can_go_live = fields.Boolean()


class InstalmentOut(Schema):
    id = fields.UUID()
    due_on = fields.Date()
    amount_pence = Pence()
    release = fields.String()
    period_id = fields.UUID(allow_none=True)


class VariationOut(Schema):
    id = fields.UUID()
    reason = fields.String()
    before = fields.Dict()
    after = fields.Dict()
    varied_by = fields.String()
    varied_at = fields.DateTime()


class ReturnOut(Schema):
    id = fields.UUID()
    subcontract_id = fields.UUID()
    organisation_id = fields.UUID()
    contract_id = fields.UUID()
    period_id = fields.UUID()
    actuals = fields.Dict()
    narrative = fields.String()
    status = fields.String()
    late = fields.Boolean()
    submitted_at = fields.DateTime()
    reviewed_at = fields.DateTime(allow_none=True)
    review_comment = fields.String(allow_none=True)


class CellOut(Schema):
    indicator_id = fields.Function(lambda c: str(c["indicator"].id))
    indicator_code = fields.Function(lambda c: c["indicator"].code)
    target = fields.Float(allow_none=True)
    actual = fields.Float(allow_none=True)
    percent = fields.Float(allow_none=True)
    rag = fields.String(allow_none=True)


class ScorePeriodOut(Schema):
    period = fields.Nested(PeriodOut)
    status = fields.String()
    late = fields.Boolean()
    return_id = fields.Function(lambda r: str(r["return"].id) if r["return"] else None)
    cells = fields.List(fields.Nested(CellOut))
    overall = fields.String(allow_none=True)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def _text(value) -> str | None:
    return None if value is None else str(value)


def _period(period) -> dict:
    """PeriodOut's JSON of a period, made by hand (the hand-made fields below)."""
    return {"id": str(period.id), "number": int(period.number), "label": _text(period.label),
            "starts_on": _date(period.starts_on), "ends_on": _date(period.ends_on),
            "return_due_on": _date(period.return_due_on)}


def _indicator(indicator) -> dict:
    """IndicatorOut's JSON of an indicator, made by hand."""
    return {"id": str(indicator.id), "code": _text(indicator.code), "name": _text(indicator.name),
            "kind": _text(indicator.kind), "unit": _text(indicator.unit),
            "higher_is_better": None if indicator.higher_is_better is None else bool(indicator.higher_is_better)}


class _Once(dict):
    """Each period's or indicator's JSON made once however many lines name it."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, thing):
        self[thing] = made = self.make(thing)
        return made


class ScorePeriods(fields.List):
    """A scorecard's periods: the JSON of `fields.List(fields.Nested(ScorePeriodOut))` (and documented as that),
    made by hand: a big contract's dashboard has thousands of cells, and marshmallow spent most of the request on
    them (issue 16). tests/test_performance_reads.py checks it gives what the plain nested dump gives."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(ScorePeriodOut), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        periods, ids = _Once(_period), _Once(lambda indicator: str(indicator.id))
        return [{"period": periods[row["period"]],
                 "status": str(row["status"]), "late": bool(row["late"]),
                 "return_id": str(row["return"].id) if row["return"] else None,
                 "cells": [{"indicator_id": ids[c["indicator"]], "indicator_code": c["indicator"].code,
                            "target": _number(c["target"]), "actual": _number(c["actual"]),
                            "percent": _number(c["percent"]), "rag": c["rag"]} for c in row["cells"]],
                 "overall": row["overall"]} for row in value]


class TrendOut(Schema):
    indicator_id = fields.Function(lambda t: str(t["indicator"].id))
    indicator_code = fields.Function(lambda t: t["indicator"].code)
    trend = fields.String()


class ScorecardOut(Schema):
    periods = ScorePeriods()
    trends = fields.List(fields.Nested(TrendOut))
    overall = fields.String(allow_none=True)


class PlanOut(Schema):
    id = fields.UUID()
    subcontract_id = fields.UUID()
    reason = fields.String()
    actions = fields.List(fields.Dict())
    reviews = fields.List(fields.Dict())
    review_on = fields.Date()
    status = fields.String()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    closing_note = fields.String(allow_none=True)


class SubcontractDetailOut(Schema):
    subcontract = fields.Nested(SubcontractOut)
    contract_title = fields.String()
    commissioner_name = fields.String()
    indicators = fields.List(fields.Nested(IndicatorOut))
    periods = fields.List(fields.Nested(PeriodOut))
    targets = fields.List(fields.Nested(TargetOut))
    payment_schedule = fields.List(fields.Nested(InstalmentOut))
    variations = fields.List(fields.Nested(VariationOut))
    scorecard = fields.Nested(ScorecardOut)
    improvement_plans = fields.List(fields.Nested(PlanOut))


class ReturnLineOut(Schema):
    indicator = fields.Nested(IndicatorOut)
    actual = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    rag = fields.String(allow_none=True)


class EvidenceOut(Schema):
    id = fields.UUID()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class ReturnEventOut(Schema):
    action = fields.String()
    comment = fields.String()
    by = fields.String()
    at = fields.DateTime()


class ReturnDetailOut(Schema):
    performance_return = fields.Nested(ReturnOut)
    period = fields.Nested(PeriodOut)
    subcontract_id = fields.UUID()
    organisation_name = fields.String()
    contract_id = fields.UUID()
    contract_title = fields.String()
    lines = fields.List(fields.Nested(ReturnLineOut))
    overall = fields.String(allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceOut))
    history = fields.List(fields.Nested(ReturnEventOut))
    imported = fields.Boolean(metadata={"description": "Brought in from a file as history (its real dates kept, no "
                                                       "event published: no payment by results, nobody notified)"})


class WorstOut(Schema):
    subcontract_id = fields.UUID()
    organisation_name = fields.String()
    target = fields.Float(allow_none=True, metadata={"description": "The subcontract's share of the target"})
    actual = fields.Float(allow_none=True)
    percent = fields.Float(allow_none=True)
    rag = fields.String(allow_none=True)


class RollupRowOut(Schema):
    indicator = fields.Nested(IndicatorOut)
    period = fields.Nested(PeriodOut)
    target = fields.Float(allow_none=True)
    subcontracted = fields.Float(allow_none=True)
    actual = fields.Float(allow_none=True)
    returns_accepted = fields.Integer()
    rated_against = fields.Float(allow_none=True, metadata={
        "description": "P1: what the sum is measured against: the target when higher is better; when lower is "
                       "better, the summed shares of the subcontractors whose actuals are in it"})
    percent = fields.Float(allow_none=True)
    rag = fields.String(allow_none=True, metadata={"description": "P1: the RAG of the sum against rated_against"})
    worst_rag = fields.String(allow_none=True, metadata={
        "description": "P1: the worst RAG of any subcontractor's accepted actual against its own share, so a red "
                       "subcontractor is not hidden behind the total's RAG"})
    worst = fields.List(fields.Nested(WorstOut), metadata={"description": "The subcontractors at worst_rag"})


class DashboardRowOut(Schema):
    subcontract = fields.Nested(SubcontractOut)
    overall = fields.String(allow_none=True)
    periods = ScorePeriods()
    trends = fields.List(fields.Nested(TrendOut))


class DashboardOut(Schema):
    contract = fields.Nested(ContractOut)
    indicators = fields.List(fields.Nested(IndicatorOut))
    periods = fields.List(fields.Nested(PeriodOut))
    subcontracts = fields.List(fields.Nested(DashboardRowOut))
    thresholds = fields.Dict()


class OverallOut(Schema):
    period = fields.Nested(PeriodOut)
    rag = fields.String(allow_none=True)
    worst_rag = fields.String(allow_none=True, metadata={"description": "P1: the worst subcontractor's RAG on any "
                                                                        "indicator in the period"})


class HighlightOut(Schema):
    period = fields.Nested(PeriodOut)
    organisation_name = fields.String()
    narrative = fields.String()


class RollupRows(fields.List):
    """The report's lines: the JSON of `fields.List(fields.Nested(RollupRowOut))` (and documented as that), made by
    hand as ScorePeriods is: on a big contract each line names its worst subcontractors, and marshmallow's nested
    dump was a fifth of the report's time (issue 16). tests/test_report_reads.py checks it gives the plain dump."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(RollupRowOut), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        periods, indicators = _Once(_period), _Once(_indicator)
        return [{"indicator": indicators[line["indicator"]], "period": periods[line["period"]],
                 "target": _number(line["target"]), "subcontracted": _number(line["subcontracted"]),
                 "actual": _number(line["actual"]), "returns_accepted": int(line["returns_accepted"]),
                 "rated_against": _number(line["rated_against"]), "percent": _number(line["percent"]),
                 "rag": line["rag"], "worst_rag": line["worst_rag"],
                 "worst": [{"subcontract_id": str(w["subcontract_id"]),
                            "organisation_name": _text(w["organisation_name"]), "target": _number(w["target"]),
                            "actual": _number(w["actual"]), "percent": _number(w["percent"]), "rag": w["rag"]}
                           for w in line["worst"]]}
                for line in value]


class Highlights(fields.List):
    """The report's highlights: the JSON of `fields.List(fields.Nested(HighlightOut))`, made by hand (a big
    contract's report has hundreds, each naming its period). tests/test_report_reads.py checks it."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(HighlightOut), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        periods = _Once(_period)
        return [{"period": periods[h["period"]], "organisation_name": _text(h["organisation_name"]),
                 "narrative": _text(h["narrative"])} for h in value]


class ReportOut(Schema):
    contract = fields.Nested(ContractOut)
    periods = fields.List(fields.Nested(PeriodOut))
    indicators = fields.List(fields.Nested(IndicatorOut))
    lines = RollupRows()
    overall = fields.List(fields.Nested(OverallOut))
    highlights = Highlights()
    generated_at = fields.DateTime()

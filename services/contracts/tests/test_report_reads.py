"""The commissioner's report at scale (issue 16): its lines (with the worst subcontractors, P1) and highlights are
written as JSON by hand for speed, and must say exactly what marshmallow's nested schemas say."""
from __future__ import annotations

import uuid

from delivery_fixtures import delivery  # noqa: F401
from test_performance_reads import _contract_with_returns


def test_p1_the_reports_hand_made_lines_and_highlights_are_the_plain_nested_dump(delivery):
    """RollupRows and Highlights must give what fields.List(fields.Nested(...)) gives, field for field (a field
    added to RollupRowOut, WorstOut, HighlightOut, PeriodOut or IndicatorOut fails here)."""
    from marshmallow import Schema, fields
    from sqlalchemy import select

    from hubkit.db import Tenant

    from contracts.adapters.contract_tables import Contract
    from contracts.entrypoints import delivery_schemas as s
    from contracts.service_layer import reports

    class Plain(Schema):
        lines = fields.List(fields.Nested(s.RollupRowOut))
        highlights = fields.List(fields.Nested(s.HighlightOut))

    class Fast(Schema):
        lines = s.RollupRows()
        highlights = s.Highlights()

    cid = _contract_with_returns(delivery)
    with delivery.app.extensions["hubkit.db"].session(Tenant(delivery.consortium)) as session:
        contract = session.execute(select(Contract).where(Contract.id == uuid.UUID(cid))).scalar_one()
        report = reports.commissioner_report(session, contract)
        fast, plain = Fast().dump(report), Plain().dump(report)
        assert fast == plain
        assert len(fast["lines"]) == 8 and len(fast["highlights"]) == 5
        assert all(line["worst"] for line in fast["lines"])
        assert Fast().dump({"lines": [], "highlights": []}) == {"lines": [], "highlights": []}
    served = delivery.call("GET", f"/contracts/{cid}/report")
    assert served["lines"] == plain["lines"] and served["highlights"] == plain["highlights"]

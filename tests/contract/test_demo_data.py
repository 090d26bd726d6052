"""The demo consortium `make run` loads stays valid as membership's API changes."""
import uuid
from importlib import util
from pathlib import Path

import pytest

from membership.entrypoints.schemas import OrganisationIn

DEMO = Path(__file__).resolve().parents[2] / "scripts" / "demo_data.py"


def test_every_demo_organisation_is_accepted_by_membership():
    spec = util.spec_from_file_location("demo_data", DEMO)
    demo = util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    names = [OrganisationIn().load(details)["name"] for details in demo.ORGANISATIONS]
    assert len(set(names)) == len(names) >= 3


def test_issue_12_item_1_the_demo_never_records_a_go_no_go_in_contracts_when_governance_is_slow(monkeypatch):
    """The demo's go/no-go is the board's, through governance; when governance has not answered, the load stops
    instead of the manager deciding in contracts (the old fallback to POST .../go-no-go/decision)."""
    monkeypatch.syspath_prepend(str(DEMO.parent))
    import demo_pipeline

    monkeypatch.setattr(demo_pipeline, "wait_until", lambda check, timeout=30.0: check() or None)  # no waiting
    calls = []

    def call(username, method, path, json=None):
        calls.append((method, path))
        if (method, path) == ("POST", "/contracts/opportunities"):
            return {"opportunity": {"id": str(uuid.uuid4())}}
        return []  # nothing loaded yet; governance has no request yet

    with pytest.raises(RuntimeError, match="did not reach governance"):
        demo_pipeline.load(call)
    assert [path for method, path in calls if method == "POST" and path.endswith("/go-no-go")]
    assert not [path for method, path in calls if "/go-no-go/decision" in path]


def test_issue_14_item_2_the_demo_leaves_the_board_member_business_to_declare_on_and_vote_on_themselves(monkeypatch):
    """demo_governance puts items with papers and open motions on the meeting the demo board member's seat attends
    (a body where `board` holds a voting seat, a meeting that has started), and declares and votes nothing for
    anyone: Bo Board does that on the meeting's page. A second load adds nothing."""
    import datetime as dt

    monkeypatch.syspath_prepend(str(DEMO.parent))
    import demo_governance

    started = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=9)).isoformat()
    agenda: list[dict] = []
    calls = []

    def call(username, method, path, json=None, files=None, data=None):
        calls.append((username, method, path))
        if path == "/governance/bodies":
            return [{"id": "mb"}, {"id": "pg"}]
        if path == "/governance/bodies/mb":
            return {"id": "mb", "seats": [{"account": "board", "role": "secretary"}]}  # no vote there
        if path == "/governance/bodies/pg":
            return {"id": "pg", "seats": [{"account": "board", "role": "chair"}]}
        if path == "/governance/bodies/pg/meetings":
            return [{"id": "today", "starts_at": started}, {"id": "next", "starts_at": later}]
        if path == "/governance/meetings/today" and method == "GET":
            return {"agenda": list(agenda)}
        if path == "/governance/meetings/today/agenda-items":
            agenda.append({"id": f"item-{len(agenda)}", "title": json["title"]})
            return {"agenda": list(agenda)}
        if path == "/governance/meetings/today/papers":
            assert files["file"][1].startswith(b"%PDF") and data["agenda_item_id"] == agenda[-1]["id"]
            return {}
        if path == "/governance/meetings/today/motions":
            return {}
        raise AssertionError(f"unexpected {method} {path}")

    demo_governance.load(call)
    posted = [(who, path) for who, method, path in calls if method == "POST"]
    assert [path.rsplit("/", 1)[-1] for _, path in posted] == ["agenda-items", "papers", "motions"] * 2
    assert all(who == "manager" for who, _ in posted)  # nothing declared nor voted on anyone's behalf
    assert not [path for _, path in posted if "/mb" in path or "/next" in path]
    calls.clear()
    demo_governance.load(call)
    assert not [c for c in calls if c[1] == "POST"]


def test_issue_14_item_2_the_demo_member_holds_her_organisations_seat_on_the_partners_group(monkeypatch):
    """Members sit on the Partners Group for their organisations: demo_governance seats the demo member
    organisation's staff (`member`) there for her own organisation, named by her hub username, so she declares and
    votes herself as any seat holder does; once, and only where the Partners Group seats members."""
    monkeypatch.syspath_prepend(str(DEMO.parent))
    import demo_governance

    seats = [{"account": "board", "role": "chair", "organisation_id": None},
             {"account": None, "role": "member", "organisation_id": "partner-org"}]
    posted = []

    def call(username, method, path, json=None, files=None, data=None):
        if path == "/governance/bodies":
            return [{"id": "pg"}]
        if path == "/governance/bodies/pg":
            return {"id": "pg", "kind": "partners_group", "seats": list(seats)}
        if path == "/governance/bodies/pg/meetings":
            return []
        if path == "/membership/organisations" and username == "member":
            return [{"id": "mels-org"}]
        if path == "/governance/bodies/pg/seats" and method == "POST":
            posted.append((username, json))
            seats.append(json)
            return json
        raise AssertionError(f"unexpected {username} {method} {path}")

    demo_governance.load(call)
    [(who, seat)] = posted
    assert who == "manager" and seat["account"] == "member" and seat["organisation_id"] == "mels-org"
    assert seat["role"] == "member" and seat["person_name"] == "Mel Member"
    demo_governance.load(call)
    assert len(posted) == 1

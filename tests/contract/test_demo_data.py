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

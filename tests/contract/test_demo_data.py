"""The demo consortium `make run` loads stays valid as membership's API changes."""
from importlib import util
from pathlib import Path

from membership.entrypoints.schemas import OrganisationIn

DEMO = Path(__file__).resolve().parents[2] / "scripts" / "demo_data.py"


def test_every_demo_organisation_is_accepted_by_membership():
    spec = util.spec_from_file_location("demo_data", DEMO)
    demo = util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    names = [OrganisationIn().load(details)["name"] for details in demo.ORGANISATIONS]
    assert len(set(names)) == len(names) >= 3

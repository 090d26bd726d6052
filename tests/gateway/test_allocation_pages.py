"""Member staff's allocation page, over a fake contracts answering as the real one does."""
import uuid


def _invitation(**view):
    round_id = str(uuid.uuid4())
    return {"invitation": {"id": str(uuid.uuid4()), "round_id": round_id, "organisation_id": str(uuid.uuid4()),
                           "organisation_name": "Riverside Food Bank", "invited_at": "2026-11-02T10:00:00+00:00"},
            "round": {"id": round_id, "title": "Community wellbeing hubs", "status": "eois_open",
                      "value_pence": 1_500_000, "specification": "Drop-in sessions", "declarations_close_on": None,
                      "eois_close_on": None},
            "criteria": [], "declaration": None, "eoi": None, "may_declare": False,
            "may_express_interest": False, "why_no_eoi": None} | view


def test_c4_the_eoi_form_is_shown_only_when_contracts_would_accept_it_with_the_reason_otherwise(logged_in,
                                                                                             fake_services):
    reason = ("The organisation is not eligible for new work (its compliance evidence is not in order), so it "
              "cannot express interest.")
    fake_services.contracts_answers[("GET", "/allocation/invitations")] = (200, [_invitation(why_no_eoi=reason)])
    member = logged_in("member")
    html = member.get("/allocation/mine").get_data(as_text=True)
    assert "Send our expression of interest" not in html
    assert "not eligible for new work" in html

    fake_services.contracts_answers[("GET", "/allocation/invitations")] = (200, [_invitation(
        may_express_interest=True)])
    html = member.get("/allocation/mine").get_data(as_text=True)
    assert "Send our expression of interest" in html and "You cannot send" not in html

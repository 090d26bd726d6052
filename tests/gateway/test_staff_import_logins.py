"""F3: a staff file names each person's hub login by its username or email (finance has no copy of the gateway's
accounts): the staff import page sends the consortium's logins with the file, as the add-a-person page offers them,
so finance finds each row's login (services/finance/tests/test_staff_import.py shows what it does with them)."""
from __future__ import annotations

import io
import json

from gateway.adapters.repository import UserRepository
from gateway.pages.common import file_imports
from gateway.proxy.client import Answer
from gateway_helpers import csrf_token_from

CONTENT = b"name,employer_kind,effective_from,salary,login\nPriya Shah,consortium,2025-04-01,30000,finance\n"


def test_f3_the_staff_import_sends_the_consortiums_logins_by_username_and_email(logged_in, gateway_db, demo_users,
                                                                                monkeypatch):
    sent = []

    def upload(service, path, fields, file):
        sent.append((service, path, dict(fields)))
        return Answer(200, {"filename": "staff.csv", "sha256": "x", "dry_run": True, "rows": 1, "problems": [],
                            "staff": []})

    monkeypatch.setattr(file_imports, "upload_to_service", upload)
    finance = logged_in("finance")
    page = finance.get("/time/staff/import").get_data(as_text=True)
    assert "username or email" in page
    answer = finance.post("/time/staff/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "action": "check", "file": (io.BytesIO(CONTENT), "staff.csv")})
    assert answer.status_code == 200
    [(service, path, fields)] = sent
    assert (service, path, fields["dry_run"]) == ("finance", "/imports/staff", "true")
    logins = json.loads(fields["logins"])
    with gateway_db.session() as session:
        finance_user = next(u for u in UserRepository(session).all() if u.username == "finance")
        others = [u for u in UserRepository(session).all() if u.consortium_id != finance_user.consortium_id]
    assert logins["finance"] == str(finance_user.id) and logins[finance_user.email.casefold()] == str(finance_user.id)
    assert not set(logins.values()) & {str(u.id) for u in others}  # only this consortium's logins

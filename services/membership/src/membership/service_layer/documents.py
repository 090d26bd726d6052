"""Use cases for compliance documents, stored in the database with their checksum."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import undefer

from hubkit import clock
from hubkit.domain import InvalidField
from hubkit.paging import Order, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import ComplianceDocument, Organisation
from ..domain import documents as rules
from ..domain import due_diligence as checklist_rules
from . import due_diligence


def upload(uow: UnitOfWork, org: Organisation, kind: str, filename: str, content: bytes,
           expires_on: dt.date | None, as_evidence: bool = False, cover_pence: int | None = None
           ) -> ComplianceDocument:
    """Store an accepted file; refuses empty files and formats we do not take (UnacceptableFile).

    `as_evidence`: the file is the evidence for its checklist item, which is provided (today) with the file's
    expiry and the cover given here, in the same transaction: nothing is kept if the item would be refused."""
    if as_evidence:
        requirement = checklist_rules.KINDS.get(kind)
        if requirement is None:
            raise InvalidField.on("as_evidence", "Only a document for a checklist item can be used as its evidence.")
        missing = checklist_rules.missing_details(requirement, expires_on, cover_pence)
        if missing:
            raise InvalidField({field: [message] for field, message in missing.items()})
    elif cover_pence is not None:
        raise InvalidField.on("cover_pence", "The amount of cover is kept with the checklist item: give it with "
                                             "as_evidence.")
    document = ComplianceDocument(
        id=uuid.uuid4(), organisation_id=org.id, kind=kind, filename=rules.safe_filename(filename),
        content_type=rules.content_type_of(filename, content), size_bytes=len(content),
        sha256=rules.checksum(content), content=content, expires_on=expires_on, uploaded_by=uow.actor)
    uow.session.add(document)
    if as_evidence:
        uow.session.flush()
        due_diligence.provide(uow, org, kind, {"provided_on": clock.today(), "expires_on": expires_on,
                                               "cover_pence": cover_pence, "document_id": document.id})
    else:
        uow.commit()
    return document


# GET /organisations/<id>/documents: newest first (ix_compliance_document_newest), paged in SQL.
DOCUMENT_ORDER = Order(desc(ComplianceDocument.uploaded_at), desc(ComplianceDocument.id))


def documents_query(org: Organisation):
    """The organisation's documents (without their content, which is deferred), for the caller to page in
    DOCUMENT_ORDER."""
    return select(ComplianceDocument).where(ComplianceDocument.organisation_id == org.id)


def with_content(session, org: Organisation, document_id: uuid.UUID) -> ComplianceDocument | None:
    return session.execute(select(ComplianceDocument).options(undefer(ComplianceDocument.content)).where(
        ComplianceDocument.organisation_id == org.id, ComplianceDocument.id == document_id)).scalar_one_or_none()

"""Use cases for compliance documents, stored in the database with their checksum."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import undefer

from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import ComplianceDocument, Organisation
from ..domain import documents as rules


def upload(uow: UnitOfWork, org: Organisation, kind: str, filename: str, content: bytes,
           expires_on: dt.date | None) -> ComplianceDocument:
    """Store an accepted file; refuses empty files and formats we do not take (UnacceptableFile)."""
    document = ComplianceDocument(
        id=uuid.uuid4(), organisation_id=org.id, kind=kind, filename=rules.safe_filename(filename),
        content_type=rules.content_type_of(filename, content), size_bytes=len(content),
        sha256=rules.checksum(content), content=content, expires_on=expires_on, uploaded_by=uow.actor)
    uow.session.add(document)
    uow.commit()
    return document


def documents_of(session, org: Organisation) -> list[ComplianceDocument]:
    return list(session.execute(select(ComplianceDocument).where(ComplianceDocument.organisation_id == org.id)
                                .order_by(ComplianceDocument.uploaded_at.desc())).scalars())


def with_content(session, org: Organisation, document_id: uuid.UUID) -> ComplianceDocument | None:
    return session.execute(select(ComplianceDocument).options(undefer(ComplianceDocument.content)).where(
        ComplianceDocument.organisation_id == org.id, ComplianceDocument.id == document_id)).scalar_one_or_none()

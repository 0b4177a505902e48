"""Uploads as audit entries: who brought which file in, when, its name, size, sha256 and kind.

Every file a person uploads, a document to read or a table to screen, through the web pages
or the JSON API, is one `upload` entry in the append-only audit log, written before the file
is used, whether its content is accepted or refused (`refused` says why). The sha256 is the
target (`upload:<sha256>`), so every upload of one file is found together, by anyone and at
any time. The content itself is not kept here: screening tables hold customers' names.

Uploads over the size limit are refused while they are read, before all their bytes exist,
so they have no sha256 and no entry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from sqlalchemy import Connection

from sanctionwatch.cases import audit
from sanctionwatch.errors import InputError

if TYPE_CHECKING:
    from sanctionwatch.cases.workspace import Workspace

UploadKind = Literal["document", "screening_table"]
UPLOAD_KINDS: tuple[str, ...] = get_args(UploadKind)
FILENAME_CHARS = 200


def clean_filename(filename: str) -> str:
    """The file's own name, without any folders a client sent (Windows ones too)."""
    return Path(filename.replace("\\", "/")).name[:FILENAME_CHARS] or "upload"


def record_upload(
    conn: Connection,
    *,
    actor: str,
    filename: str,
    data: bytes,
    kind: str,
    content: str | None,
    refused: str | None,
    now: str,
) -> int:
    """Append the upload's audit entry; returns its id. `content` is what the bytes were
    found to be ("pdf", "html", "csv", "xlsx"...), None when refused."""
    if kind not in UPLOAD_KINDS:
        raise InputError(f"unknown upload kind {kind!r} (known: {', '.join(UPLOAD_KINDS)})")
    digest = hashlib.sha256(data).hexdigest()
    details: dict[str, object] = {
        "filename": clean_filename(filename),
        "bytes": len(data),
        "sha256": digest,
        "kind": kind,
        "content": content,
    }
    if refused is not None:
        details["refused"] = refused
    return audit.append(
        conn, at=now, actor=actor, action="upload", target=f"upload:{digest}", details=details
    )


def accept_upload(
    ws: Workspace, *, data: bytes, filename: str, actor: str, kind: UploadKind
) -> str:
    """What the upload is (by content: `views.document_kind` or `views.table_kind`), after
    auditing it; an upload refused for its content is audited, then the error re-raised
    (`UnsupportedUpload` is HTTP 415)."""
    from sanctionwatch.cases.views import document_kind, table_kind  # the readers: lazily

    check = document_kind if kind == "document" else table_kind
    name = clean_filename(filename)
    try:
        content = check(data, name)
    except InputError as exc:
        ws.record_upload(
            actor=actor, filename=name, data=data, kind=kind, content=None, refused=str(exc)
        )
        raise
    ws.record_upload(actor=actor, filename=name, data=data, kind=kind, content=content)
    return content

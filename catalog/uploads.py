"""Uploaded files: checked by their first bytes and size, then stored public or private."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import InvalidUpload
from core.settings import get_settings

#: Largest image accepted (logos, banners, product photos).
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: Largest qualification document accepted (below the 10 MB request limit).
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024

#: (magic prefix, extension, content type); WebP is checked separately (RIFF....WEBP).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"%PDF-", "pdf", "application/pdf"),
)


@dataclass(frozen=True, slots=True)
class FileKind:
    """What the bytes of a file are."""

    extension: str
    content_type: str


def sniff(data: bytes) -> FileKind | None:
    """Recognise PNG, JPEG, GIF, WebP or PDF from the first bytes, whatever the name says."""
    for prefix, extension, content_type in _SIGNATURES:
        if data.startswith(prefix):
            return FileKind(extension, content_type)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileKind("webp", "image/webp")
    return None


def check_file(data: bytes, *, allow_pdf: bool, max_bytes: int, label: str) -> FileKind:
    """Refuse an empty, too large or wrongly typed file; returns its kind."""
    if not data:
        raise InvalidUpload("{label} is empty", label=label)
    if len(data) > max_bytes:
        raise InvalidUpload(
            "{label} is larger than {mb} MB", label=label, mb=max_bytes // (1024 * 1024)
        )
    kind = sniff(data)
    if kind is None or (kind.extension == "pdf" and not allow_pdf):
        allowed = "PNG, JPEG, GIF, WebP" + (", PDF" if allow_pdf else "")
        raise InvalidUpload("{label} must be a {allowed} file", label=label, allowed=allowed)
    return kind


def private_dir() -> Path:
    """Folder of qualification documents: under var/, never served as /media."""
    path = get_settings().var_dir / "private" / "supplier-documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_public_image(data: bytes, folder: str, *, label: str) -> str:
    """Check and store an image under /media/<folder>; returns its URL path."""
    kind = check_file(data, allow_pdf=False, max_bytes=MAX_IMAGE_BYTES, label=label)
    directory = get_settings().media_dir / folder
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.{kind.extension}"
    (directory / name).write_bytes(data)
    return f"/media/{folder}/{name}"


def save_private_document(data: bytes, *, label: str) -> tuple[str, FileKind]:
    """Check and store a qualification document privately; returns (stored name, kind)."""
    kind = check_file(data, allow_pdf=True, max_bytes=MAX_DOCUMENT_BYTES, label=label)
    name = f"{secrets.token_hex(16)}.{kind.extension}"
    (private_dir() / name).write_bytes(data)
    return name, kind


def read_private_document(stored_name: str) -> bytes:
    """The bytes of a stored document (the name comes from the database, not the user)."""
    return (private_dir() / Path(stored_name).name).read_bytes()


def remove_private_documents(stored_names: list[str]) -> None:
    """Delete stored documents whose database rows were never committed."""
    for stored_name in stored_names:
        (private_dir() / Path(stored_name).name).unlink(missing_ok=True)

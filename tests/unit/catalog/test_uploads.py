"""Uploaded files are judged by their bytes and size, whatever their name claims."""

from __future__ import annotations

import pytest

from catalog.errors import InvalidUpload
from catalog.uploads import MAX_IMAGE_BYTES, check_file, sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 "
PDF = b"%PDF-1.7\n"


@pytest.mark.parametrize(
    ("data", "extension"),
    [(PNG, "png"), (JPEG, "jpg"), (b"GIF89a...", "gif"), (WEBP, "webp"), (PDF, "pdf")],
)
def test_known_formats_are_recognised_from_their_first_bytes(data: bytes, extension: str) -> None:
    kind = sniff(data)
    assert kind is not None and kind.extension == extension


def test_an_executable_renamed_to_png_is_refused() -> None:
    with pytest.raises(InvalidUpload, match=r"licence\.png"):
        check_file(b"MZ\x90\x00", allow_pdf=True, max_bytes=1024, label="licence.png")


def test_a_pdf_is_a_document_but_not_an_image() -> None:
    assert check_file(PDF, allow_pdf=True, max_bytes=1024, label="permit").extension == "pdf"
    with pytest.raises(InvalidUpload):
        check_file(PDF, allow_pdf=False, max_bytes=1024, label="photo")


def test_empty_and_oversized_files_are_refused() -> None:
    with pytest.raises(InvalidUpload, match="empty"):
        check_file(b"", allow_pdf=False, max_bytes=1024, label="logo")
    with pytest.raises(InvalidUpload, match="5 MB"):
        check_file(
            PNG + b"\x00" * MAX_IMAGE_BYTES, allow_pdf=False, max_bytes=MAX_IMAGE_BYTES, label="x"
        )

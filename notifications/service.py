"""Telling people what happened: an inbox message plus an e-mail, sent after commit.

`notify` writes the inbox row and the outbox row inside the caller's transaction, so a
message exists exactly when the change it describes does; the e-mail leaves only after
that transaction commits (SMTP when `KUAIQU_SMTP_URL` is set, else the log).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from accounts.people import email_of
from core.database import after_commit, write_transaction
from core.errors import NotFound
from core.settings import get_settings
from notifications.tables import EmailOutbox, Notification

log = logging.getLogger(__name__)
#: Sender address of Kuaiqu's mails.
MAIL_FROM = "Kuaiqu <no-reply@kuaiqu.test>"
#: Messages one inbox page shows.
PAGE_SIZE = 50


class NotificationNotFound(NotFound):
    """No such message in this person's inbox."""

    code = "notification_not_found"


@dataclass(frozen=True, slots=True)
class NotificationView:
    """One inbox message."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    read_at: datetime | None
    created_at: datetime


def smtp_url() -> str:
    """The SMTP server mails go through (`smtp://user:pass@host:port`), or empty."""
    return get_settings().smtp_url


async def notify(
    user_id: int, kind: str, *, title: str, body: str = "", link: str = "", email: str = ""
) -> int:
    """Put a message in a person's inbox and queue its e-mail; returns the message id."""
    async with write_transaction():
        inserted = await Notification.insert(
            Notification(user_id=user_id, kind=kind, title=title[:200], body=body, link=link)
        ).returning(Notification.id)
        if email:
            mail = await EmailOutbox.insert(
                EmailOutbox(to=email, subject=title[:200], body=f"{body}\n\n{link}".strip())
            ).returning(EmailOutbox.id)
            mail_id = mail[0]["id"]

            async def send() -> None:
                await deliver_email(mail_id)

            await after_commit(send)
    return inserted[0]["id"]


def _send_smtp(url: str, to: str, subject: str, body: str) -> None:
    parts = urlsplit(url)
    message = EmailMessage()
    message["From"] = MAIL_FROM
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


async def deliver_email(mail_id: int) -> str:
    """Send one queued e-mail (SMTP in a thread, or the log); returns its new status."""
    mail = await EmailOutbox.select().where(EmailOutbox.id == mail_id).first()
    if mail is None or mail["status"] != "pending":
        return mail["status"] if mail else "missing"
    url, status, error = smtp_url(), "logged", ""
    if url:
        try:
            await asyncio.to_thread(_send_smtp, url, mail["to"], mail["subject"], mail["body"])
            status = "sent"
        except (OSError, smtplib.SMTPException) as failure:
            status, error = "failed", str(failure)[:255]
            log.warning("E-mail %s to %s failed: %s", mail_id, mail["to"], failure)
    else:
        log.info("E-mail to %s: %s\n%s", mail["to"], mail["subject"], mail["body"])
    await EmailOutbox.update(
        {
            EmailOutbox.status: status,
            EmailOutbox.sent_at: datetime.now(UTC),
            EmailOutbox.error: error,
        }
    ).where((EmailOutbox.id == mail_id) & (EmailOutbox.status == "pending"))
    return status


def _view(row: dict) -> NotificationView:
    return NotificationView(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        link=row["link"],
        read_at=row["read_at"],
        created_at=row["created_at"],
    )


async def inbox(user_id: int) -> list[NotificationView]:
    """A person's latest messages, newest first."""
    rows = (
        await Notification.select()
        .where(Notification.user_id == user_id)
        .order_by(Notification.id, ascending=False)
        .limit(PAGE_SIZE)
    )
    return [_view(r) for r in rows]


async def unread_count(user_id: int) -> int:
    """How many of a person's messages are unread."""
    return await Notification.count().where(
        (Notification.user_id == user_id) & Notification.read_at.is_null()
    )


async def mark_read(user_id: int, notification_id: int) -> NotificationView:
    """Mark one of a person's messages read (someone else's is as not found)."""
    async with write_transaction():
        row = (
            await Notification.select()
            .where((Notification.id == notification_id) & (Notification.user_id == user_id))
            .first()
        )
        if row is None:
            raise NotificationNotFound("Message {id} was not found", id=notification_id)
        if row["read_at"] is None:
            row["read_at"] = datetime.now(UTC)
            await Notification.update({Notification.read_at: row["read_at"]}).where(
                Notification.id == notification_id
            )
    return _view(row)


async def notify_user(
    user_id: int | None, kind: str, *, title: str, body: str = "", link: str = ""
) -> int | None:
    """`notify` a person by id, mailing their account address; nothing for no one."""
    if user_id is None:
        return None
    email = await email_of(user_id)
    if not email:
        return None  # no such person
    return await notify(user_id, kind, title=title, body=body, link=link, email=email)

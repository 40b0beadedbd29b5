"""WeChat Pay v3 (微信支付) adapter: Native (a QR code to scan) and H5, with wechatpayv3.

Requests are signed with the merchant's API private key (WECHATPAY2-SHA256-RSA2048);
answers and callbacks are verified with WeChat Pay's public key, and a callback's
resource is decrypted with the APIv3 key (AEAD_AES_256_GCM). Refund results come the
same way to their own notify URL (passed with each refund). Payments are named by their
reference (out_trade_no), amounts go in fen. The SDK's HTTP calls block, so they run in
a worker thread.
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import json
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.type import RequestType

from core.settings import PaymentSettings
from payments.capabilities import (
    PayAction,
    RefundEvent,
    RefundState,
    StatementLine,
    TradeState,
    fen_of,
    payment_id_of,
    payment_reference,
    refund_reference,
    subject_of,
)
from payments.errors import InvalidSignature, ProviderUnavailable
from payments.providers import CallbackEvent, PaymentInfo, ProviderRefund, ProviderStart
from payments.statuses import PaymentStatus, RefundStatus

#: Callbacks signed longer ago (or further ahead) than this are refused as replays.
MAX_AGE_S = 300
#: Seconds an HTTP call may take (connect, read).
TIMEOUT_S = (5, 15)
#: WeChat Pay's trade states, as the platform's payment statuses.
_TRADE_STATE = {
    "SUCCESS": PaymentStatus.SUCCEEDED,
    "REFUND": PaymentStatus.SUCCEEDED,
    "NOTPAY": PaymentStatus.PENDING,
    "USERPAYING": PaymentStatus.PENDING,
    "CLOSED": PaymentStatus.FAILED,
    "PAYERROR": PaymentStatus.FAILED,
    "REVOKED": PaymentStatus.FAILED,
}
_REFUND_STATE = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PROCESSING,
    "ABNORMAL": RefundStatus.FAILED,
    "CLOSED": RefundStatus.FAILED,
}
#: What a refused notification is told, for payment callbacks and refund notifications:
#: not signed, a bad signature, too old or dated ahead, another merchant's.
_REFUSALS = {
    "payment": (
        "The payment callback is not signed",
        "The payment callback signature is not valid",
        "The payment callback is more than five minutes old or dated ahead",
        "The payment callback is for another merchant",
    ),
    "refund": (
        "The refund notification is not signed",
        "The refund notification signature is not valid",
        "The refund notification is more than five minutes old or dated ahead",
        "The refund notification is for another merchant",
    ),
}
#: Refund notifications' event types (REFUND.SUCCESS / .ABNORMAL / .CLOSED).
_REFUND_EVENTS = frozenset({"REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"})
_CALLBACK_HEADERS = (
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Serial",
    "Wechatpay-Signature-Type",
)
_CHINA = UTC  # time_expire carries its offset, so UTC is as good as +08:00


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


class WechatPayProvider:
    """WeChat Pay: Native QR codes on computers, H5 in phone browsers; callbacks, refunds."""

    name: ClassVar[str] = "wechat_pay"
    accepts_callbacks: ClassVar[bool] = True
    offline: ClassVar[bool] = False
    serves: ClassVar[frozenset[str]] = frozenset({"pickup", "delivery"})
    label: ClassVar[str] = "WeChat Pay"
    callback_ack: ClassVar[str] = ""
    modes: ClassVar[tuple[str, ...]] = ("native", "h5")
    mobile_modes: ClassVar[tuple[str, ...]] = ("h5",)

    def __init__(self, settings: PaymentSettings, *, unpaid_minutes: int = 30) -> None:
        self.settings = settings
        self.unpaid_minutes = unpaid_minutes
        self.client = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=settings.wechat_mch_id,
            private_key=settings.wechat_private_key,
            cert_serial_no=settings.wechat_cert_serial,
            appid=settings.wechat_app_id,
            apiv3_key=settings.wechat_apiv3_key,
            public_key=settings.wechat_public_key,
            public_key_id=settings.wechat_public_key_id,
            timeout=TIMEOUT_S,
        )
        self.client._core._gate_way = settings.wechat_gateway

    @property
    def notify_url(self) -> str:
        """Where WeChat Pay sends callbacks (required by its API)."""
        base = self.settings.notify_base_url or "https://localhost"
        return f"{base}/api/payments/{self.name}/webhook"

    @property
    def refund_notify_url(self) -> str:
        """Where WeChat Pay sends refund results (passed with each refund)."""
        base = self.settings.notify_base_url or "https://localhost"
        return f"{base}/api/payments/{self.name}/refund-webhook"

    async def create(self, payment: PaymentInfo) -> ProviderStart:
        """Nothing to call yet: the pay page asks for the QR code or H5 link when opened."""
        return ProviderStart(
            pay_url=f"/pay/online/{payment.id}", provider_ref=payment_reference(payment.id)
        )

    async def _request(
        self, path: str, method: RequestType = RequestType.GET, data: dict | None = None
    ) -> tuple[int, Any]:
        try:
            code, text = await asyncio.to_thread(
                self.client._core.request, path, method=method, data=data
            )
        except OSError as error:
            raise ProviderUnavailable(
                "WeChat Pay could not be reached: {error}", error=str(error)
            ) from None
        except Exception as error:  # the SDK raises bare Exception on a bad signature
            raise ProviderUnavailable(
                "WeChat Pay's answer was refused: {error}", error=str(error)
            ) from None
        try:
            body = json.loads(text) if isinstance(text, str) and text else {}
        except ValueError:
            body = {}
        return code, body

    async def pay_action(
        self, payment: PaymentInfo, *, mode: str, client_ip: str, return_url: str
    ) -> PayAction:
        """Native: the code_url to show as a QR code; H5: the h5_url to open."""
        expire = datetime.now(_CHINA) + timedelta(minutes=self.unpaid_minutes)
        order: dict[str, Any] = {
            "appid": self.settings.wechat_app_id,
            "mchid": self.settings.wechat_mch_id,
            "description": subject_of(payment),
            "out_trade_no": payment_reference(payment.id),
            "time_expire": expire.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "notify_url": self.notify_url,
            "amount": {"total": payment.amount, "currency": payment.currency},
        }
        if mode == "h5":
            order["scene_info"] = {
                "payer_client_ip": client_ip or "127.0.0.1",
                "h5_info": {"type": "Wap"},
            }
            code, body = await self._request("/v3/pay/transactions/h5", RequestType.POST, order)
            url, kind = body.get("h5_url", ""), "redirect"
            if url and return_url:
                url = f"{url}&redirect_url={quote(return_url, safe='')}"
        else:
            code, body = await self._request("/v3/pay/transactions/native", RequestType.POST, order)
            url, kind = body.get("code_url", ""), "qr"
        if code != 200 or not url:
            raise ProviderUnavailable(
                "WeChat Pay refused the payment: {reason}",
                reason=str(body.get("message") or body.get("code") or code),
            )
        return PayAction(kind=kind, url=str(url))

    def _verified(
        self, body: bytes, headers: Mapping[str, str], now: float | None, what: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A notification's envelope and decrypted resource, after every check.

        The signature (WeChat Pay's public key), the age (`MAX_AGE_S`) and the merchant are
        checked; `what` (payment | refund) chooses the refusals' words.
        """
        unsigned, forged, stale, foreign = _REFUSALS[what]
        canonical = {name: _header(headers, name) for name in _CALLBACK_HEADERS}
        if not canonical["Wechatpay-Signature"] or not canonical["Wechatpay-Timestamp"]:
            raise InvalidSignature(unsigned)
        try:
            sent_at = int(canonical["Wechatpay-Timestamp"])
        except ValueError:
            raise InvalidSignature(forged) from None
        try:
            data = self.client.callback(canonical, body.decode("utf-8"))
        except Exception:  # the SDK raises bare Exception on an unknown algorithm
            data = None
        if not data:
            raise InvalidSignature(forged)
        current = time.time() if now is None else now
        if abs(current - sent_at) > MAX_AGE_S:
            raise InvalidSignature(stale)
        resource = data.get("resource") or {}
        if not isinstance(resource, dict) or resource.get("mchid") != self.settings.wechat_mch_id:
            raise InvalidSignature(foreign)
        return data, resource

    def verify_callback(
        self, body: bytes, headers: Mapping[str, str], *, now: float | None = None
    ) -> CallbackEvent:
        """Verify the signature and age, decrypt the resource, read the transaction."""
        data, resource = self._verified(body, headers, now, "payment")
        payment_id = payment_id_of(str(resource.get("out_trade_no", "")))
        status = _TRADE_STATE.get(str(resource.get("trade_state", "")))
        amount = resource.get("amount") or {}
        if (
            payment_id is None
            or status in (None, PaymentStatus.PENDING)
            or not data.get("id")
            or not isinstance(amount.get("total"), int)
        ):
            raise InvalidSignature("The payment callback is not in the expected form")
        return CallbackEvent(
            event_id=f"{self.name}:{data['id']}",
            payment_id=payment_id,
            amount=amount["total"],
            currency=str(amount.get("currency", "CNY")),
            status=str(status),
            provider_ref=str(resource.get("transaction_id", ""))[:64],
        )

    def verify_refund_callback(
        self, body: bytes, headers: Mapping[str, str], *, now: float | None = None
    ) -> RefundEvent:
        """A refund result (REFUND.SUCCESS / ABNORMAL / CLOSED), checked like a payment callback.

        Signature, age and merchant are verified and the resource decrypted by `_verified`,
        the code payment callbacks go through.
        """
        data, resource = self._verified(body, headers, now, "refund")
        payment_id = payment_id_of(str(resource.get("out_trade_no", "")))
        status = _REFUND_STATE.get(str(resource.get("refund_status", "")))
        reference = str(resource.get("out_refund_no", ""))
        amount = resource.get("amount")
        if not isinstance(amount, dict):
            amount = {}
        if (
            data.get("event_type") not in _REFUND_EVENTS
            or payment_id is None
            or status in (None, RefundStatus.PROCESSING)
            or not reference
            or len(reference) > 64
            or not data.get("id")
            or not isinstance(amount.get("refund"), int)
        ):
            raise InvalidSignature("The refund notification is not in the expected form")
        return RefundEvent(
            event_id=f"{self.name}:{data['id']}",
            payment_id=payment_id,
            reference=reference,
            status=str(status),
            amount=amount["refund"],
        )

    async def refund(self, payment: PaymentInfo, amount: int) -> ProviderRefund:
        """Refund `amount` fen (out_refund_no names it, so a retry is the same refund)."""
        reference = refund_reference(payment)
        code, body = await self._request(
            "/v3/refund/domestic/refunds",
            RequestType.POST,
            {
                "out_trade_no": payment_reference(payment.id),
                "out_refund_no": reference,
                "notify_url": self.refund_notify_url,
                "amount": {"refund": amount, "total": payment.amount, "currency": "CNY"},
            },
        )
        if code != 200 or body.get("status") not in ("SUCCESS", "PROCESSING"):
            raise ProviderUnavailable(
                "WeChat Pay refused the refund: {reason}",
                reason=str(body.get("message") or body.get("status") or code),
            )
        return ProviderRefund(status=_REFUND_STATE[body["status"]], provider_ref=reference)

    async def query_trade(self, payment: PaymentInfo) -> TradeState:
        """What WeChat Pay knows of the payment (query by out_trade_no)."""
        code, body = await self._request(
            f"/v3/pay/transactions/out-trade-no/{payment_reference(payment.id)}"
            f"?mchid={self.settings.wechat_mch_id}"
        )
        if code != 200:
            return TradeState("unknown", 0, payment.currency, "")
        amount = body.get("amount") or {}
        return TradeState(
            status=str(_TRADE_STATE.get(str(body.get("trade_state", "")), "unknown")),
            amount=int(amount.get("total") or 0),
            currency=str(amount.get("currency", "CNY")),
            provider_ref=str(body.get("transaction_id", ""))[:64],
        )

    async def query_refund(self, payment: PaymentInfo, reference: str) -> RefundState:
        """What WeChat Pay knows of the refund `reference`."""
        code, body = await self._request(f"/v3/refund/domestic/refunds/{reference}")
        if code != 200:
            return RefundState("unknown", 0)
        return RefundState(
            status=_REFUND_STATE.get(str(body.get("status", "")), "unknown"),
            amount=int((body.get("amount") or {}).get("refund") or 0),
        )

    async def statement(self, day: date) -> list[StatementLine]:
        """The day's trade bill (tradebill, bill_type ALL), downloaded and parsed."""
        code, body = await self._request(
            f"/v3/bill/tradebill?bill_date={day.isoformat()}&bill_type=ALL"
        )
        url = body.get("download_url")
        if code != 200 or not url:
            raise ProviderUnavailable(
                "WeChat Pay has no statement for {day}: {reason}",
                day=day.isoformat(),
                reason=str(body.get("message") or code),
            )
        gateway = self.settings.wechat_gateway
        path = url[len(gateway) :] if url.startswith(gateway) else url
        try:
            status, raw = await asyncio.to_thread(self.client._core.request, path, skip_verify=True)
        except Exception as error:
            raise ProviderUnavailable(
                "WeChat Pay could not be reached: {error}", error=str(error)
            ) from None
        if status != 200:
            raise ProviderUnavailable("WeChat Pay's statement could not be downloaded")
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return parse_bill(data.decode("utf-8-sig"))


def parse_bill(text: str) -> list[StatementLine]:
    """The detail lines of a trade bill: successful payments and refunds.

    Every value is printed with a leading backquote; the totals after the line that
    starts with 总交易单数 are left out.
    """
    lines: list[StatementLine] = []
    detail: list[str] = []
    for line in text.splitlines():
        if line.startswith("总交易单数"):
            break
        if line.strip():
            detail.append(line)
    for row in csv.DictReader(io.StringIO("\n".join(detail))):
        clean = {(k or "").strip(): (v or "").strip().lstrip("`") for k, v in row.items()}
        state = clean.get("交易状态", "")
        reference = clean.get("商户订单号", "")
        if not reference:
            continue
        if state == "SUCCESS":
            lines.append(
                StatementLine(
                    kind="payment",
                    reference=reference,
                    provider_ref=clean.get("微信订单号", ""),
                    amount=fen_of(clean.get("订单金额") or clean.get("应结订单金额") or "0"),
                    status=state,
                )
            )
        elif state == "REFUND":
            lines.append(
                StatementLine(
                    kind="refund",
                    reference=reference,
                    provider_ref=clean.get("微信订单号", ""),
                    amount=fen_of(clean.get("退款金额") or "0"),
                    refund_reference=clean.get("商户退款单号", ""),
                    status=clean.get("退款状态", state),
                )
            )
    return lines

"""Alipay (支付宝) adapter: 电脑网站支付 (page pay) and 手机网站支付 (wap pay).

Built on python-alipay-sdk.

Requests are signed RSA2 with the app's private key; notifications and answers are
verified with Alipay's public key. Payments are named by their reference (out_trade_no,
`payments.capabilities.payment_reference`), amounts go as yuan text. The SDK's HTTP calls
block, so they run in a worker thread. `alipay_card` is the same cashier limited to bank
cards (debit and credit), offered when `KUAIQU_ALIPAY_CARD_PAYMENTS` is on.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import urllib.request
import zipfile
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from core.settings import PaymentSettings
from payments.capabilities import (
    PayAction,
    RefundState,
    StatementLine,
    TradeState,
    fen_of,
    payment_id_of,
    payment_reference,
    refund_reference,
    subject_of,
    yuan,
)
from payments.errors import InvalidSignature, ProviderUnavailable
from payments.providers import CallbackEvent, PaymentInfo, ProviderRefund, ProviderStart
from payments.statuses import PaymentMethod, PaymentStatus, RefundStatus

#: Alipay's trade statuses, as the platform's payment statuses.
_TRADE_STATUS = {
    "TRADE_SUCCESS": PaymentStatus.SUCCEEDED,
    "TRADE_FINISHED": PaymentStatus.SUCCEEDED,
    "TRADE_CLOSED": PaymentStatus.FAILED,
    "WAIT_BUYER_PAY": PaymentStatus.PENDING,
}
#: The cashier's channels for bank cards only (借记卡/信用卡快捷, 网银).
CARD_CHANNELS = "debitCardExpress,creditCardExpress,creditCard,bankPay"
#: Seconds an HTTP call to Alipay may take.
TIMEOUT_S = 15


def pem(key: str, kind: str) -> str:
    """A key as PEM, whether given as PEM or as the bare base64 body Alipay's console shows."""
    if "-----BEGIN" in key:
        return key
    body = "\n".join(key[i : i + 64] for i in range(0, len(key), 64))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"


class AlipayProvider:
    """Alipay's cashier: page pay on computers, wap pay on phones; notifications, refunds."""

    name: ClassVar[str] = "alipay"
    accepts_callbacks: ClassVar[bool] = True
    offline: ClassVar[bool] = False
    serves: ClassVar[frozenset[str]] = frozenset({"pickup", "delivery"})
    label: ClassVar[str] = "Alipay"
    callback_ack: ClassVar[str] = "success"
    modes: ClassVar[tuple[str, ...]] = ("page", "wap")
    mobile_modes: ClassVar[tuple[str, ...]] = ("wap",)
    #: Cashier channels to offer (empty: all the account has).
    channels: ClassVar[str] = ""
    #: What a successful payment is recorded as.
    paid_method: ClassVar[str] = PaymentMethod.ONLINE

    def __init__(self, settings: PaymentSettings, *, unpaid_minutes: int = 30) -> None:
        self.settings = settings
        self.unpaid_minutes = unpaid_minutes
        self.client = AliPay(
            appid=settings.alipay_app_id,
            app_private_key_string=pem(settings.alipay_private_key, "RSA PRIVATE KEY"),
            alipay_public_key_string=pem(settings.alipay_public_key, "PUBLIC KEY"),
            sign_type="RSA2",
        )
        self.client._gateway = settings.alipay_gateway
        self.client._config.timeout = TIMEOUT_S

    @property
    def notify_url(self) -> str | None:
        """Where Alipay sends notifications (None without KUAIQU_PAYMENTS_NOTIFY_BASE_URL)."""
        base = self.settings.notify_base_url
        return f"{base}/api/payments/{self.name}/webhook" if base else None

    async def create(self, payment: PaymentInfo) -> ProviderStart:
        """Nothing to call yet: the pay page signs the cashier URL when the consumer opens it."""
        return ProviderStart(
            pay_url=f"/pay/online/{payment.id}", provider_ref=payment_reference(payment.id)
        )

    async def pay_action(
        self, payment: PaymentInfo, *, mode: str, client_ip: str, return_url: str
    ) -> PayAction:
        """The signed cashier URL (page pay or wap pay) the consumer is sent to."""
        extra: dict[str, Any] = {"timeout_express": f"{self.unpaid_minutes}m"}
        if self.channels:
            extra["enable_pay_channels"] = self.channels
        common = {
            "subject": subject_of(payment),
            "out_trade_no": payment_reference(payment.id),
            "total_amount": yuan(payment.amount),
            "return_url": return_url or None,
            "notify_url": self.notify_url,
        }
        if mode == "wap":
            signed = self.client.api_alipay_trade_wap_pay(
                **common, quit_url=return_url or None, **extra
            )
        else:
            signed = self.client.api_alipay_trade_page_pay(**common, **extra)
        return PayAction(kind="redirect", url=f"{self.settings.alipay_gateway}?{signed}")

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> CallbackEvent:
        """Verify an asynchronous notification (a signed form) and read it."""
        try:
            fields = dict(
                parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            )
        except (UnicodeDecodeError, ValueError):
            raise InvalidSignature("The payment callback is not in the expected form") from None
        signature = fields.pop("sign", "")
        if not signature:
            raise InvalidSignature("The payment callback is not signed")
        if fields.get("sign_type", "RSA2") != "RSA2":
            raise InvalidSignature("The payment callback signature is not valid")
        try:
            genuine = self.client.verify(dict(fields), signature)
        except (ValueError, TypeError, AliPayException):
            genuine = False
        if not genuine:
            raise InvalidSignature("The payment callback signature is not valid")
        if fields.get("app_id") != self.settings.alipay_app_id:
            raise InvalidSignature("The payment callback is for another merchant")
        payment_id = payment_id_of(fields.get("out_trade_no", ""))
        status = _TRADE_STATUS.get(fields.get("trade_status", ""))
        if (
            payment_id is None
            or status in (None, PaymentStatus.PENDING)
            or not fields.get("notify_id")
        ):
            raise InvalidSignature("The payment callback is not in the expected form")
        return CallbackEvent(
            event_id=f"{self.name}:{fields['notify_id']}",
            payment_id=payment_id,
            amount=fen_of(fields.get("total_amount", "")),
            currency="CNY",
            status=str(status),
            provider_ref=fields.get("trade_no", "")[:64],
            method=self.paid_method,
        )

    async def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """One signed server call, its answer verified; errors as ProviderUnavailable."""
        try:
            answer: dict[str, Any] = await asyncio.to_thread(getattr(self.client, method), **kwargs)
        except AliPayValidationError:
            raise ProviderUnavailable("Alipay's answer was not signed by Alipay") from None
        except AliPayException as error:
            answer = _error_answer(error)
        except OSError as error:
            raise ProviderUnavailable(
                "Alipay could not be reached: {error}", error=str(error)
            ) from None
        return answer

    async def refund(self, payment: PaymentInfo, amount: int) -> ProviderRefund:
        """Refund `amount` fen (out_request_no names it, so a retry is the same refund)."""
        reference = refund_reference(payment)
        answer = await self._call(
            "api_alipay_trade_refund",
            refund_amount=yuan(amount),
            out_trade_no=payment_reference(payment.id),
            out_request_no=reference,
        )
        if answer.get("code") != "10000":
            raise ProviderUnavailable(
                "Alipay refused the refund: {reason}",
                reason=str(answer.get("sub_msg") or answer.get("msg") or answer.get("code")),
            )
        status = (
            RefundStatus.SUCCEEDED if answer.get("fund_change") == "Y" else RefundStatus.PROCESSING
        )
        return ProviderRefund(status=status, provider_ref=reference)

    async def query_trade(self, payment: PaymentInfo) -> TradeState:
        """alipay.trade.query: what Alipay knows of the payment."""
        answer = await self._call(
            "api_alipay_trade_query", out_trade_no=payment_reference(payment.id)
        )
        if answer.get("code") != "10000":
            return TradeState("unknown", 0, payment.currency, "")
        status = _TRADE_STATUS.get(answer.get("trade_status", ""), "unknown")
        return TradeState(
            status=str(status),
            amount=fen_of(answer.get("total_amount", "0")),
            currency="CNY",
            provider_ref=str(answer.get("trade_no", ""))[:64],
            method=self.paid_method,
        )

    async def query_refund(self, payment: PaymentInfo, reference: str) -> RefundState:
        """alipay.trade.fastpay.refund.query: whether the refund was paid back."""
        answer = await self._call(
            "api_alipay_trade_fastpay_refund_query",
            out_request_no=reference,
            out_trade_no=payment_reference(payment.id),
        )
        if answer.get("code") != "10000" or not answer.get("refund_amount"):
            return RefundState("unknown", 0)
        status = answer.get("refund_status", "REFUND_SUCCESS")
        return RefundState(
            status=RefundStatus.SUCCEEDED
            if status == "REFUND_SUCCESS"
            else RefundStatus.PROCESSING,
            amount=fen_of(answer["refund_amount"]),
        )

    async def statement(self, day: date) -> list[StatementLine]:
        """The day's trade bill (alipay.data.dataservice.bill.downloadurl.query), parsed."""
        answer = await self._call(
            "server_api",
            api_name="alipay.data.dataservice.bill.downloadurl.query",
            biz_content={"bill_type": "trade", "bill_date": day.isoformat()},
        )
        url = answer.get("bill_download_url")
        if answer.get("code") != "10000" or not url:
            raise ProviderUnavailable(
                "Alipay has no statement for {day}: {reason}",
                day=day.isoformat(),
                reason=str(answer.get("sub_msg") or answer.get("msg") or ""),
            )
        try:
            archive = await asyncio.to_thread(_download, str(url))
        except OSError as error:
            raise ProviderUnavailable(
                "Alipay could not be reached: {error}", error=str(error)
            ) from None
        return parse_bill(archive)


class AlipayCardProvider(AlipayProvider):
    """Bank cards (debit and credit) through Alipay's cashier, limited to card channels."""

    name: ClassVar[str] = "alipay_card"
    label: ClassVar[str] = "Bank card (through Alipay)"
    channels: ClassVar[str] = CARD_CHANNELS
    paid_method: ClassVar[str] = PaymentMethod.CARD


def _error_answer(error: AliPayException) -> dict[str, Any]:
    """The business error inside an unsigned error answer (the SDK keeps it raw)."""
    message = str(getattr(error, "_AliPayException__message", "") or error)
    try:
        raw = json.loads(message)
    except ValueError:
        return {"code": "0", "msg": message}
    for value in raw.values() if isinstance(raw, dict) else []:
        if isinstance(value, dict) and "code" in value:
            return value
    return {"code": "0", "msg": message}


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:
        return bytes(answer.read())


#: Column names of the trade bill (明细) CSV.
_COLUMNS = {
    "provider_ref": "支付宝交易号",
    "reference": "商户订单号",
    "kind": "业务类型",
    "amount": "订单金额（元）",
    "received": "商家实收（元）",
    "refund_reference": "退款批次号/请求号",
}


def parse_bill(archive: bytes) -> list[StatementLine]:
    """The detail lines (业务明细) of a trade-bill zip: payments (交易) and refunds (退款)."""
    lines: list[StatementLine] = []
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        for name in bundle.namelist():
            if "汇总" in name or not name.lower().endswith(".csv"):
                continue
            raw = bundle.read(name)
            try:
                text = raw.decode("gbk")
            except UnicodeDecodeError:
                text = raw.decode("utf-8-sig")
            rows = [line for line in text.splitlines() if line and not line.startswith("#")]
            for row in csv.DictReader(rows):
                clean = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                reference = clean.get(_COLUMNS["reference"], "")
                kind = clean.get(_COLUMNS["kind"], "")
                if not reference or kind not in ("交易", "退款"):
                    continue
                if kind == "交易":
                    amount = fen_of(clean.get(_COLUMNS["amount"], "0"))
                else:
                    amount = abs(fen_of(clean.get(_COLUMNS["received"], "0")))
                lines.append(
                    StatementLine(
                        kind="payment" if kind == "交易" else "refund",
                        reference=reference,
                        provider_ref=clean.get(_COLUMNS["provider_ref"], ""),
                        amount=amount,
                        refund_reference=clean.get(_COLUMNS["refund_reference"], "")
                        if kind == "退款"
                        else "",
                        status=kind,
                    )
                )
    return lines

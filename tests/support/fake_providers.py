"""Local fakes of Alipay's and WeChat Pay's servers, signing with keys the tests generate.

Each fake is a real HTTP server on 127.0.0.1 (a thread), speaking just enough of the
provider's protocol for the adapters: it checks the platform's request signatures,
answers signed, keeps trades and refunds, serves a statement (bill), and builds the
notifications the provider would send (signed with its key, or with another one).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    """A private key as PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    """The public half as PEM."""
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa2_sign(key: rsa.RSAPrivateKey, text: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5), base64: both providers' signature."""
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verify(key: rsa.RSAPrivateKey, text: str, signature: str) -> bool:
    """Whether `signature` is `key`'s public half's signature of `text`."""
    try:
        key.public_key().verify(
            base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@dataclass
class Trade:
    """A trade the fake provider holds."""

    reference: str
    amount: int
    status: str
    provider_ref: str
    refunds: dict[str, int] = field(default_factory=dict)


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 dispatching to `handle`."""

    def __init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = fake.handle(
                    self.command, self.path, dict(self.headers.items()), body
                )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.calls: list[str] = []

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


class FakeAlipay(_Server):
    """Alipay's open gateway: trade query, refund, refund query, bill download; notifications."""

    APP_ID = "2021000000000001"

    def __init__(self, app_key: rsa.RSAPrivateKey, alipay_key: rsa.RSAPrivateKey) -> None:
        super().__init__()
        self.app_key = app_key
        self.alipay_key = alipay_key
        self.trades: dict[str, Trade] = {}
        self.bill_lines: list[dict[str, str]] = []

    def environment(self) -> dict[str, str]:
        """The KUAIQU_* variables pointing the adapter at this fake."""
        return {
            "KUAIQU_ALIPAY_APP_ID": self.APP_ID,
            "KUAIQU_ALIPAY_PRIVATE_KEY": private_pem(self.app_key),
            "KUAIQU_ALIPAY_PUBLIC_KEY": public_pem(self.alipay_key),
            "KUAIQU_ALIPAY_GATEWAY": f"{self.base}/gateway.do",
            "KUAIQU_PAYMENTS_NOTIFY_BASE_URL": "https://shop.example",
        }

    def open_trade(self, reference: str, amount: int, status: str = "TRADE_SUCCESS") -> Trade:
        """A trade as if the consumer paid on the cashier."""
        trade = Trade(reference, amount, status, f"2026120322001{len(self.trades) + 1:011d}")
        self.trades[reference] = trade
        return trade

    def notification(
        self,
        reference: str,
        amount: int,
        *,
        status: str = "TRADE_SUCCESS",
        key: rsa.RSAPrivateKey | None = None,
        notify_id: str | None = None,
        app_id: str | None = None,
        tamper: dict[str, str] | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The asynchronous notification Alipay posts (signed with `key`, by default its own)."""
        trade = self.trades.get(reference) or self.open_trade(reference, amount, status)
        fields = {
            "notify_time": "2026-12-03 10:00:00",
            "notify_type": "trade_status_sync",
            "notify_id": notify_id or secrets.token_hex(16),
            "app_id": app_id or self.APP_ID,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.provider_ref,
            "out_trade_no": reference,
            "trade_status": status,
            "total_amount": _yuan(amount),
            "receipt_amount": _yuan(amount),
        }
        unsigned = "&".join(f"{k}={v}" for k, v in sorted(fields.items()))
        signed = {
            **fields,
            "sign": rsa2_sign(key or self.alipay_key, unsigned),
            "sign_type": "RSA2",
        }
        signed.update(tamper or {})
        return urlencode(signed).encode(), {"Content-Type": "application/x-www-form-urlencoded"}

    def _answer(self, method: str, content: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        inner = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        key = method.replace(".", "_") + "_response"
        text = f'{{"{key}":{inner},"sign":"{rsa2_sign(self.alipay_key, inner)}"}}'
        return 200, {"Content-Type": "application/json;charset=utf-8"}, text.encode()

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve the gateway and the bill file."""
        parts = urlsplit(path)
        if parts.path.startswith("/bill/"):
            return 200, {"Content-Type": "application/zip"}, self._bill_zip()
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        sign = params.pop("sign", "")  # requests sign every other field, sign_type too
        unsigned = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        api = params.get("method", "")
        self.calls.append(api)
        if params.get("app_id") != self.APP_ID or not rsa2_verify(self.app_key, unsigned, sign):
            return self._answer(
                api,
                {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"},
            )
        biz = json.loads(params.get("biz_content") or "{}")
        trade = self.trades.get(biz.get("out_trade_no", ""))
        ok = {"code": "10000", "msg": "Success"}
        missing = {
            "code": "40004",
            "msg": "Business Failed",
            "sub_code": "ACQ.TRADE_NOT_EXIST",
            "sub_msg": "交易不存在",
        }
        if api == "alipay.trade.query":
            if trade is None:
                return self._answer(api, missing)
            return self._answer(
                api,
                {
                    **ok,
                    "trade_no": trade.provider_ref,
                    "out_trade_no": trade.reference,
                    "trade_status": trade.status,
                    "total_amount": _yuan(trade.amount),
                },
            )
        if api == "alipay.trade.refund":
            if trade is None or trade.status != "TRADE_SUCCESS":
                return self._answer(api, missing)
            request_no = biz.get("out_request_no", "")
            cents = round(float(biz["refund_amount"]) * 100)
            if request_no not in trade.refunds:
                if sum(trade.refunds.values()) + cents > trade.amount:
                    return self._answer(
                        api,
                        {
                            "code": "40004",
                            "msg": "Business Failed",
                            "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                            "sub_msg": "退款金额超限",
                        },
                    )
                trade.refunds[request_no] = cents
            return self._answer(
                api,
                {
                    **ok,
                    "trade_no": trade.provider_ref,
                    "out_trade_no": trade.reference,
                    "fund_change": "Y",
                    "refund_fee": _yuan(sum(trade.refunds.values())),
                },
            )
        if api == "alipay.trade.fastpay.refund.query":
            request_no = biz.get("out_request_no", "")
            if trade is None or request_no not in trade.refunds:
                return self._answer(api, ok)
            return self._answer(
                api,
                {
                    **ok,
                    "out_request_no": request_no,
                    "refund_amount": _yuan(trade.refunds[request_no]),
                    "refund_status": "REFUND_SUCCESS",
                },
            )
        if api == "alipay.data.dataservice.bill.downloadurl.query":
            return self._answer(
                api, {**ok, "bill_download_url": f"{self.base}/bill/{biz.get('bill_date')}.zip"}
            )
        return self._answer(api, {"code": "40004", "msg": "unknown method"})

    def _bill_zip(self) -> bytes:
        columns = [
            "支付宝交易号",
            "商户订单号",
            "业务类型",
            "商品名称",
            "订单金额（元）",
            "商家实收（元）",
            "退款批次号/请求号",
        ]
        out = io.StringIO()
        out.write("#支付宝业务明细查询\n#账号：[20880000000000000156]\n")
        writer = csv.writer(out)
        writer.writerow(columns)
        for line in self.bill_lines:
            writer.writerow([line.get(c, "") for c in columns])
        out.write("#-----------------------------------------业务明细列表结束------------\n")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(
                "20880000000000000156_20261203_业务明细.csv", out.getvalue().encode("gbk")
            )
            bundle.writestr(
                "20880000000000000156_20261203_业务明细(汇总).csv", "#汇总\n".encode("gbk")
            )
        return archive.getvalue()

    def bill_payment(self, reference: str, amount: int, provider_ref: str = "") -> None:
        """A 交易 line in the day's bill."""
        self.bill_lines.append(
            {
                "支付宝交易号": provider_ref or f"T{reference}",
                "商户订单号": reference,
                "业务类型": "交易",
                "订单金额（元）": _yuan(amount),
                "商家实收（元）": _yuan(amount),
            }
        )

    def bill_refund(self, reference: str, amount: int, request_no: str) -> None:
        """A 退款 line in the day's bill."""
        self.bill_lines.append(
            {
                "支付宝交易号": f"T{reference}",
                "商户订单号": reference,
                "业务类型": "退款",
                "订单金额（元）": _yuan(amount),
                "商家实收（元）": "-" + _yuan(amount),
                "退款批次号/请求号": request_no,
            }
        )


class FakeWechatPay(_Server):
    """WeChat Pay v3: Native/H5 orders, query, refunds, trade bill; signed, encrypted callbacks."""

    MCH_ID = "1900000109"
    APP_ID = "wxd678efh567hg6787"
    SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092025"
    APIV3_KEY = "a12d3924fd499edac8a5efc4f2b3c7d8"

    def __init__(self, merchant_key: rsa.RSAPrivateKey, platform_key: rsa.RSAPrivateKey) -> None:
        super().__init__()
        self.merchant_key = merchant_key
        self.platform_key = platform_key
        self.trades: dict[str, Trade] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.bill_rows: list[list[str]] = []
        #: The status new refunds start in (PROCESSING: paid back later).
        self.refund_status = "SUCCESS"
        #: The notify_url each refund was asked with, by out_refund_no.
        self.refund_notify_urls: dict[str, str] = {}

    def environment(self) -> dict[str, str]:
        """The KUAIQU_* variables pointing the adapter at this fake."""
        return {
            "KUAIQU_WECHAT_PAY_MCH_ID": self.MCH_ID,
            "KUAIQU_WECHAT_PAY_APP_ID": self.APP_ID,
            "KUAIQU_WECHAT_PAY_PRIVATE_KEY": private_pem(self.merchant_key),
            "KUAIQU_WECHAT_PAY_CERT_SERIAL": self.SERIAL,
            "KUAIQU_WECHAT_PAY_APIV3_KEY": self.APIV3_KEY,
            "KUAIQU_WECHAT_PAY_PUBLIC_KEY": public_pem(self.platform_key),
            "KUAIQU_WECHAT_PAY_PUBLIC_KEY_ID": self.PUBLIC_KEY_ID,
            "KUAIQU_WECHAT_PAY_GATEWAY": self.base,
            "KUAIQU_PAYMENTS_NOTIFY_BASE_URL": "https://shop.example",
        }

    def _signed(
        self, body: str, key: rsa.RSAPrivateKey | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": self.PUBLIC_KEY_ID,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Signature": rsa2_sign(
                key or self.platform_key, f"{stamp}\n{nonce}\n{body}\n"
            ),
        }

    def open_trade(self, reference: str, amount: int, state: str = "SUCCESS") -> Trade:
        """A trade as if the consumer scanned and paid."""
        trade = Trade(reference, amount, state, f"42000000002026120{len(self.trades) + 1:011d}")
        self.trades[reference] = trade
        return trade

    def callback(
        self,
        reference: str,
        amount: int,
        *,
        state: str = "SUCCESS",
        key: rsa.RSAPrivateKey | None = None,
        event_id: str | None = None,
        timestamp: int | None = None,
        apiv3_key: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The callback WeChat Pay posts: resource encrypted with the APIv3 key, body signed."""
        trade = self.trades.get(reference) or self.open_trade(reference, amount, state)
        resource = {
            "mchid": self.MCH_ID,
            "appid": self.APP_ID,
            "out_trade_no": reference,
            "transaction_id": trade.provider_ref,
            "trade_type": "NATIVE",
            "trade_state": state,
            "amount": {
                "total": amount,
                "payer_total": amount,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
        }
        nonce = secrets.token_hex(6)
        cipher = AESGCM((apiv3_key or self.APIV3_KEY).encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), b"transaction"
        )
        body = json.dumps(
            {
                "id": event_id or secrets.token_hex(12),
                "create_time": "2026-12-03T10:00:00+08:00",
                "resource_type": "encrypt-resource",
                "event_type": "TRANSACTION.SUCCESS",
                "summary": "支付成功",
                "resource": {
                    "original_type": "transaction",
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(cipher).decode(),
                    "associated_data": "transaction",
                    "nonce": nonce,
                },
            }
        )
        headers = {"Content-Type": "application/json", **self._signed(body, key, timestamp)}
        return body.encode(), headers

    def refund_notification(
        self,
        refund_no: str,
        *,
        status: str = "SUCCESS",
        amount: int | None = None,
        reference: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        event_id: str | None = None,
        timestamp: int | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The refund result WeChat Pay posts to a refund's notify_url (REFUND.<status>).

        The refund's status here becomes `status`; `amount` and `reference` (out_trade_no)
        default to the refund's own.
        """
        held = self.refunds.get(refund_no)
        if held is not None:
            held["status"] = status
        trade_ref = reference or refund_no.split("R", 1)[0]
        refunded = amount if amount is not None else (held or {}).get("amount", {}).get("refund")
        total = (held or {}).get("amount", {}).get("total", refunded)
        resource = {
            "mchid": self.MCH_ID,
            "out_trade_no": trade_ref,
            "transaction_id": f"4200{trade_ref[-12:]}",
            "out_refund_no": refund_no,
            "refund_id": f"5030{secrets.token_hex(8)}",
            "refund_status": status,
            "success_time": "2026-12-03T10:05:00+08:00",
            "user_received_account": "招商银行信用卡0403",
            "amount": {
                "total": total,
                "refund": refunded,
                "payer_total": total,
                "payer_refund": refunded,
            },
        }
        nonce = secrets.token_hex(6)
        cipher = AESGCM(self.APIV3_KEY.encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), b"refund"
        )
        body = json.dumps(
            {
                "id": event_id or secrets.token_hex(12),
                "create_time": "2026-12-03T10:05:00+08:00",
                "resource_type": "encrypt-resource",
                "event_type": f"REFUND.{status}",
                "summary": "退款成功" if status == "SUCCESS" else "退款异常",
                "resource": {
                    "original_type": "refund",
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(cipher).decode(),
                    "associated_data": "refund",
                    "nonce": nonce,
                },
            }
        )
        headers = {"Content-Type": "application/json", **self._signed(body, key, timestamp)}
        return body.encode(), headers

    def _reply(self, status: int, content: Any) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(content) if not isinstance(content, str) else content
        return status, {"Content-Type": "application/json", **self._signed(body)}, body.encode()

    def _authorised(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not auth.startswith("WECHATPAY2-SHA256-RSA2048 "):
            return False
        fields = dict(
            part.split("=", 1) for part in auth.split(" ", 1)[1].split(",") if "=" in part
        )
        fields = {k: v.strip('"') for k, v in fields.items()}
        message = f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n"
        message += f"{body.decode()}\n"
        return fields.get("mchid") == self.MCH_ID and rsa2_verify(
            self.merchant_key, message, fields.get("signature", "")
        )

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Serve the v3 API."""
        parts = urlsplit(path)
        self.calls.append(f"{method} {parts.path}")
        if not self._authorised(method, path, headers, body):
            return self._reply(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        data = json.loads(body or b"{}")
        if parts.path in ("/v3/pay/transactions/native", "/v3/pay/transactions/h5"):
            reference = data["out_trade_no"]
            self.trades.setdefault(
                reference,
                Trade(
                    reference, data["amount"]["total"], "NOTPAY", f"4200{len(self.trades) + 1:012d}"
                ),
            )
            if parts.path.endswith("native"):
                return self._reply(200, {"code_url": f"weixin://wxpay/bizpayurl?pr={reference}"})
            return self._reply(
                200, {"h5_url": f"https://wx.tenpay.com/checkmweb?prepay={reference}"}
            )
        if parts.path.startswith("/v3/pay/transactions/out-trade-no/"):
            trade = self.trades.get(parts.path.rsplit("/", 1)[1])
            if trade is None:
                return self._reply(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
            return self._reply(
                200,
                {
                    "out_trade_no": trade.reference,
                    "trade_state": trade.status,
                    "transaction_id": trade.provider_ref,
                    "amount": {"total": trade.amount, "currency": "CNY"},
                },
            )
        if parts.path == "/v3/refund/domestic/refunds" and method == "POST":
            trade = self.trades.get(data["out_trade_no"])
            if trade is None or trade.status not in ("SUCCESS", "REFUND"):
                return self._reply(404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"})
            number = data["out_refund_no"]
            if number not in self.refunds:
                amount = data["amount"]["refund"]
                if sum(trade.refunds.values()) + amount > trade.amount:
                    return self._reply(403, {"code": "NOT_ENOUGH", "message": "退款金额超限"})
                trade.refunds[number] = amount
                self.refund_notify_urls[number] = str(data.get("notify_url", ""))
                self.refunds[number] = {
                    "out_refund_no": number,
                    "status": self.refund_status,
                    "amount": {"refund": amount, "total": trade.amount},
                }
            return self._reply(200, self.refunds[number])
        if parts.path.startswith("/v3/refund/domestic/refunds/"):
            found = self.refunds.get(parts.path.rsplit("/", 1)[1])
            return self._reply(200, found) if found else self._reply(404, {"code": "NOT_FOUND"})
        if parts.path == "/v3/bill/tradebill":
            return self._reply(
                200,
                {
                    "hash_type": "SHA1",
                    "hash_value": "x",
                    "download_url": f"{self.base}/v3/billdownload/file?token=t",
                },
            )
        if parts.path == "/v3/billdownload/file":
            head = (
                "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,"
                "交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,"
                "商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
                "手续费,费率,订单金额,申请退款金额,费率备注"
            )
            rows = [",".join("`" + cell for cell in row) for row in self.bill_rows]
            text = "\n".join([head, *rows, "总交易单数,应结订单总金额", "`0,`0.00"]) + "\n"
            return 200, {"Content-Type": "text/plain"}, text.encode()
        return self._reply(404, {"code": "NOT_FOUND"})

    def bill_row(
        self, reference: str, amount: int, *, refund: int = 0, refund_no: str = ""
    ) -> None:
        """A line of the trade bill: a payment, or a refund of one."""
        cells = [""] * 27
        cells[0] = "2026-12-03 10:00:00"
        cells[5] = f"T{reference}"
        cells[6] = reference
        cells[9] = "REFUND" if refund else "SUCCESS"
        cells[11] = "CNY"
        cells[12] = _yuan(amount)
        cells[15] = refund_no
        cells[16] = _yuan(refund)
        cells[24] = _yuan(amount)
        self.bill_rows.append(cells)

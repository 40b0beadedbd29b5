"""What verifying a provider's callback costs: Alipay (RSA2), WeChat Pay (RSA + AES-GCM), sandbox.

CPU only, no database: each adapter verifies N callbacks built by the local fakes
(`tests/support/fake_providers.py`) with keys made for the run, and signs N Alipay cashier
URLs. Prints microseconds per operation.

    .venv/bin/python bench/payments_bench.py [N]
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("KUAIQU_SECRET_KEY", "bench-secret-key-not-for-production-use")


def _per_op(label: str, n: int, work: Callable[[], object]) -> None:
    work()  # warm up
    start = time.perf_counter()
    for _ in range(n):
        work()
    micro = (time.perf_counter() - start) / n * 1e6
    print(f"{label:<44} {micro:10.1f} µs/op")


def main(n: int) -> None:
    """Build the adapters against fakes, then time verification and signing."""
    import asyncio

    from core.settings import load_payment_settings
    from payments.alipay import AlipayProvider
    from payments.providers import PaymentInfo, SandboxProvider
    from payments.sandbox import sign_callback
    from payments.wechat_pay import WechatPayProvider
    from tests.support.fake_providers import FakeAlipay, FakeWechatPay, new_key

    alipay_fake = FakeAlipay(new_key(), new_key())
    wechat_fake = FakeWechatPay(new_key(), new_key())
    try:
        alipay = AlipayProvider(load_payment_settings(alipay_fake.environment()))
        wechat = WechatPayProvider(load_payment_settings(wechat_fake.environment()))
        sandbox = SandboxProvider(secret=b"bench")
        ali_body, ali_headers = alipay_fake.notification("KQP0000000001", 12900)
        wx_body, wx_headers = wechat_fake.callback("KQP0000000001", 12900)
        sbx_body, sbx_headers = sign_callback(
            {"payment_id": 1, "amount": 12900, "currency": "CNY", "status": "succeeded"},
            secret=b"bench",
        )
        info = PaymentInfo(1, 1, "KQ00000001", 12900, "CNY", "", "")
        print(f"payments_bench: N={n}")
        _per_op(
            "sandbox verify (HMAC-SHA256)",
            n,
            lambda: sandbox.verify_callback(sbx_body, sbx_headers),
        )
        _per_op(
            "alipay verify (RSA2 public key)",
            n,
            lambda: alipay.verify_callback(ali_body, ali_headers),
        )
        _per_op(
            "wechat_pay verify (RSA + AES-256-GCM)",
            n,
            lambda: wechat.verify_callback(wx_body, wx_headers),
        )
        _per_op(
            "alipay sign cashier URL (RSA2 private key)",
            n,
            lambda: asyncio.run(
                alipay.pay_action(info, mode="page", client_ip="", return_url="https://x/r")
            ),
        )
    finally:
        alipay_fake.close()
        wechat_fake.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)

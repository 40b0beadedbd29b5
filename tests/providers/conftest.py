"""Fixtures of the provider tests: local fake servers and the keys they sign with."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.fake_providers import FakeAlipay, FakeWechatPay, new_key


@pytest.fixture(scope="session")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    """RSA keys made for this run: the app's, the provider's, and a stranger's."""
    return {name: new_key() for name in ("app", "alipay", "merchant", "wechat", "stranger")}


@pytest.fixture
def alipay(
    keys: dict[str, rsa.RSAPrivateKey], environment: Callable[..., None]
) -> Iterator[FakeAlipay]:
    """A fake Alipay gateway on 127.0.0.1, and the adapter configured to use it."""
    fake = FakeAlipay(keys["app"], keys["alipay"])
    environment(**fake.environment(), KUAIQU_ALIPAY_CARD_PAYMENTS="1")
    yield fake
    fake.close()


@pytest.fixture
def wechat(
    keys: dict[str, rsa.RSAPrivateKey], environment: Callable[..., None]
) -> Iterator[FakeWechatPay]:
    """A fake WeChat Pay v3 API on 127.0.0.1, and the adapter configured to use it."""
    fake = FakeWechatPay(keys["merchant"], keys["wechat"])
    environment(**fake.environment())
    yield fake
    fake.close()

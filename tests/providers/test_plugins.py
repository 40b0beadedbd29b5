"""Providers exist exactly when configured; keys may come from files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.settings import load_settings
from payments.errors import ProviderNotFound
from payments.providers import get_provider, provider_names
from tests.support.fake_providers import FakeAlipay


def test_unconfigured_providers_do_not_exist(environment: Callable[..., None]) -> None:
    environment(KUAIQU_ALIPAY_APP_ID=None, KUAIQU_WECHAT_PAY_MCH_ID=None)
    assert not {"alipay", "alipay_card", "wechat_pay"} & set(provider_names())
    with pytest.raises(ProviderNotFound):
        get_provider("alipay")


def test_cards_are_offered_only_when_switched_on(
    alipay: FakeAlipay, environment: Callable[..., None]
) -> None:
    assert {"alipay", "alipay_card"} <= set(provider_names())
    environment(KUAIQU_ALIPAY_CARD_PAYMENTS=None)
    assert "alipay" in provider_names() and "alipay_card" not in provider_names()


def test_keys_are_read_from_files(tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n")
    settings = load_settings(
        {
            "KUAIQU_SECRET_KEY": "x" * 40,
            "KUAIQU_ALIPAY_APP_ID": "2021",
            "KUAIQU_ALIPAY_PRIVATE_KEY_FILE": str(key),
            "KUAIQU_ALIPAY_PUBLIC_KEY": "MIIB",
            "KUAIQU_PAYMENTS_NOTIFY_BASE_URL": "https://shop.example/",
        }
    )
    assert settings.payments.alipay_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert settings.payments.alipay_configured and not settings.payments.wechat_configured
    assert settings.payments.notify_base_url == "https://shop.example"

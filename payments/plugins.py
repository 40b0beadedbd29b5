"""Payment-provider plug-ins, built from configuration.

Each real provider is a plug-in: a factory that reads `Settings.payments` and returns the
providers it can run (none while unconfigured). `payments.providers.registered_providers`
adds what they return, so the checkout offers exactly what is configured and the order
domain never names a provider. Adapters are imported only when configured (their SDKs
are not loaded otherwise).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from payments.providers import PaymentProvider

#: A plug-in: settings in, the providers it runs out.
Plugin = Callable[[Settings], "list[PaymentProvider]"]


def alipay_plugin(settings: Settings) -> list[PaymentProvider]:
    """Alipay (`alipay`), and bank cards through it (`alipay_card`) when switched on."""
    config = settings.payments
    if not config.alipay_configured:
        return []
    alipay = importlib.import_module("payments.alipay")
    found: list[PaymentProvider] = [
        alipay.AlipayProvider(config, unpaid_minutes=settings.unpaid_order_minutes)
    ]
    if config.alipay_card_payments:
        found.append(
            alipay.AlipayCardProvider(config, unpaid_minutes=settings.unpaid_order_minutes)
        )
    return found


def wechat_pay_plugin(settings: Settings) -> list[PaymentProvider]:
    """WeChat Pay v3 (`wechat_pay`): Native QR codes and H5."""
    config = settings.payments
    if not config.wechat_configured:
        return []
    wechat = importlib.import_module("payments.wechat_pay")
    return [wechat.WechatPayProvider(config, unpaid_minutes=settings.unpaid_order_minutes)]


#: The plug-ins, in the order the checkout lists their providers.
PLUGINS: list[Plugin] = [alipay_plugin, wechat_pay_plugin]


#: The settings last asked about and their providers: every order asks (three times), and
#: hashing the whole settings tree for the cache below cost more than the rest of the check.
_last: tuple[Settings, dict[str, PaymentProvider]] | None = None


def configured_providers(settings: Settings) -> dict[str, PaymentProvider]:
    """The providers the configured plug-ins run, by name (built once per settings)."""
    global _last
    if _last is not None and _last[0] is settings:
        return _last[1]
    found = _build(settings)
    _last = (settings, found)
    return found


@lru_cache(maxsize=8)
def _build(settings: Settings) -> dict[str, PaymentProvider]:
    found: dict[str, PaymentProvider] = {}
    for plugin in PLUGINS:
        for provider in plugin(settings):
            found[provider.name] = provider
    return found

"""Platform settings, read from the environment once per process."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Where the embedded default keeps its SQLite file, sessions, uploads and secret key.
DEFAULT_VAR_DIR = Path.cwd() / "var"

SUPPORTED_LOCALES = ("zh-CN", "en")


def _read_or_create_secret(var_dir: Path) -> str:
    """Return the secret kept in `var/secret_key`, creating it on first use.

    Every worker process of one installation must share the key, or sessions and pickup
    codes signed by one worker would be refused by another; a file does that without
    asking a newcomer to configure anything.
    """
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class PaymentSettings:
    """Credentials of the real payment providers; a provider is offered once configured."""

    #: Public base URL providers send asynchronous notifications to (`https://shop.example`);
    #: `/api/payments/{provider}/webhook` is appended.
    notify_base_url: str = ""
    alipay_app_id: str = ""
    #: The app's RSA private key (PEM, or the bare base64 body).
    alipay_private_key: str = ""
    #: Alipay's RSA public key, which signs its notifications and answers.
    alipay_public_key: str = ""
    alipay_gateway: str = "https://openapi.alipay.com/gateway.do"
    #: Also offer bank cards (debit and credit) through Alipay's cashier as provider `alipay_card`.
    alipay_card_payments: bool = False
    wechat_mch_id: str = ""
    wechat_app_id: str = ""
    #: The merchant's API private key (PEM) and the serial number of its certificate.
    wechat_private_key: str = ""
    wechat_cert_serial: str = ""
    #: The APIv3 key (32 characters) that encrypts callbacks (AES-256-GCM).
    wechat_apiv3_key: str = ""
    #: WeChat Pay's public key (PEM) and its id (PUB_KEY_ID_…), which sign answers and callbacks.
    wechat_public_key: str = ""
    wechat_public_key_id: str = ""
    wechat_gateway: str = "https://api.mch.weixin.qq.com"

    @property
    def alipay_configured(self) -> bool:
        """Whether Alipay has what it needs to sign and verify."""
        return bool(self.alipay_app_id and self.alipay_private_key and self.alipay_public_key)

    @property
    def wechat_configured(self) -> bool:
        """Whether WeChat Pay has what it needs to sign, verify and decrypt."""
        return bool(
            self.wechat_mch_id
            and self.wechat_app_id
            and self.wechat_private_key
            and self.wechat_cert_serial
            and self.wechat_apiv3_key
            and self.wechat_public_key
            and self.wechat_public_key_id
        )


def _secret(env: Mapping[str, str], name: str) -> str:
    """A secret from `NAME`, or read from the file named by `NAME_FILE`."""
    value = env.get(name, "")
    path = env.get(f"{name}_FILE", "")
    if not value and path:
        value = Path(path).read_text()
    return value.strip()


def load_payment_settings(env: Mapping[str, str]) -> PaymentSettings:
    """The `KUAIQU_ALIPAY_*`, `KUAIQU_WECHAT_PAY_*` and `KUAIQU_PAYMENTS_*` variables."""
    return PaymentSettings(
        notify_base_url=env.get("KUAIQU_PAYMENTS_NOTIFY_BASE_URL", "").rstrip("/"),
        alipay_app_id=env.get("KUAIQU_ALIPAY_APP_ID", ""),
        alipay_private_key=_secret(env, "KUAIQU_ALIPAY_PRIVATE_KEY"),
        alipay_public_key=_secret(env, "KUAIQU_ALIPAY_PUBLIC_KEY"),
        alipay_gateway=env.get("KUAIQU_ALIPAY_GATEWAY", "")
        or "https://openapi.alipay.com/gateway.do",
        alipay_card_payments=_flag(env.get("KUAIQU_ALIPAY_CARD_PAYMENTS", "")),
        wechat_mch_id=env.get("KUAIQU_WECHAT_PAY_MCH_ID", ""),
        wechat_app_id=env.get("KUAIQU_WECHAT_PAY_APP_ID", ""),
        wechat_private_key=_secret(env, "KUAIQU_WECHAT_PAY_PRIVATE_KEY"),
        wechat_cert_serial=env.get("KUAIQU_WECHAT_PAY_CERT_SERIAL", ""),
        wechat_apiv3_key=_secret(env, "KUAIQU_WECHAT_PAY_APIV3_KEY"),
        wechat_public_key=_secret(env, "KUAIQU_WECHAT_PAY_PUBLIC_KEY"),
        wechat_public_key_id=env.get("KUAIQU_WECHAT_PAY_PUBLIC_KEY_ID", ""),
        wechat_gateway=(
            env.get("KUAIQU_WECHAT_PAY_GATEWAY", "") or "https://api.mch.weixin.qq.com"
        ).rstrip("/"),
    )


@dataclass(frozen=True)
class Settings:
    """Configuration of one Kuaiqu process (see the README for every variable)."""

    #: `sqlite:///path/to/file.sqlite3` or `postgresql://user@host:port/db`.
    database_url: str
    #: `redis://host:port/db`, or empty for in-memory channels and file sessions.
    redis_url: str
    #: Signs sessions, CSRF tokens and pickup codes.
    secret_key: str
    #: `zh-CN` or `en`: the language of pages and messages for a visitor with no choice yet.
    default_locale: str
    #: Folder for the SQLite file, file sessions and uploaded files.
    var_dir: Path
    #: Folder served under `/media` (product images, uploads).
    media_dir: Path
    #: Show tracebacks instead of the friendly 500 page.
    debug: bool = False
    #: Minutes an unpaid order is held before the sweep cancels it.
    unpaid_order_minutes: int = 30
    #: Pickup-code signing keys, newest first: "kid:secret,kid:secret". Empty: one key
    #: derived from secret_key. Add a new key in front to rotate; old codes stay valid
    #: while their key is listed.
    pickup_keys: str = ""
    #: Register the sandbox payment provider (a stand-in with a hosted pay page that anyone
    #: logged in can "pay" on): for development, the demo and tests only, never production.
    sandbox_payments: bool = False
    #: Signing key of sandbox callbacks; empty: derived from secret_key.
    sandbox_pay_secret: str = ""
    #: The SMTP server mails go through (`smtp://user:pass@host:port`), or empty to log them.
    smtp_url: str = ""
    #: Run the periodic sweeps (unpaid orders, pickup expiry, auto-confirm) in the app.
    sweeps_enabled: bool = True
    #: PostgreSQL connections per app process (`kuaiqu run --workers N`: N pools).
    db_pool_size: int = 10
    #: Geocoder of addresses: offline, nominatim or baidu.
    geocoder: str = "offline"
    #: User agent sent to Nominatim.
    geocoder_user_agent: str = "kuaiqu"
    #: API key of the Baidu geocoder.
    geocoder_api_key: str = ""
    #: Mark the session and CSRF cookies Secure (sent over HTTPS only): on in production,
    #: behind TLS; off by default so the embedded http://localhost set-up works.
    secure_cookies: bool = False
    #: Payment providers (see `payments/plugins.py` and the README's Payments section).
    payments: PaymentSettings = field(default_factory=PaymentSettings)
    #: A new supplier's entry fee (入驻费) in fen, paid before it goes active.
    supplier_entry_fee: int = 100_000
    #: A new supplier's deposit (保证金) in fen, the default the operator approves with.
    supplier_deposit: int = 1_000_000
    #: Payment-channel fee charged to suppliers on settlement, in basis points of net sales.
    settlement_fee_bp: int = 60

    @property
    def is_postgres(self) -> bool:
        """Whether the database is PostgreSQL (otherwise SQLite)."""
        return self.database_url.startswith(("postgres://", "postgresql://"))


def _flag(value: str) -> bool:
    """Whether an on/off variable is on (1, true or yes)."""
    return value.strip().lower() in ("1", "true", "yes")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (`KUAIQU_*`)."""
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("KUAIQU_VAR_DIR", str(DEFAULT_VAR_DIR))).resolve()
    locale = env.get("KUAIQU_DEFAULT_LOCALE", "zh-CN")
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(
            f"KUAIQU_DEFAULT_LOCALE must be one of {SUPPORTED_LOCALES}, not {locale!r}"
        )
    return Settings(
        database_url=env.get("KUAIQU_DATABASE_URL", f"sqlite:///{var_dir / 'kuaiqu.sqlite3'}"),
        redis_url=env.get("KUAIQU_REDIS_URL", ""),
        secret_key=env.get("KUAIQU_SECRET_KEY") or _read_or_create_secret(var_dir),
        default_locale=locale,
        var_dir=var_dir,
        media_dir=Path(env.get("KUAIQU_MEDIA_DIR", str(var_dir / "media"))).resolve(),
        debug=_flag(env.get("KUAIQU_DEBUG", "")),
        unpaid_order_minutes=int(env.get("KUAIQU_UNPAID_ORDER_MINUTES", "30")),
        pickup_keys=env.get("KUAIQU_PICKUP_KEYS", ""),
        sandbox_payments=_flag(env.get("KUAIQU_SANDBOX_PAYMENTS", "")),
        sandbox_pay_secret=env.get("KUAIQU_SANDBOX_PAY_SECRET", ""),
        smtp_url=env.get("KUAIQU_SMTP_URL", ""),
        sweeps_enabled=not _flag(env.get("KUAIQU_DISABLE_SWEEPS", "")),
        db_pool_size=_pool_size(env.get("KUAIQU_DB_POOL_SIZE", "10")),
        geocoder=env.get("KUAIQU_GEOCODER", "offline"),
        geocoder_user_agent=env.get("KUAIQU_GEOCODER_USER_AGENT", "kuaiqu"),
        geocoder_api_key=env.get("KUAIQU_GEOCODER_API_KEY", ""),
        secure_cookies=env.get("KUAIQU_SECURE_COOKIES", "") in ("1", "true", "yes"),
        payments=load_payment_settings(env),
        supplier_entry_fee=_fen("KUAIQU_SUPPLIER_ENTRY_FEE", env.get("KUAIQU_SUPPLIER_ENTRY_FEE")),
        supplier_deposit=_fen("KUAIQU_SUPPLIER_DEPOSIT", env.get("KUAIQU_SUPPLIER_DEPOSIT")),
        settlement_fee_bp=_basis_points(env.get("KUAIQU_SETTLEMENT_FEE_BP", "60")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()


def _pool_size(text: str) -> int:
    """KUAIQU_DB_POOL_SIZE: a whole number of connections, 1 to 200."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 200:
        raise ValueError(f"KUAIQU_DB_POOL_SIZE must be a whole number from 1 to 200, not {text!r}")
    return int(text)


#: Defaults of the supplier money settings, in fen.
_FEN_DEFAULTS = {"KUAIQU_SUPPLIER_ENTRY_FEE": 100_000, "KUAIQU_SUPPLIER_DEPOSIT": 1_000_000}


def _fen(name: str, text: str | None) -> int:
    """An amount in fen: a whole number from 0 to 10^12 (its default when unset)."""
    if text is None or not text.strip():
        return _FEN_DEFAULTS[name]
    if not text.strip().isdigit() or int(text) > 10**12:
        raise ValueError(f"{name} must be a whole number of fen from 0, not {text!r}")
    return int(text)


def _basis_points(text: str) -> int:
    """KUAIQU_SETTLEMENT_FEE_BP: 0 to 10000 basis points."""
    if not text.strip().isdigit() or int(text) > 10_000:
        raise ValueError(f"KUAIQU_SETTLEMENT_FEE_BP must be 0 to 10000, not {text!r}")
    return int(text)

"""Password hashes, API key secrets and session tokens: pure functions on the standard library.

Passwords: scrypt (memory-hard, in `hashlib` since Python 3.6) with a random 16-byte salt per
password; the parameters are stored with each hash ("scrypt$N$r$p$salt$hash"), so raising
them later leaves existing hashes verifiable. Comparison is constant-time.

API keys and session ids are random (`secrets`), long enough that only their SHA-256 needs
storing: a leaked database copy gives no usable key or session. A slow hash buys nothing for
a 240-bit random secret, and verifying a key on every request must stay cheap.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

SCRYPT_N = 2**15  # 32 MiB of memory per hash, about 0.1 s on one core
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

API_KEY_PREFIX = "swk_"
API_KEY_BYTES = 30  # 40 url-safe characters
API_KEY_SHOWN = 12  # characters kept to recognise a key in listings: "swk_" + 8
SESSION_BYTES = 32
CSRF_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, *, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=dklen,
        maxmem=256 * r * n + 1024 * 1024,
    )


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None. Length only: no composition rules (NIST 800-63B)."""
    if not isinstance(password, str):
        return "a password must be text"
    if len(password) < MIN_PASSWORD:
        return f"a password needs at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"a password has at most {MAX_PASSWORD} characters"
    return None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches the stored hash; False for a malformed or missing hash."""
    if stored is None:
        check_nothing(password)
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = _scrypt(password, _unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def check_nothing(password: str) -> None:
    """Spend the time of a real check, so a login for an unknown user or one without a
    password takes as long as a wrong password (no user enumeration by timing)."""
    verify_password(password, _dummy_hash())


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(API_KEY_BYTES)


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def key_prefix(secret: str) -> str:
    return secret[:API_KEY_SHOWN]


def new_session() -> tuple[str, str]:
    """(session id, CSRF token): independent random values."""
    return secrets.token_urlsafe(SESSION_BYTES), secrets.token_urlsafe(CSRF_BYTES)

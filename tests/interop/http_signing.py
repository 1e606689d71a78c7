"""RFC 9421 HTTP message signatures for the interop suites: an `httpx.Auth` that signs requests the
way Bastion's signature authenticator expects them (ARCHITECTURE §7).

`SignedRequests(key_id, alg, key_bytes)` adds `Content-Digest` (RFC 9530, sha-256) when the request
has a body, then `Signature-Input` and `Signature` under the label `sig1`, covering `"@method"`,
`"@target-uri"`, `"content-digest"`, `"mcp-protocol-version"` and `"mcp-session-id"` as present, with the parameters
`created`, `keyid`, `alg` and `nonce`. `alg` is `ed25519` (`key_bytes`: the raw 32-byte private key)
or `hmac-sha256` (`key_bytes`: the shared secret). The signature base is built here, independently
of the server's, so the two can be checked against each other and against the RFC's vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Callable, Iterable, Mapping, Sequence, Union
from urllib.parse import urlsplit

try:
    import httpx
except ImportError:  # the mcp 2.x venv has httpx's successor, httpx2, with the same Auth API
    import httpx2 as httpx  # type: ignore[no-redef]
from cryptography.hazmat.primitives.asymmetric import ed25519

LABEL = "sig1"
PROFILE_COMPONENTS = ("@method", "@target-uri", "content-digest", "mcp-protocol-version", "mcp-session-id")
ParameterValue = Union[int, str]


def sf_string(text: str) -> str:
    """An RFC 8941 string: quoted, with `\\` and `"` escaped (printable ASCII only)."""
    if any(not (0x20 <= ord(c) <= 0x7E) for c in text):
        raise ValueError("a structured-field string holds printable ASCII only")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def signature_params(components: Sequence[str], parameters: Sequence[tuple[str, ParameterValue]]) -> str:
    """The serialized inner list: `("@method" ...);created=1;keyid="k"` (RFC 9421 §2.3)."""
    inner = "(" + " ".join(sf_string(name) for name in components) + ")"
    for key, value in parameters:
        inner += f";{key}={value}" if isinstance(value, int) else f";{key}={sf_string(value)}"
    return inner


def component_value(name: str, method: str, target_uri: str, headers: Iterable[tuple[str, str]]) -> str:
    """One component's value (RFC 9421 §2.1, §2.2)."""
    if not name.startswith("@"):
        values = [value.strip(" \t") for key, value in headers if key.lower() == name]
        if not values:
            raise KeyError(f"covered field {name!r} is absent")
        return ", ".join(values)
    url = urlsplit(target_uri)
    authority = url.netloc.lower()
    for scheme, port in (("https", ":443"), ("http", ":80")):
        if url.scheme.lower() == scheme and authority.endswith(port):
            authority = authority[: -len(port)]
    path = url.path or "/"
    has_query = "?" in target_uri
    derived = {
        "@method": method,
        "@target-uri": target_uri,
        "@authority": authority,
        "@scheme": url.scheme.lower(),
        "@path": path,
        "@query": "?" + url.query,
        "@request-target": path + ("?" + url.query if has_query else ""),
    }
    if name not in derived:
        raise KeyError(f"derived component {name!r} is not supported")
    return derived[name]


def signature_base(
    method: str,
    target_uri: str,
    headers: Iterable[tuple[str, str]],
    components: Sequence[str],
    parameters: Sequence[tuple[str, ParameterValue]],
) -> bytes:
    """The RFC 9421 §2.5 signature base."""
    headers = list(headers)
    lines = [f'"{name}": {component_value(name, method, target_uri, headers)}' for name in components]
    lines.append(f'"@signature-params": {signature_params(components, parameters)}')
    return "\n".join(lines).encode("ascii")


def content_digest(body: bytes) -> str:
    """RFC 9530 `Content-Digest` with the body's sha-256."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def sign_base(alg: str, key_bytes: bytes, base: bytes) -> bytes:
    """The signature of `base`: Ed25519 with a raw private key, or HMAC-SHA256 with a secret."""
    if alg == "ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(key_bytes).sign(base)
    if alg == "hmac-sha256":
        return hmac.new(key_bytes, base, hashlib.sha256).digest()
    raise ValueError(f"unsupported alg {alg!r}")


class SignedRequests(httpx.Auth):
    """Signs every request with one client's key (Bastion's profile, label `sig1`)."""

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        alg: str,
        key_bytes: bytes,
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: secrets.token_urlsafe(18),
        extra_parameters: Sequence[tuple[str, ParameterValue]] = (),
    ) -> None:
        if alg not in ("ed25519", "hmac-sha256"):
            raise ValueError(f"unsupported alg {alg!r}")
        self.key_id = key_id
        self.alg = alg
        self.key_bytes = bytes(key_bytes)
        self.clock = clock
        self.nonce = nonce
        self.extra_parameters = tuple(extra_parameters)

    def parameters(self) -> list[tuple[str, ParameterValue]]:
        """`created`, `keyid`, `alg`, `nonce` (fresh each call), then any extra ones."""
        return [
            ("created", int(self.clock())),
            ("keyid", self.key_id),
            ("alg", self.alg),
            ("nonce", self.nonce()),
            *self.extra_parameters,
        ]

    def sign(self, request: httpx.Request) -> httpx.Request:
        """Adds `Content-Digest` (with a body), `Signature-Input` and `Signature` to `request`."""
        body = request.content
        if body:
            request.headers["Content-Digest"] = content_digest(body)
        headers = [(key.lower(), value) for key, value in request.headers.multi_items()]
        names = {key for key, _ in headers}
        components = [name for name in PROFILE_COMPONENTS if name.startswith("@") or name in names]
        parameters = self.parameters()
        target_uri = str(request.url)
        base = signature_base(request.method, target_uri, headers, components, parameters)
        signature = base64.b64encode(sign_base(self.alg, self.key_bytes, base)).decode("ascii")
        request.headers["Signature-Input"] = f"{LABEL}={signature_params(components, parameters)}"
        request.headers["Signature"] = f"{LABEL}=:{signature}:"
        return request

    def auth_flow(self, request: httpx.Request):  # type: ignore[override]
        yield self.sign(request)


def headers_of(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """A header list with lowercased names, as the server's transport hands them over."""
    return [(key.lower(), value) for key, value in mapping.items()]

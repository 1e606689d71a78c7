"""The Python RFC 9421 signer (http_signing.py) against RFC 9421's own vectors (Appendix B.2.5 and
B.2.6) and RFC 9530's digest, plus the shape of the requests it signs. Needs no server binary.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from http_signing import (
    SignedRequests,
    content_digest,
    headers_of,
    sign_base,
    signature_base,
    signature_params,
)

# RFC 9421 B.1.4 (test-key-ed25519): the raw keys inside the RFC's PKCS #8 and SPKI documents.
ED25519_PRIVATE = base64.b64decode("MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF")[16:]
ED25519_PUBLIC = base64.b64decode("MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=")[12:]
# RFC 9421 B.1.5 (test-shared-secret).
SHARED_SECRET = base64.b64decode(
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="
)

# RFC 9421 B.2's example request.
METHOD = "POST"
TARGET = "https://example.com/foo?param=Value&Pet=dog"
HEADERS = headers_of(
    {
        "Host": "example.com",
        "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
        "Content-Type": "application/json",
        "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
        "Content-Length": "18",
    }
)
BODY = b'{"hello": "world"}'

B26_BASE = (
    '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
    '"@method": POST\n'
    '"@path": /foo\n'
    '"@authority": example.com\n'
    '"content-type": application/json\n'
    '"content-length": 18\n'
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")'
    ';created=1618884473;keyid="test-key-ed25519"'
).encode()
B26_SIGNATURE = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="

B25_BASE = (
    '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
    '"@authority": example.com\n'
    '"content-type": application/json\n'
    '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'
).encode()
B25_SIGNATURE = "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8="


def test_the_ed25519_vector_base_and_signature():
    components = ["date", "@method", "@path", "@authority", "content-type", "content-length"]
    base = signature_base(METHOD, TARGET, HEADERS, components, [("created", 1618884473), ("keyid", "test-key-ed25519")])
    assert base == B26_BASE
    signature = sign_base("ed25519", ED25519_PRIVATE, base)
    assert base64.b64encode(signature).decode() == B26_SIGNATURE
    ed25519.Ed25519PublicKey.from_public_bytes(ED25519_PUBLIC).verify(signature, base)


def test_the_hmac_vector_base_and_signature():
    components = ["date", "@authority", "content-type"]
    base = signature_base(METHOD, TARGET, HEADERS, components, [("created", 1618884473), ("keyid", "test-shared-secret")])
    assert base == B25_BASE
    assert base64.b64encode(sign_base("hmac-sha256", SHARED_SECRET, base)).decode() == B25_SIGNATURE


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("@target-uri", TARGET),
        ("@scheme", "https"),
        ("@query", "?param=Value&Pet=dog"),
        ("@request-target", "/foo?param=Value&Pet=dog"),
    ],
)
def test_derived_components_have_the_rfcs_values(name, value):
    base = signature_base(METHOD, TARGET, HEADERS, [name], [("created", 1)])
    assert base.decode().split("\n")[0] == f'"{name}": {value}'


def test_the_rfc_9530_digest():
    assert content_digest(BODY) == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"


def signed(auth: SignedRequests, **kwargs) -> httpx.Request:
    request = httpx.Request("POST", "https://bastion.example:8443/mcp", **kwargs)
    return next(auth.auth_flow(request))


def parse_input(request: httpx.Request) -> tuple[list[str], str]:
    label, inner = request.headers["Signature-Input"].split("=", 1)
    assert label == "sig1"
    names = inner[1 : inner.index(")")].split(" ") if inner[1] != ")" else []
    return [name.strip('"') for name in names], inner


def test_a_signed_request_covers_the_profile_and_verifies():
    auth = SignedRequests("claude", "ed25519", ED25519_PRIVATE, clock=lambda: 1750000000, nonce=lambda: "n-1")
    request = signed(auth, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers={"MCP-Protocol-Version": "2025-06-18"})
    assert request.headers["Content-Digest"] == content_digest(request.content)
    components, inner = parse_input(request)
    assert components == ["@method", "@target-uri", "content-digest", "mcp-protocol-version"]
    assert inner.endswith(';created=1750000000;keyid="claude";alg="ed25519";nonce="n-1"')
    headers = [(k.lower(), v) for k, v in request.headers.multi_items()]
    base = signature_base("POST", str(request.url), headers, components, [
        ("created", 1750000000), ("keyid", "claude"), ("alg", "ed25519"), ("nonce", "n-1"),
    ])
    signature = base64.b64decode(request.headers["Signature"].removeprefix("sig1=:").removesuffix(":"))
    ed25519.Ed25519PublicKey.from_public_bytes(ED25519_PUBLIC).verify(signature, base)
    with pytest.raises(InvalidSignature):
        ed25519.Ed25519PublicKey.from_public_bytes(ED25519_PUBLIC).verify(signature, base.replace(b"POST", b"GET"))


def test_a_bodiless_handshake_request_covers_only_what_it_has():
    auth = SignedRequests("mac", "hmac-sha256", SHARED_SECRET, clock=lambda: 5, nonce=lambda: "x")
    request = signed(auth)
    assert "Content-Digest" not in request.headers
    components, _ = parse_input(request)
    assert components == ["@method", "@target-uri"]
    base = signature_base("POST", str(request.url), [], components, [("created", 5), ("keyid", "mac"), ("alg", "hmac-sha256"), ("nonce", "x")])
    expected = base64.b64encode(hmac.new(SHARED_SECRET, base, hashlib.sha256).digest()).decode()
    assert request.headers["Signature"] == f"sig1=:{expected}:"


def test_each_request_gets_a_fresh_nonce():
    auth = SignedRequests("claude", "ed25519", ED25519_PRIVATE)
    first, second = signed(auth), signed(auth)
    assert first.headers["Signature-Input"] != second.headers["Signature-Input"]


def test_strings_are_escaped_and_bad_input_is_refused():
    assert signature_params(["a"], [("keyid", 'x"y\\')]) == '("a");keyid="x\\"y\\\\"'
    with pytest.raises(ValueError):
        signature_params(["a"], [("keyid", "caf\u00e9")])
    with pytest.raises(ValueError):
        SignedRequests("c", "rsa-pss-sha512", b"k")
    with pytest.raises(KeyError):
        signature_base("POST", TARGET, HEADERS, ["x-absent"], [])

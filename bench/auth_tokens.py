#!/usr/bin/env python3
"""The gateway side of jwt_auth for bench/run.sh's authentication section. Standard library only;
the keys come from the openssl CLI.

  auth_tokens.py prepare DIR FUNCTION COUNT
      Makes an RSA 2048 and a P-256 key with `openssl genpkey` (DIR/rsa.pem, DIR/ec.pem), writes the
      OpenID discovery document and the JWKS under DIR/www/.well-known/, and COUNT distinct tokens
      per algorithm, one a line, each granting FUNCTION ("namespace:name"):
      DIR/rs256.tokens and DIR/es256.tokens (and DIR/forged.token: an RS256 token with one byte of
      its signature changed). The first token of each algorithm is checked with `openssl dgst
      -verify`, so a signing bug here cannot pass for a watchdog bug. Prints one line of timings.
  auth_tokens.py serve DIR
      Serves DIR/www on 127.0.0.1:8000 (the address jwt_auth_local=true fetches from), GET only,
      and prints "serving" once bound; exits 3 at once when the port is taken.

RS256 is RSASSA-PKCS1-v1_5 (RFC 8017 §8.2): pow(EM, d, n) over the EMSA-PKCS1-v1_5 encoding, with
the CRT parameters (p, q, dp, dq, qinv) read from the key's DER, so thousands of tokens take about a
second. ES256 is ECDSA on P-256 (FIPS 186-4 §6.4, signature r || s as RFC 7518 §3.4 wants), with a
4-bit fixed-base table for k*G; k comes from `secrets`.
"""
import base64
import hashlib
import http.server
import json
import multiprocessing
import os
import secrets
import socketserver
import subprocess
import sys
import time

ISSUER = "http://127.0.0.1:8000"
DISCOVERY_PATH = "/.well-known/openid-configuration"
KEY_SET_PATH = "/.well-known/jwks.json"
LIFETIME_S = 3600  # longer than any bench run: no token expires while it is measured


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(value, length=None):
    length = length or (value.bit_length() + 7) // 8
    return value.to_bytes(length, "big")


# --- DER, just enough for private keys ------------------------------------------------------------

def der_read(data, offset):
    """One TLV at offset -> (tag, value bytes, offset after it)."""
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    return tag, data[offset:offset + length], offset + length


def der_children(data):
    items, offset = [], 0
    while offset < len(data):
        tag, value, offset = der_read(data, offset)
        items.append((tag, value))
    return items


def private_key_der(path):
    """The key's DER, unwrapped from PKCS#8 when openssl wrote that (OpenSSL 3 does; 1.1 may not)."""
    der = subprocess.run(["openssl", "pkey", "-in", path, "-outform", "DER"], check=True, capture_output=True).stdout
    tag, body, _ = der_read(der, 0)
    items = der_children(body)
    # PrivateKeyInfo: INTEGER 0, SEQUENCE AlgorithmIdentifier, OCTET STRING (the inner key)
    if len(items) >= 3 and items[1][0] == 0x30 and items[2][0] == 0x04:
        _, inner, _ = der_read(items[2][1], 0)
        return der_children(inner)
    return items


def openssl_key(path, args):
    subprocess.run(["openssl", "genpkey", *args, "-out", path], check=True, capture_output=True)
    os.chmod(path, 0o600)


# --- RS256 ---------------------------------------------------------------------------------------

SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class RsaKey:
    def __init__(self, path):
        openssl_key(path, ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        # RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv
        fields = [int.from_bytes(value, "big") for tag, value in private_key_der(path) if tag == 0x02]
        _, self.n, self.e, self.d, self.p, self.q, self.dp, self.dq, self.qinv = fields[:9]
        self.size = (self.n.bit_length() + 7) // 8
        self.path = path
        self.libcrypto = LibcryptoSigner.load(path)

    def sign(self, message):
        return self.libcrypto.sign(message) if self.libcrypto else self.sign_python(message)

    def sign_python(self, message):
        digest = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        encoded = b"\x00\x01" + b"\xff" * (self.size - len(digest) - 3) + b"\x00" + digest
        m = int.from_bytes(encoded, "big")
        m1, m2 = pow(m, self.dp, self.p), pow(m, self.dq, self.q)
        s = m2 + (self.qinv * (m1 - m2) % self.p) * self.q
        return int_bytes(s, self.size)

    def der_signature(self, signature):
        return signature

    def jwk(self, kid):
        return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64url(int_bytes(self.n)), "e": b64url(int_bytes(self.e))}


class LibcryptoSigner:
    """RS256 through the libcrypto the openssl CLI runs on (ctypes): ~0.3 ms a signature where
    CPython's pow() needs ~6 ms, which would make the thousands of tokens too slow for a smoke run.
    None when libcrypto cannot be loaded; the pure-Python signature is then used (same bytes:
    PKCS#1 v1.5 is deterministic, and prepare() checks the two agree on the first token)."""

    @staticmethod
    def load(path):
        try:
            return LibcryptoSigner(path)
        except (OSError, AttributeError, ValueError):
            return None

    def __init__(self, path):
        import ctypes
        import ctypes.util
        name = ctypes.util.find_library("crypto")
        if not name:
            raise OSError("no libcrypto")
        lib = ctypes.CDLL(name)
        pointer = ctypes.c_void_p
        for function, restype, argtypes in (
                ("BIO_new_mem_buf", pointer, [ctypes.c_char_p, ctypes.c_int]),
                ("BIO_free", ctypes.c_int, [pointer]),
                ("PEM_read_bio_PrivateKey", pointer, [pointer, pointer, pointer, pointer]),
                ("EVP_get_digestbyname", pointer, [ctypes.c_char_p]),
                ("EVP_MD_CTX_new", pointer, []),
                ("EVP_MD_CTX_free", None, [pointer]),
                ("EVP_DigestSignInit", ctypes.c_int, [pointer, pointer, pointer, pointer, pointer]),
                ("EVP_DigestSign", ctypes.c_int, [pointer, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p, ctypes.c_size_t])):
            getattr(lib, function).restype = restype
            getattr(lib, function).argtypes = argtypes
        with open(path, "rb") as pem:
            text = pem.read()
        bio = lib.BIO_new_mem_buf(text, len(text))
        self.key = lib.PEM_read_bio_PrivateKey(bio, None, None, None)
        lib.BIO_free(bio)
        self.sha256 = lib.EVP_get_digestbyname(b"SHA256")
        if not self.key or not self.sha256:
            raise ValueError("libcrypto could not read the key")
        self.lib, self.ctypes = lib, ctypes

    def sign(self, message):
        lib, ctypes = self.lib, self.ctypes
        context = lib.EVP_MD_CTX_new()
        try:
            size = ctypes.c_size_t(1024)
            signature = ctypes.create_string_buffer(size.value)
            if lib.EVP_DigestSignInit(context, None, self.sha256, None, self.key) != 1 \
                    or lib.EVP_DigestSign(context, signature, ctypes.byref(size), message, len(message)) != 1:
                raise RuntimeError("libcrypto could not sign")
            return signature.raw[:size.value]
        finally:
            lib.EVP_MD_CTX_free(context)


# --- ES256 ---------------------------------------------------------------------------------------

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5


def affine_add(a, b):
    """Affine points as (x, y), None for infinity; only for building the table."""
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % P == 0:
            return None
        slope = 3 * (a[0] * a[0] - 1) * pow(2 * a[1], -1, P) % P  # y^2 = x^3 - 3x + b
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (slope * slope - a[0] - b[0]) % P
    return x, (slope * (a[0] - x) - a[1]) % P


def jacobian_double(point):
    x, y, z = point
    delta, gamma = z * z % P, y * y % P
    beta = x * gamma % P
    alpha = 3 * (x - delta) * (x + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y + z) * (y + z) - gamma - delta) % P
    return x3, (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P, z3


def jacobian_add_affine(point, affine):
    """point (Jacobian) + affine; None is infinity."""
    if point is None:
        return affine[0], affine[1], 1
    x1, y1, z1 = point
    zz = z1 * z1 % P
    h = (affine[0] * zz - x1) % P
    r = (affine[1] * zz * z1 - y1) % P
    if h == 0:
        return jacobian_double(point) if r == 0 else None
    hh = h * h % P
    hhh = h * hh % P
    v = x1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    return x3, (r * (v - x3) - y1 * hhh) % P, z1 * h % P


# TABLE[i][j] = j * 16^i * G: k*G is then 64 additions, one per 4-bit digit of k.
TABLE = []
_base = (GX, GY)
for _ in range(64):
    row, point = [None], None
    for _j in range(1, 16):
        point = affine_add(point, _base)
        row.append(point)
    TABLE.append(row)
    _base = affine_add(row[15], _base)


def base_multiply(k):
    total = None
    for i in range(64):
        digit = (k >> (4 * i)) & 15
        if digit:
            total = jacobian_add_affine(total, TABLE[i][digit])
    x, y, z = total
    zinv = pow(z, -1, P)
    zinv2 = zinv * zinv % P
    return x * zinv2 % P, y * zinv2 * zinv % P


class EcKey:
    def __init__(self, path):
        openssl_key(path, ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        # ECPrivateKey: version, OCTET STRING d, [0] curve (optional), [1] public key (optional)
        items = private_key_der(path)
        self.d = int.from_bytes(next(value for tag, value in items if tag == 0x04), "big")
        self.x, self.y = base_multiply(self.d)
        assert (self.y * self.y - (self.x ** 3 - 3 * self.x + B)) % P == 0, "d*G is not on P-256"
        published = [value for tag, value in items if tag == 0xA1]
        if published:  # the point openssl derived must be the one computed here
            _, bits, _ = der_read(published[0], 0)
            assert bits[1:] == b"\x04" + int_bytes(self.x, 32) + int_bytes(self.y, 32), "public key differs from openssl's"
        self.path = path

    def sign(self, message):
        z = int.from_bytes(hashlib.sha256(message).digest(), "big")
        while True:
            k = secrets.randbelow(N - 1) + 1
            r = base_multiply(k)[0] % N
            s = pow(k, -1, N) * (z + r * self.d) % N
            if r and s:
                return int_bytes(r, 32) + int_bytes(s, 32)

    @staticmethod
    def der_signature(signature):
        def integer(raw):
            raw = raw.lstrip(b"\x00") or b"\x00"
            if raw[0] & 0x80:
                raw = b"\x00" + raw
            return b"\x02" + bytes([len(raw)]) + raw
        body = integer(signature[:32]) + integer(signature[32:])
        return b"\x30" + bytes([len(body)]) + body

    def jwk(self, kid):
        return {"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
                "x": b64url(int_bytes(self.x, 32)), "y": b64url(int_bytes(self.y, 32))}


# --- tokens --------------------------------------------------------------------------------------

def token(key, algorithm, kid, function, serial, now):
    header = {"alg": algorithm, "kid": kid, "typ": "JWT"}
    claims = {"iss": ISSUER, "aud": [ISSUER], "sub": "bench-client", "jti": f"bench-{serial}",
              "iat": now, "exp": now + LIFETIME_S, "function": {"permissions": [function]}}
    signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))
    return signing_input, key.sign(signing_input.encode("ascii"))


def openssl_verifies(key, signing_input, signature, directory):
    """The first token of each kind, checked by openssl against the public key."""
    public, data, sig = (os.path.join(directory, name) for name in ("check.pub", "check.data", "check.sig"))
    subprocess.run(["openssl", "pkey", "-in", key.path, "-pubout", "-out", public], check=True, capture_output=True)
    with open(data, "wb") as out:
        out.write(signing_input.encode("ascii"))
    with open(sig, "wb") as out:
        out.write(key.der_signature(signature))
    result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", public, "-signature", sig, data], capture_output=True)
    for path in (public, data, sig):
        os.remove(path)
    return result.returncode == 0


def sign_range(job):
    """In a worker process: tokens first..last-1 of one algorithm (the keys came with the fork)."""
    name, first, last, function, now = job
    key, algorithm = KEYS[name]
    return [token(key, algorithm, f"bench-{name}", function, serial, now) for serial in range(first, last)]


KEYS = {}


def prepare(directory, function, count):
    started = time.monotonic()
    os.makedirs(os.path.join(directory, "www", ".well-known"), exist_ok=True)
    KEYS["rs256"] = (RsaKey(os.path.join(directory, "rsa.pem")), "RS256")
    KEYS["es256"] = (EcKey(os.path.join(directory, "ec.pem")), "ES256")
    key_seconds = time.monotonic() - started
    key_set = {"keys": [key.jwk(f"bench-{name}") for name, (key, _) in KEYS.items()]}
    write(os.path.join(directory, "www", KEY_SET_PATH.lstrip("/")), json.dumps(key_set))
    write(os.path.join(directory, "www", DISCOVERY_PATH.lstrip("/")),
          json.dumps({"issuer": ISSUER, "jwks_uri": ISSUER + KEY_SET_PATH}))

    now = int(time.time())
    timings = [f"keys_s={key_seconds:.2f}"]
    # CPython needs ~3 ms per 1024-bit modular exponentiation, so an RS256 signature (two, with
    # CRT) is ~6 ms: the tokens are signed on every core.
    workers = max(1, min(4, os.cpu_count() or 1))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for name, (key, algorithm) in KEYS.items():
            began = time.monotonic()
            step = -(-count // (4 * workers))
            jobs = [(name, first, min(first + step, count), function, now) for first in range(0, count, step)]
            signed = [pair for chunk in pool.map(sign_range, jobs) for pair in chunk]
            signing_input, signature = signed[0]
            if name == "rs256" and key.sign_python(signing_input.encode("ascii")) != signature:
                sys.exit("auth_tokens: libcrypto's RS256 signature differs from the pure-Python one")
            if not openssl_verifies(key, signing_input, signature, directory):
                sys.exit(f"auth_tokens: openssl does not verify the first {algorithm} token")
            if name == "rs256":
                forged = bytearray(signature)
                forged[-1] ^= 1
                write(os.path.join(directory, "forged.token"), f"{signing_input}.{b64url(bytes(forged))}\n")
            lines = [f"{signing_input}.{b64url(signature)}" for signing_input, signature in signed]
            write(os.path.join(directory, f"{name}.tokens"), "\n".join(lines) + "\n")
            timings.append(f"{name}_s={time.monotonic() - began:.2f} {name}_chars={len(lines[0])}")
    signer = "libcrypto" if KEYS["rs256"][0].libcrypto else "python"
    print(f"tokens={count} workers={workers} rs256_signer={signer} {' '.join(timings)}")


def write(path, text):
    with open(path, "w", encoding="ascii") as out:
        out.write(text)


# --- the gateway ---------------------------------------------------------------------------------

def serve(directory):
    documents = {}
    for path in (DISCOVERY_PATH, KEY_SET_PATH):
        with open(os.path.join(directory, "www", path.lstrip("/")), "rb") as document:
            documents[path] = document.read()

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = documents.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"not found\n"
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # one line per fetch, to the log run.sh keeps
            sys.stderr.write(f"gateway: {self.command} {self.path} -> {format % args}\n")

    class Server(http.server.HTTPServer):
        def server_bind(self):  # HTTPServer's own looks the host name up in DNS; not needed here
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = self.server_address[:2]

    try:
        server = Server(("127.0.0.1", 8000), Gateway)
    except OSError as error:
        print(f"127.0.0.1:8000 is not free ({error.strerror})", flush=True)
        sys.exit(3)
    print("serving", flush=True)
    server.serve_forever()


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

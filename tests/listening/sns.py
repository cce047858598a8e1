"""Signed SNS messages for tests: a throwaway RSA key and self-signed certificate stand in for
AWS's, placed in the cache under an SNS certificate URL, so the real signature check runs without
reaching AWS."""

import base64
import datetime
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.core.cache import cache

from listening.inbound_sns import sns_cert_cache_key, sns_string_to_sign

CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"


@functools.cache
def _key_and_pem() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()


def sns_sign(message: dict, *, version: str = "1", cert_url: str = CERT_URL) -> dict:
    """`message` signed as SNS signs it, with the test certificate cached under `cert_url`."""
    key, pem = _key_and_pem()
    cache.set(sns_cert_cache_key(cert_url), pem)
    signed = {**message, "SignatureVersion": version, "SigningCertURL": cert_url}
    # SHA1 is what SNS SignatureVersion 1 means; the check must accept it.
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303
    signature = key.sign(sns_string_to_sign(signed), padding.PKCS1v15(), algorithm)
    return {**signed, "Signature": base64.b64encode(signature).decode()}

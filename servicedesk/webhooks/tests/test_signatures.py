"""sign / verify: what an integrator checks on every request (docs/webhooks.md). No database."""

import datetime
import hashlib
import hmac

from servicedesk.webhooks.services import sign, verify

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
TS = int(NOW.timestamp())
BODY = b'{"id":"d1","event":"ticket.created","data":{"ticket":{"id":1}}}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(secret="s3cret", timestamp=TS, body=BODY) == f"sha256={expected}"


def test_verify_accepts_the_genuine_request_with_the_timestamp_as_header_text():
    signature = sign(secret="s3cret", timestamp=TS, body=BODY)
    assert verify(secret="s3cret", timestamp=str(TS), body=BODY, signature=signature, now=NOW)
    assert verify(secret="s3cret", timestamp=TS, body=BODY, signature=signature, now=NOW + datetime.timedelta(minutes=4))


def test_verify_refuses_wrong_secret_tampered_body_or_timestamp_and_garbage():
    signature = sign(secret="s3cret", timestamp=TS, body=BODY)
    assert not verify(secret="other", timestamp=TS, body=BODY, signature=signature, now=NOW)
    assert not verify(secret="s3cret", timestamp=TS, body=BODY.replace(b"1}", b"2}"), signature=signature, now=NOW)
    assert not verify(secret="s3cret", timestamp=TS + 1, body=BODY, signature=signature, now=NOW)
    assert not verify(secret="s3cret", timestamp="yesterday", body=BODY, signature=signature, now=NOW)
    assert not verify(secret="s3cret", timestamp=TS, body=BODY, signature="", now=NOW)
    assert not verify(secret="s3cret", timestamp=TS, body=BODY, signature="sha256=é", now=NOW)


def test_verify_refuses_an_old_or_future_timestamp_replay():
    signature = sign(secret="s3cret", timestamp=TS, body=BODY)
    later = NOW + datetime.timedelta(seconds=301)
    assert not verify(secret="s3cret", timestamp=TS, body=BODY, signature=signature, now=later)
    assert not verify(secret="s3cret", timestamp=TS, body=BODY, signature=signature, now=NOW - datetime.timedelta(seconds=301))
    assert verify(secret="s3cret", timestamp=TS, body=BODY, signature=signature, now=later, tolerance=600)

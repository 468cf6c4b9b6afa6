"""The web pages' login: a signed session in the cookie, never the key; it ends when it expires, when the
browser logs out (even for a kept copy of the cookie) and when the key is revoked. Cookies are Secure when
the browser came over https, which a proxy may only tell us when the settings trust it."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fastapi.testclient import TestClient

from application import access
from application.access import Role, create_key
from application.settings import Settings
from corpus.layout import DataLayout
from service import web
from tests.service.conftest import Service, start_service


def log_in(browser: TestClient, key: str) -> httpx.Response:
    browser.get("/ui/login")
    form = {"key": key, "csrf": browser.cookies[web.CSRF_COOKIE]}
    return browser.post("/ui/login", data=form, follow_redirects=False)


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each cookie the response sets: name -> the whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}


def logged_in(browser: TestClient) -> bool:
    return browser.get("/ui/warnings", follow_redirects=False).status_code == 200


def key_id(service: Service, role: str) -> str:
    return access.viewer_of_key(service.client.app.state.application.archive.catalog, service.keys[role],
                                service.settings).key_id


def test_the_cookie_names_a_session_and_never_holds_the_key(service: Service):
    browser = TestClient(service.client.app)
    response = log_in(browser, service.keys["reviewer"])
    assert response.status_code == 303
    cookie = set_cookies(response)[web.SESSION_COOKIE]
    token = browser.cookies[web.SESSION_COOKIE]
    key = service.keys["reviewer"]
    assert key not in cookie and key.removeprefix(access.KEY_PREFIX) not in cookie
    assert access.hash_key(key) not in cookie
    assert token.split(".")[1] == key_id(service, "reviewer")  # the key's id, as `jcm keys list` shows it
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert f"Max-Age={service.settings.session_hours * 3600}" in cookie  # the browser drops it too
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    assert logged_in(browser)


def test_a_raw_key_in_a_cookie_opens_nothing_and_login_removes_the_old_key_cookie(service: Service):
    browser = TestClient(service.client.app)
    browser.cookies.set(web.LEGACY_KEY_COOKIE, service.keys["admin"])
    browser.cookies.set(web.SESSION_COOKIE, service.keys["admin"])
    assert not logged_in(browser)
    cleared = set_cookies(log_in(browser, service.keys["reviewer"]))[web.LEGACY_KEY_COOKIE]
    assert 'jcm_key=""' in cleared and "Max-Age=0" in cleared


def test_logout_ends_the_session_even_for_a_kept_copy_of_the_cookie(service: Service):
    browser = TestClient(service.client.app)
    log_in(browser, service.keys["reviewer"])
    kept = browser.cookies[web.SESSION_COOKIE]
    out = browser.post("/ui/logout", data={"csrf": browser.cookies[web.CSRF_COOKIE]}, follow_redirects=False)
    assert set_cookies(out)[web.SESSION_COOKIE].startswith(f'{web.SESSION_COOKIE}=""')
    thief = TestClient(service.client.app, cookies={web.SESSION_COOKIE: kept})
    assert not logged_in(thief)
    # another browser's session of the same key goes on
    other = TestClient(service.client.app)
    log_in(other, service.keys["reviewer"])
    assert logged_in(other)


def test_revoking_the_key_ends_its_sessions(service: Service):
    browser = TestClient(service.client.app)
    log_in(browser, service.keys["secretariat"])
    assert logged_in(browser)
    assert service.delete(f"/keys/{key_id(service, 'secretariat')}").status_code == 204
    response = browser.get("/ui/search", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ui/login")


def test_a_session_expires(service: Service, monkeypatch: pytest.MonkeyPatch):
    browser = TestClient(service.client.app)
    log_in(browser, service.keys["reviewer"])
    later = access.time.time() + service.settings.session_hours * 3600 + 1
    monkeypatch.setattr(access, "time", SimpleNamespace(time=lambda: later))
    assert not logged_in(browser)


def test_a_forged_or_altered_session_opens_nothing(service: Service, tmp_path: Path):
    browser = TestClient(service.client.app)
    log_in(browser, service.keys["public"])
    version, _, expires, nonce, mac = browser.cookies[web.SESSION_COOKIE].split(".")
    admin = key_id(service, "admin")
    (tmp_path / "other").mkdir()
    elsewhere = access.Sessions(tmp_path / "other", 3600)  # another data folder: another secret
    for token in (
        f"{version}.{admin}.{expires}.{nonce}.{mac}",  # another key's id under this session's signature
        f"{version}.{key_id(service, 'public')}.{int(expires) + 10**6}.{nonce}.{mac}",  # extended
        elsewhere.start(admin),
        f"{version}.{admin}.{expires}.{nonce}",
        "s1....",
        "",
    ):
        forged = TestClient(service.client.app, cookies={web.SESSION_COOKIE: token})
        assert not logged_in(forged), token


def test_the_signing_secret_is_private_and_outlives_a_restart(tmp_path: Path, database_url: str | None):
    data_dir = tmp_path / "data"
    client, settings = start_service(data_dir, database_url)
    with client:
        key = create_key(client.app.state.application.archive.catalog, Role.REVIEWER)[1]
        assert log_in(client, key).status_code == 303
        token = client.cookies[web.SESSION_COOKIE]
    secret = DataLayout(data_dir).session_secret
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_bytes()) >= 32
    restarted, _ = start_service(data_dir, database_url)
    with restarted:
        restarted.cookies.set(web.SESSION_COOKIE, token)
        assert logged_in(restarted)
    os.chmod(secret, 0o644)  # loosened by a copy: tightened again at start
    access.Sessions(data_dir, 60)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_cookies_are_secure_over_https(service: Service):
    browser = TestClient(service.client.app, base_url="https://testserver")
    response = log_in(browser, service.keys["reviewer"])
    cookies = set_cookies(response)
    assert "Secure" in cookies[web.SESSION_COOKIE] and "Secure" in cookies[web.LEGACY_KEY_COOKIE]
    assert "Secure" in set_cookies(browser.get("/ui/login", headers={"cookie": ""}))[web.CSRF_COOKIE]
    assert logged_in(browser)


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(tmp_path: Path, database_url: str | None):
    client, settings = start_service(tmp_path / "data", database_url, trusted_proxies=("10.0.0.0/24",))
    with client:
        key = create_key(client.app.state.application.archive.catalog, Role.REVIEWER)[1]
        proxied = {"x-forwarded-proto": "https"}
        for peer, told, secure in (
            (("10.0.0.7", 4000), proxied, True),  # the proxy in front says the browser used https
            (("10.0.0.7", 4000), {"x-forwarded-proto": "https, http"}, False),  # the proxy wrote the last
            (("10.0.0.7", 4000), {}, False),
            (("192.0.2.1", 4000), proxied, False),  # anyone else may claim what they like
            (("testclient", 50000), proxied, False),
        ):
            # the form token goes by hand: a client over plain http does not send back a Secure cookie
            browser = TestClient(client.app, client=peer, headers={**told, "cookie": f"{web.CSRF_COOKIE}=t"})
            response = browser.post("/ui/login", data={"key": key, "csrf": "t"}, follow_redirects=False)
            assert response.status_code == 303, response.text
            cookie = set_cookies(response)[web.SESSION_COOKIE]
            assert ("Secure" in cookie) is secure, (peer, told)


def test_trusted_proxies_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    assert Settings().trusted_proxies == ()
    monkeypatch.setenv("JCM_TRUSTED_PROXIES", "127.0.0.1, 10.1.0.0/16 ::1")
    assert Settings().trusted_proxies == ("127.0.0.1/32", "10.1.0.0/16", "::1/128")
    monkeypatch.setenv("JCM_TRUSTED_PROXIES", "proxy.internal")
    with pytest.raises(ValueError, match="JCM_TRUSTED_PROXIES"):
        Settings()

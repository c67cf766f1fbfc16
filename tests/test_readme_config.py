"""README's configuration table is the one generated from `Settings` (`fitcoach config --markdown`), so a
setting added, removed or redescribed in fitcoach/settings.py without regenerating the README fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from fitcoach.cli import main
from fitcoach.config_table import effective_settings, markdown_table
from fitcoach.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- config:start -->\n", "<!-- config:end -->"


def readme_table() -> str:
    text = README.read_text()
    assert (text.count(START), text.count(END)) == (1, 1), "README needs exactly one pair of config markers"
    return text.split(START, 1)[1].split(END, 1)[0]


def test_the_readme_holds_exactly_the_generated_configuration_table() -> None:
    assert readme_table() == markdown_table(), (
        "README.md's configuration table differs from fitcoach/settings.py: replace the lines between the "
        "config markers with the output of `fitcoach config --markdown`"
    )


def test_the_table_has_one_row_per_setting_each_described() -> None:
    variables = re.findall(r"^\| `(FITCOACH_[A-Z0-9_]+)` \|", markdown_table(), flags=re.MULTILINE)
    assert variables == [f"FITCOACH_{name.upper()}" for name in Settings.model_fields]
    assert all(field.description for field in Settings.model_fields.values())


def test_fitcoach_config_markdown_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--markdown"]) == 0
    assert capsys.readouterr().out == markdown_table()


def test_secrets_show_as_unset_defaults_and_masked_values() -> None:
    row = next(line for line in markdown_table().splitlines() if "`FITCOACH_JWT_SECRET`" in line)
    assert row.split(" | ")[1] == "unset"
    secret = "a-jwt-secret-that-is-long-enough-0123456789"
    shown = effective_settings(
        Settings(
            jwt_secret=SecretStr(secret),
            database_url="postgresql://fitcoach:hunter2@db.internal:5432/fitcoach",
        )
    )
    assert secret not in shown
    assert "hunter2" not in shown
    assert "FITCOACH_JWT_SECRET=***\n" in shown
    assert "FITCOACH_DATABASE_URL=postgresql://fitcoach:***@db.internal:5432/fitcoach\n" in shown


def test_fitcoach_config_prints_the_effective_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FITCOACH_PORT", "8123")
    monkeypatch.setenv("FITCOACH_REDIS_URL", "redis://:sesame@127.0.0.1:6379/0")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "FITCOACH_PORT=8123\n" in out
    assert "sesame" not in out
    assert "FITCOACH_REDIS_URL=redis://:***@127.0.0.1:6379/0\n" in out
    assert "FITCOACH_GRAPHIQL=false\n" in out  # a server configured: the developer tools stay off

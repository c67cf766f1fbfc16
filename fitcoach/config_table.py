"""The configuration as text, generated from `Settings`: the README's table (`fitcoach config --markdown`)
and the effective settings of this environment with secrets masked (`fitcoach config`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from annotated_types import Ge, Gt, Le, Lt
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from fitcoach.settings import Settings

ENV_PREFIX = "FITCOACH_"
DEFAULTS_IN_WORDS = {
    # Computed per machine, so the table names the rule rather than one machine's answer.
    "data_dir": "`/var/lib/fitcoach` as root, else `~/.local/share/fitcoach`",
}
MASK = "***"


def variable(name: str) -> str:
    return f"{ENV_PREFIX}{name.upper()}"


def markdown_table() -> str:
    """One row per `Settings` field: variable, default, description (with its bounds)."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if not field.description:
            raise ValueError(f"Settings.{name} has no description")
        text = field.description + _bounds(field)
        rows.append(f"| `{variable(name)}` | {_default(name, field)} | {_cell(text)} |")
    return "\n".join(rows) + "\n"


def effective_settings(settings: Settings) -> str:
    """`FITCOACH_<NAME>=value` for every setting as this environment gives it; secrets and the passwords
    in URLs masked."""
    lines = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        lines.append(f"{variable(name)}={_shown(value)}")
    return "\n".join(lines) + "\n"


def _default(name: str, field: FieldInfo) -> str:
    if name in DEFAULTS_IN_WORDS:
        return DEFAULTS_IN_WORDS[name]
    default = field.get_default(call_default_factory=False)
    if default is None or field.annotation is SecretStr or isinstance(default, SecretStr):
        return "unset"
    if default == "":
        return "empty"
    return f"`{_literal(default)}`"


def _literal(value: object) -> str:
    """A value as it would be written in the environment."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{item}"' for item in value) + "]"
    return str(value)


def _bounds(field: FieldInfo) -> str:
    parts = []
    for constraint in field.metadata:
        if isinstance(constraint, Ge):
            parts.append(f"≥ {constraint.ge}")
        elif isinstance(constraint, Gt):
            parts.append(f"> {constraint.gt}")
        elif isinstance(constraint, Le):
            parts.append(f"≤ {constraint.le}")
        elif isinstance(constraint, Lt):
            parts.append(f"< {constraint.lt}")
    return f" ({', '.join(parts)})" if parts else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, SecretStr):
        return MASK
    if isinstance(value, str) and "://" in value:
        return _without_password(value)
    if isinstance(value, Path):
        return str(value)
    return _literal(value)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:{MASK}@{host}"))

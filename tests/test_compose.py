"""docker-compose.yml and the Dockerfile describe the stack the code expects (Docker can't run here)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from kurrentdbclient.connection_spec import ConnectionSpec

from settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("api", "projector")
BACKING_SERVICES = ("kurrentdb", "postgres", "redis")
URL_VARIABLES = ("FITCOACH_DATABASE_URL", "FITCOACH_REDIS_URL", "FITCOACH_KURRENTDB_URL")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def with_defaults(value: str) -> str:
    """What Compose substitutes for `${VAR:-default}` when VAR is unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else list(command)


def test_the_stack_has_every_service(services):
    assert set(services) >= {*BACKING_SERVICES, *APP_SERVICES, "migrate"}


@pytest.mark.parametrize("name", BACKING_SERVICES)
def test_backing_images_are_pinned(services, name):
    image = services[name]["image"]
    repository, _, tag = image.rpartition(":")
    assert repository, f"{name} image {image!r} has no tag"
    assert "/" not in tag, f"{name} image {image!r} has no tag"
    assert tag != "latest"
    assert re.match(r"\d+(\.\d+)+$", tag), f"{name} image {image!r} is not pinned to a version"


def test_kurrentdb_is_an_insecure_single_node(services):
    kurrentdb = services["kurrentdb"]
    assert kurrentdb["image"].startswith("docker.kurrent.io/kurrent-latest/kurrentdb:")
    environment = kurrentdb["environment"]
    assert environment["KURRENTDB_CLUSTER_SIZE"] == "1"
    assert environment["KURRENTDB_INSECURE"] == "true"
    assert environment["KURRENTDB_RUN_PROJECTIONS"] in {"None", "System", "All"}
    assert all(key.startswith("KURRENTDB_") for key in environment)
    assert any(port.endswith(":2113") for port in kurrentdb["ports"])


@pytest.mark.parametrize(
    ("name", "probe"),
    [
        ("kurrentdb", "/health/live"),
        ("postgres", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("api", "/ready"),
    ],
)
def test_services_that_others_wait_for_have_a_healthcheck(services, name, probe):
    test = services[name]["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"}
    assert probe in " ".join(test[1:])


def test_the_api_healthcheck_uses_python_because_the_image_has_no_curl(services):
    test = services["api"]["healthcheck"]["test"]
    assert test[1] == "python"
    assert "http://localhost:8000/ready" in test[-1]  # readiness: dependencies answer, projections keep up


def test_the_api_leaves_the_projections_to_the_projector_service(services):
    assert services["api"]["environment"]["FITCOACH_IN_PROCESS_PROJECTIONS"] == "false"
    assert command_of(services["projector"]) == ["fitcoach", "project"]
    assert services["projector"]["environment"].get("FITCOACH_IN_PROCESS_PROJECTIONS") in {None, "true"}


def test_the_jwt_secret_must_come_from_the_environment_and_has_no_default(services):
    value = services["api"]["environment"]["FITCOACH_JWT_SECRET"]
    assert re.fullmatch(r"\$\{FITCOACH_JWT_SECRET:\?[^}]+\}", value), (
        value
    )  # Compose refuses to start without it


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_every_fitcoach_variable_of_a_service_is_a_valid_setting(services, monkeypatch, name):
    environment = {key: with_defaults(value) for key, value in services[name]["environment"].items()}
    fields = {f"FITCOACH_{field.upper()}" for field in Settings.model_fields}
    assert set(environment) <= fields, "extra variables are ignored silently: a misspelt one must fail here"
    for key in [key for key in os.environ if key.startswith("FITCOACH_")]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, "x" * 48 if key == "FITCOACH_JWT_SECRET" else value)
    settings = load_settings()
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.chosen_event_store == "kurrentdb"
    if name == "api":
        assert settings.in_process_projections is False
        assert settings.jwt_secret is not None


@pytest.mark.parametrize(
    ("name", "path"),
    [("kurrentdb", "/var/lib/kurrentdb"), ("postgres", "/var/lib/postgresql/data"), ("redis", "/data")],
)
def test_stateful_services_keep_their_data_in_named_volumes(compose, services, name, path):
    mounts = dict(volume.split(":", 1) for volume in services[name]["volumes"])
    by_path = {target: source for source, target in mounts.items()}
    assert path in by_path, f"{name} does not persist {path}"
    assert by_path[path] in compose["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_backing_services_and_migrations(services, name):
    depends_on = services[name]["depends_on"]
    for backing in BACKING_SERVICES:
        assert depends_on[backing]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_every_healthy_condition_names_a_service_with_a_healthcheck(services):
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}'s health"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_services_get_urls_of_the_compose_services(services, name):
    environment = {key: with_defaults(value) for key, value in services[name]["environment"].items()}
    assert set(URL_VARIABLES) <= set(environment)
    database = urlsplit(environment["FITCOACH_DATABASE_URL"])
    assert (database.scheme, database.hostname, database.port) == ("postgresql", "postgres", 5432)
    redis = urlsplit(environment["FITCOACH_REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)
    assert environment["FITCOACH_EVENT_STORE"] == "kurrentdb"


def test_the_database_url_matches_the_postgres_service(services):
    postgres = {key: with_defaults(value) for key, value in services["postgres"]["environment"].items()}
    database = urlsplit(with_defaults(services["api"]["environment"]["FITCOACH_DATABASE_URL"]))
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path == f"/{postgres['POSTGRES_DB']}"


def test_kurrentdbclient_accepts_the_kurrentdb_url(services):
    spec = ConnectionSpec(services["api"]["environment"]["FITCOACH_KURRENTDB_URL"])
    assert spec.scheme == "kurrentdb"
    assert list(spec.targets) == ["kurrentdb:2113"]
    assert spec.options.tls is False


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("api", "fitcoach serve --host 0.0.0.0 --port 8000"),
        ("projector", "fitcoach project"),
        ("migrate", "fitcoach migrate"),
    ],
)
def test_app_services_run_the_fitcoach_cli_from_the_repo_image(services, name, command):
    service = services[name]
    assert " ".join(command_of(service)) == command
    assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    assert service["image"] == services["api"]["image"]


def test_the_api_is_published_on_port_8000(services):
    assert "8000:8000" in services["api"]["ports"]


def test_the_fitcoach_command_is_installed_by_the_project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "fitcoach" in project["project"]["scripts"]


def test_the_installed_project_holds_every_package_and_module_of_the_app():
    """The image gets only what `pip install .` installs: setuptools' explicit `packages` list takes no
    subpackage by itself, and a module missing from `py-modules` is left out (an editable install, as in
    development, would hide both)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    not_shipped = {"tests", "bench", ".venv", "build", "dist"}
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.rglob("__init__.py")
        if not not_shipped & set(init.relative_to(ROOT).parts)
        and not any(
            part.startswith(".") or part.endswith(".egg-info") for part in init.relative_to(ROOT).parts
        )
    }
    assert packages
    assert packages <= set(setuptools["packages"]), "add them to [tool.setuptools] packages"
    modules = {path.stem for path in ROOT.glob("*.py")}
    assert modules <= set(setuptools["py-modules"]), "add them to [tool.setuptools] py-modules"
    assert {"web", "schema"} <= packages
    assert {"server", "bootstrap_api", "cli"} <= modules


def test_the_image_installs_the_project_and_runs_as_a_non_root_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert bases
    assert set(bases) == {"python:3.11-slim"}
    assert "RUN pip install ." in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}
    assert [line for line in lines if line.startswith("CMD ")][-1].startswith('CMD ["fitcoach"')


def test_the_build_context_leaves_out_secrets_and_the_local_venv_but_keeps_the_package_files():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".venv", ".env", ".git"} <= ignored
    assert not {"README.md", "pyproject.toml", "*.md", "*.toml"} & ignored

"""docker-compose.yml describes the stack the code expects (Docker can't run here): pinned images, health
checks that the start order waits on, named volumes, and the fitcoach commands each app service runs."""

from __future__ import annotations

import re

import pytest

from tests.compose.compose_file import APP_SERVICES, BACKING_SERVICES, ROOT, command_of


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


def test_the_api_leaves_the_chat_replies_to_the_coach_worker_service(services):
    assert services["api"]["environment"]["FITCOACH_COACH_WORKER_IN_PROCESS"] == "false"
    assert command_of(services["coach-worker"]) == ["fitcoach", "coach-worker"]
    environment = services["coach-worker"]["environment"]
    assert environment.get("FITCOACH_COACH_WORKER_IN_PROCESS") in {None, "true"}
    assert environment["FITCOACH_REDIS_URL"] == services["api"]["environment"]["FITCOACH_REDIS_URL"]


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


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("api", "fitcoach serve --host 0.0.0.0 --port 8000"),
        ("projector", "fitcoach project"),
        ("coach-worker", "fitcoach coach-worker"),
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


def test_migrate_waits_for_the_event_store_it_loads_the_exercise_library_into(services):
    depends_on = services["migrate"]["depends_on"]
    assert depends_on["kurrentdb"]["condition"] == "service_healthy"
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["environment"]["FITCOACH_EVENT_STORE"] == "kurrentdb"

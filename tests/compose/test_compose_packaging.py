"""The Dockerfile, .dockerignore and pyproject.toml build an image that holds the whole app, installs the
`fitcoach` command and runs it as a non-root user."""

from __future__ import annotations

import tomllib

from tests.compose.compose_file import ROOT


def test_the_fitcoach_command_is_installed_by_the_project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "fitcoach" in project["project"]["scripts"]


def test_the_installed_project_holds_every_package_and_module_of_the_app():
    """The image gets only what `pip install .` installs: the packages setuptools finds by the `include`
    patterns, and the top-level modules in `py-modules` (an editable install, as in development, would hide
    a missing one)."""
    from setuptools import find_packages

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
    found = set(find_packages(str(ROOT), include=setuptools["packages"]["find"]["include"]))
    assert packages
    assert packages <= found, "add them to [tool.setuptools.packages.find] include"
    assert not found & {"tests", "bench"}
    modules = {path.stem for path in ROOT.glob("*.py")}
    assert modules <= set(setuptools["py-modules"]), "add them to [tool.setuptools] py-modules"
    assert {"web", "schema", "fitcoach", "fitcoach.wiring", "adapters.postgres.embedded"} <= packages
    assert modules == {"server"}


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

"""The apps import only the apps they declare (`depends_on` in each app's AppConfig).

Every import statement in kopir/<app>/**/*.py is read with `ast`, at module level and inside
functions alike. An app's `tests/` may also import the apps in its `test_depends_on` (the
factories and roles its fixtures need); its code may not. Migrations are generated and refer to
other apps by label, not by import, so they are read too but rarely matter.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from django.apps import apps

KOPIR = Path(__file__).resolve().parents[2]


def kopir_apps() -> dict[str, Any]:
    return {c.label: c for c in apps.get_app_configs() if c.name.startswith("kopir.")}


def imported_apps(path: Path, labels: set[str]) -> set[tuple[str, int]]:
    """The Kopir apps a file imports, with the line of each import."""
    found: set[tuple[str, int]] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "kopir":  # from kopir import council
                modules = [f"kopir.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "kopir" and len(parts) > 1 and parts[1] in labels:
                found.add((parts[1], node.lineno))
    return found


def undeclared_imports(configs: dict[str, Any]) -> list[str]:
    labels = set(configs)
    problems = []
    for label, config in configs.items():
        allowed_code = {label, *config.depends_on}
        allowed_tests = allowed_code | set(getattr(config, "test_depends_on", ()))
        for path in sorted(Path(config.path).rglob("*.py")):
            in_tests = "tests" in path.relative_to(config.path).parts
            allowed = allowed_tests if in_tests else allowed_code
            for imported, line in sorted(imported_apps(path, labels)):
                if imported not in allowed:
                    problems.append(f"{path.relative_to(KOPIR.parent)}:{line} imports {imported}")
    return problems


def test_every_app_imports_only_the_apps_it_declares():
    assert undeclared_imports(kopir_apps()) == []


def test_core_imports_no_app_at_all():
    assert kopir_apps()["core"].depends_on == ()


def test_the_declared_dependencies_name_real_apps_and_have_no_cycle():
    configs = kopir_apps()
    graph = {label: set(config.depends_on) for label, config in configs.items()}
    for label, deps in graph.items():
        assert deps <= set(graph), f"{label} depends on unknown apps {deps - set(graph)}"
        assert label not in deps

    done: set[str] = set()

    def visit(label: str, path: tuple[str, ...]) -> None:
        assert label not in path, f"dependency cycle: {' -> '.join((*path, label))}"
        if label in done:
            return
        for dependency in graph[label]:
            visit(dependency, (*path, label))
        done.add(label)

    for label in graph:
        visit(label, ())


def test_the_check_reports_an_import_the_app_does_not_declare(tmp_path, monkeypatch):
    # The guard itself: a file of a lower app importing a higher one, at function level.
    app = tmp_path / "lower"
    (app / "tests").mkdir(parents=True)
    (app / "views.py").write_text("def f():\n    from kopir.upper.models import Thing\n")
    (app / "tests" / "test_x.py").write_text("from kopir.upper.tests.factories import F\n")

    class Config:
        path = str(app)
        depends_on = ("core",)
        test_depends_on = ("upper",)

    class Upper:
        path = str(tmp_path / "upper")
        depends_on = ("lower",)

    (tmp_path / "upper").mkdir()
    monkeypatch.setattr("kopir.core.tests.test_app_dependencies.KOPIR", tmp_path / "kopir")
    problems = undeclared_imports({"lower": Config, "upper": Upper})
    assert len(problems) == 1
    assert problems[0].endswith("views.py:2 imports upper")


def test_the_architecture_table_shows_the_declared_arrows():
    table = (KOPIR.parent / "docs" / "architecture.md").read_text()
    for label, config in kopir_apps().items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{label}` |"))
        shown = row.rstrip(" |").rsplit("|", 1)[1].strip()
        expected = ", ".join(config.depends_on) or "—"
        assert shown == expected, f"docs/architecture.md shows {label} -> {shown!r}"

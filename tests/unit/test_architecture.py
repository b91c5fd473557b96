"""The structure the code promises (docs/architecture.md), checked on the code itself.

Read with ``ast``, so imports inside functions count too: no import cycles in
django_nova, only the cloud packages talk to client libraries, views, forms and
templates never reach past the services, and services never ask which cloud
they run on.
"""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "django_nova"
CLIENT_LIBRARIES = ("boto3", "botocore", "openstack", "keystoneauth1", "moto")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def imports(path: Path, known=frozenset()) -> list[str]:
    """Every module a file imports, at any depth, as absolute names.

    ``from package import module`` depends on the module, not on the package.
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            submodules = [f"{base}.{alias.name}" for alias in node.names
                          if f"{base}.{alias.name}" in known]
            found.extend(submodules)
            if len(submodules) < len(node.names):
                found.append(base)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {target for target in imports(path, frozenset(known))
                   if target in known and target != name}
            for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_is_read_including_deferred_imports():
    edges = graph()
    assert "django_nova.clouds.base" in edges["django_nova.clouds.ec2"]
    assert "django_nova.clouds.openstack.keystone" in edges["django_nova.services.projects"]
    # A cycle is found where there is one (the checker can fail).
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert cycles(graph()) == []


# The embedded sandbox is a moto server of our own: it may import moto.
EMBEDDED_CLOUD = {"django_nova.embedded", "django_nova.embedded_gate"}


def test_only_cloud_packages_import_client_libraries():
    offenders = {
        name: sorted({i for i in imports(path) if i.split(".")[0] in CLIENT_LIBRARIES})
        for name, path in modules().items()
        if not name.startswith("django_nova.clouds.") and name not in EMBEDDED_CLOUD}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_views_and_forms_reach_clouds_only_through_services():
    layered = {name: path for name, path in modules().items()
               if name.rsplit(".", 1)[-1] in {"views", "forms", "mixins"}}
    assert layered
    offenders = {name: sorted(i for i in imports(path) if i.startswith("django_nova.clouds"))
                 for name, path in layered.items()}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_templates_never_read_a_cloud_part_or_driver():
    offenders = [str(path.relative_to(PACKAGE)) for path in (PACKAGE / "templates").rglob("*")
                 if path.is_file() and re.search(r"\bdriver\b|nova\.cloud\.", path.read_text())]
    assert offenders == []


def test_services_never_branch_on_the_cloud_kind():
    pattern = re.compile(r"""["']DRIVER["']|isinstance\([^)]*KeystoneSession"""
                         r"""|== ["'](ec2|openstack)["']""")
    offenders = [name for name, path in modules().items()
                 if name.startswith("django_nova.services") and pattern.search(path.read_text())]
    assert offenders == []


def test_areas_do_not_import_each_others_views_or_forms():
    areas = {p.parent.name for p in PACKAGE.glob("*/views.py")}
    offenders = []
    for name, path in modules().items():  # the root URLconf includes every area's views
        parts = name.split(".")
        own = parts[1] if len(parts) > 2 else ""
        for target in imports(path):
            target_parts = target.split(".")
            if (own in areas and len(target_parts) >= 3 and target_parts[1] in areas
                    and target_parts[1] != own and target_parts[2] in {"views", "forms"}):
                offenders.append((name, target))
    assert offenders == []

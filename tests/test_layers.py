"""The layers' dependencies point one way: entry points (service) -> the application (application) ->
the domain (checks, indices, extractors -> corpus). Read from the imports of every module, so a new
arrow the wrong way, or a circle, fails here rather than in a newcomer's head."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "extractors", "checks", "indices", "application", "service")
DOMAIN = ("corpus", "extractors", "checks", "indices")
# What an entry point may name below the application: the domain's vocabulary (models, typed queries and
# a search's filters, a key's record), the errors a search raises (to answer 503) and the warm-up of the
# index's dictionaries before serving; never the catalog or the index themselves. checks.base.fmt:
# tables print numbers as the warnings' own messages word them.
ENTRY_POINTS_MAY_USE = {
    "corpus.models", "corpus.filters", "corpus.store.KeyRecord", "checks.base.fmt", "indices.warm_up",
    "indices.IndexUnavailableError", "indices.IndexRebuildingError", "indices.SearchBackendError",
    "indices.SearchFilters",
}


def imports_of(path: Path, *, at_import_time: bool = False) -> set[str]:
    """The first-party modules (and names, for `from x import y`) a module imports: anywhere in it, or
    only those run when it is imported (not inside functions, where an import waits for the call)."""
    found: set[str] = set()
    for node in _nodes(ast.parse(path.read_text(encoding="utf-8")), at_import_time):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def _nodes(tree: ast.AST, at_import_time: bool) -> list[ast.AST]:
    if not at_import_time:
        return list(ast.walk(tree))
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            todo.extend(ast.iter_child_nodes(node))
    return found


def modules(*, at_import_time: bool = False) -> dict[str, set[str]]:
    """Each first-party module by dotted name, with what it imports."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = imports_of(path, at_import_time=at_import_time)
    return found


def test_the_domain_never_imports_the_application_or_the_entry_points():
    upward = [
        (module, name)
        for module, imported in modules().items()
        if module.split(".")[0] in DOMAIN
        for name in imported
        if name.split(".")[0] in ("application", "service")
    ]
    assert upward == []


def test_the_application_never_imports_the_entry_points():
    upward = [
        (module, name)
        for module, imported in modules().items()
        if module.startswith("application")
        for name in imported
        if name.split(".")[0] == "service"
    ]
    assert upward == []


def test_entry_points_use_the_front_doors_and_the_domain_vocabulary_only():
    below = [
        (module, name)
        for module, imported in modules().items()
        if module.startswith("service")
        for name in imported
        if name.split(".")[0] in DOMAIN and not any(
            name == allowed or name.startswith(allowed + ".") for allowed in ENTRY_POINTS_MAY_USE
        )
    ]
    assert below == []


def test_no_module_imports_itself_through_a_circle():
    # Import-time imports: an import inside a function (the Elasticsearch client's, loaded only when
    # used) runs after every module has loaded.
    assert _cycles(_edges(modules(at_import_time=True))) == []


def test_the_search_indices_have_no_circle_even_through_imports_inside_functions():
    # A function-level import hides a circle from Python, not from a reader: indices/ is read one way,
    # from the engines up to the backends that open them.
    graph = modules()
    inside = {module: imported for module, imported in graph.items() if module.split(".")[0] == "indices"}
    assert _cycles(_edges(inside, graph)) == []


def _edges(graph: dict[str, set[str]], every: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Each module's first-party modules imported, itself left out (``every``: where names are found)."""
    known = every if every is not None else graph
    return {
        module: {target for name in imported if (target := _module_of(name, known)) and target != module}
        for module, imported in graph.items()
    }


def _module_of(name: str, graph: dict[str, set[str]]) -> str | None:
    """The module an imported name lives in: the longest dotted prefix that is a module."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in graph:
            return ".".join(parts[:end])
    return None


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found

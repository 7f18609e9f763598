"""Every Streamlit cache that grows with its inputs is bounded (issue 14: caches with max_entries).

A cache keyed by a demo, a file or an assumption grows with every new upload or edit on a
long-running server; only a cache of a function with no arguments can stay unbounded.
"""

import ast

import pytest
from conftest import ROOT

CACHE_DECORATORS = {"cache_data", "cache_resource"}


def cached_functions():
    for path in sorted([*(ROOT / "ui").rglob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = call.func if call else decorator
                if isinstance(target, ast.Attribute) and target.attr in CACHE_DECORATORS:
                    keywords = {k.arg for k in call.keywords} if call else set()
                    yield f"{path.name}:{node.name}", bool(node.args.args), keywords


CACHES = list(cached_functions())


def test_the_scan_finds_the_caches():
    assert len(CACHES) >= 15


@pytest.mark.parametrize(("name", "has_arguments", "keywords"), CACHES, ids=[c[0] for c in CACHES])
def test_cache_with_arguments_is_bounded(name, has_arguments, keywords):
    if has_arguments:
        assert keywords & {"max_entries", "ttl"}, f"{name} grows without bound"

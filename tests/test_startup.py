"""App start stays light: shap is imported only when the Examples page needs it."""

import subprocess
import sys

from conftest import ROOT

SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from conftest import open_page
at = open_page("app.py")
assert not at.exception
print("after pitch:", "shap" in sys.modules)
at.switch_page("pages/1_Decide.py").run()
print("after decide:", "shap" in sys.modules)
at.switch_page("pages/2_Examples.py").run()
print("after examples:", "shap" in sys.modules)
"""


def test_shap_is_imported_only_by_the_examples_page():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(tests=str(ROOT / "tests"))],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "after pitch: False" in result.stdout
    assert "after decide: False" in result.stdout
    assert "after examples: True" in result.stdout

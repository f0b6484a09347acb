"""The demo's written content that is data, not code: the JSON files in fixtures/demo/."""

import json
from typing import Any

from cxlean.core.catalogue import FIXTURES

DEMO_CONTENT = FIXTURES / "demo"


def demo_content(name: str) -> list[dict[str, Any]]:
    """The rows of fixtures/demo/<name>, in their order."""
    return json.loads((DEMO_CONTENT / name).read_text(encoding="utf-8"))

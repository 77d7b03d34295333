"""Whether two stored names are one body, from the names alone: a module of its own, light
enough for the commands that only read (``nianbao check``) to import without the body
resolver's tables (``retrieval.bodies``, which re-exports it).

>>> same_body("洪泽区人民政府", "淮安市洪泽区人民政府")
True
"""

from __future__ import annotations


def same_body(a: str, b: str) -> bool:
    """洪泽区人民政府 and 淮安市洪泽区人民政府 are one body: one name ends with the other."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))

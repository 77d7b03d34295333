"""``nianbao.store`` loads its names on first use (so ``store.lite`` imports without
SQLAlchemy): every name it exports must still load, and be the object its module defines.

(``conversations`` and ``feedback`` name a table and the module it is in: once the module has
been imported on its own, the package's attribute is the module, as Python's imports make it;
import the table from its module.)"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import nianbao.store as store


def test_every_exported_name_loads_from_its_module() -> None:
    for name in store.__all__:
        value = getattr(store, name)
        where = store._WHERE.get(name)
        if where is not None and name != where:  # FORMAT_RANK is the package's own; see below
            module = importlib.import_module(where if "." in where else f"nianbao.store.{where}")
            assert value is getattr(module, name), name


def test_the_sqlite3_reads_import_without_sqlalchemy() -> None:
    code = (
        "import sys, nianbao.store.lite, nianbao.store.queries, nianbao.store.conversations, "
        "nianbao.store.feedback; print('sqlalchemy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_conversation_store_has_its_feedback_table_whatever_was_imported(tmp_path: Path) -> None:
    """The feedback table is created with the conversations' (it failed so once, when it was
    defined in a module of its own and the package loaded lazily)."""
    code = (
        "import sys; from nianbao.store.conversation_schema import connect_conversations; "
        "from sqlalchemy import inspect; "
        "print(sorted(inspect(connect_conversations(sys.argv[1])).get_table_names()))"
    )
    url = f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert "feedback" in done.stdout and "conversations" in done.stdout

"""The ``nianbao`` command."""

from __future__ import annotations

import typer

app = typer.Typer(help="年报问答: ingest 政府信息公开工作年度报告 and answer questions about them.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """年报问答 command line."""

"""Regenerate the generated blocks of data/README.md: the column tables and the source balance.

The README's hand-written prose stays; the blocks between ``<!-- dictionary:start -->`` and
``<!-- dictionary:end -->`` (from scamgeo.schema) and between ``<!-- balance:start -->`` and
``<!-- balance:end -->`` (from scamgeo.datasets.source_balance) are rewritten.
tests/test_data_readme.py fails when a block is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from scamgeo import datasets
from scamgeo.schema import CURATED, schema_table

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
START, END = "<!-- dictionary:start -->", "<!-- dictionary:end -->"
BALANCE = ("<!-- balance:start -->", "<!-- balance:end -->")


def _empty(value: object) -> str:
    """'yes', 'no', or the condition under which a required column may be empty."""
    return value if isinstance(value, str) else ("yes" if value else "no")


def dictionary_markdown() -> str:
    parts = []
    for name, schema in CURATED.items():
        parts.append(f"### `{name}` — {schema.description}\n")
        parts.append("| column | type | required | empty allowed | allowed | description |")
        parts.append("|---|---|---|---|---|---|")
        for row in schema_table(schema).itertuples(index=False):
            allowed = str(row.allowed).replace("|", "\\|")
            parts.append(
                f"| `{row.column}` | {row.type} | {'yes' if row.required else 'no'} | "
                f"{_empty(row._3)} | {allowed} | {row.description} |"
            )
        parts.append("")
    return "\n".join(parts).strip() + "\n"


def _markdown(frame: pd.DataFrame) -> list[str]:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.0%}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def balance_markdown() -> str:
    """The record's lean: fighting claims by side, events by evidence grade, top outlets."""
    events = datasets.events()
    fighting = datasets.source_balance(by="side", fighting_only=True)
    parts = [
        f"Fighting claims (battles, explosions/remote violence, violence against civilians: "
        f"{int(fighting['claims'].sum())} of {len(events)} event rows) by whose account they carry:",
        "",
        *_markdown(fighting),
        "",
        "All event rows by evidence grade (`source_grade`) and whose account they carry:",
        "",
        *_markdown(datasets.source_balance(by="grade").drop(columns="meaning")),
        "",
        "The ten outlets that supply most event rows (relays folded into the outlet they relay):",
        "",
        *_markdown(datasets.source_balance().head(10)),
    ]
    return "\n".join(parts) + "\n"


def _replace(text: str, markers: tuple[str, str], block: str) -> str:
    head, rest = text.split(markers[0], 1)
    _, tail = rest.split(markers[1], 1)
    return f"{head}{markers[0]}\n{block}{markers[1]}{tail}"


def render(text: str) -> str:
    text = _replace(text, (START, END), dictionary_markdown())
    return _replace(text, BALANCE, balance_markdown())


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

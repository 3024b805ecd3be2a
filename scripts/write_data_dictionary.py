"""Regenerate the column tables of data/README.md from scamgeo.schema.

The README's hand-written prose stays; the block between the markers
``<!-- dictionary:start -->`` and ``<!-- dictionary:end -->`` is rewritten.
tests/test_data_readme.py fails when the block is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scamgeo.schema import CURATED, schema_table

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
START, END = "<!-- dictionary:start -->", "<!-- dictionary:end -->"


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


def render(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{dictionary_markdown()}{END}{tail}"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

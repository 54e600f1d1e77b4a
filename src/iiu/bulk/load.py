"""Reading records files (CSV, Parquet, Excel) into DuckDB, every row with its line number.

Rows the reader itself cannot parse (too many columns, an unterminated quote) are kept as
rejections with their line and the reader's reason; they never stop the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa


class InputError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Loaded:
    columns: list[str]
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw text)
    kind: str = "csv"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".xlsx", ".xlsm")):
        return "excel"
    return "csv"


def load(con: duckdb.DuckDBPyConnection, path: Path, table: str = "raw") -> Loaded:
    """Create ``table`` (``line BIGINT`` + every column as VARCHAR, lower-cased names)."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    kind = file_kind(path)
    if kind == "parquet":
        return _parquet(con, path, table)
    if kind == "excel":
        return _excel(con, path, table)
    return _csv(con, path, table)


def _rename_lower(con: duckdb.DuckDBPyConnection, src: str, table: str, line_expr: str, extra: str = "") -> list[str]:
    cols = [r[0] for r in con.execute(f"DESCRIBE {src}").fetchall()]
    cols = [c for c in cols if c not in ("__ord", "file_row_number")]
    seen: dict[str, int] = {}
    names = []
    for c in cols:
        n = c.strip().lower().replace(" ", "_") or "column"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 0
        names.append(n)
    sel = ", ".join(f"NULLIF(TRIM(CAST({_q(c)} AS VARCHAR)), '') AS {_q(n)}" for c, n in zip(cols, names, strict=True))
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {line_expr} AS line, {sel} FROM {src} {extra}")
    return names


def _csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Loaded:
    p = str(path).replace("'", "''")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW __src AS SELECT row_number() OVER () AS __ord, * FROM read_csv('{p}', "
            "all_varchar=true, header=true, store_rejects=true, auto_detect=true, sample_size=-1)"
        )
        con.execute("CREATE OR REPLACE TEMP TABLE __srct AS SELECT * FROM __src")
    except duckdb.Error as e:
        raise InputError(f"{path}: cannot read as CSV: {e}") from None
    rejects: list[tuple[int, str, str]] = []
    try:
        rows = con.execute(
            "SELECT line, string_agg(DISTINCT error_type || ': ' || error_message, '; '), any_value(csv_line) "
            "FROM reject_errors GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.Error:
        rows = []
    for line, reason, text in rows:
        rejects.append((int(line), f"unreadable CSV row ({reason})", str(text or "")[:500]))
    if rejects:
        # Line of the k-th good row: k + 1 (header) + the rejected lines before it.
        bad = sorted(r[0] for r in rejects)
        good_before = [b - 2 - j for j, b in enumerate(bad)]  # good rows before the j-th bad line
        con.execute("CREATE OR REPLACE TEMP TABLE __bad AS SELECT unnest(?::BIGINT[]) AS gb", [good_before])
        line_expr = "__ord + 1 + (SELECT count(*) FROM __bad WHERE gb < __ord)"
    else:
        line_expr = "__ord + 1"
    cols = _rename_lower(con, "__srct", table, line_expr)
    con.execute("DROP TABLE __srct")
    return Loaded(cols, rejects, "csv")


def _parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Loaded:
    p = str(path).replace("'", "''")
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW __src AS SELECT * FROM read_parquet('{p}', file_row_number=true)")
    except duckdb.Error as e:
        raise InputError(f"{path}: cannot read as Parquet: {e}") from None
    cols = _rename_lower(con, "__src", table, "file_row_number + 1")
    return Loaded(cols, [], "parquet")


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def _excel(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Loaded:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook is an input error
        raise InputError(f"{path}: cannot read as Excel: {e}") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise InputError(f"{path}: the first sheet is empty")
    names = [str(h if h is not None else f"column{i + 1}") for i, h in enumerate(header)]
    data: dict[str, list[str | None]] = {n: [] for n in names}
    lines: list[int] = []
    for i, row in enumerate(rows, start=2):
        if row is None or all(v is None for v in row):
            continue
        lines.append(i)
        for j, n in enumerate(names):
            data[n].append(_cell(row[j]) if j < len(row) else None)
    wb.close()
    t = pa.table({"__line": pa.array(lines, pa.int64()), **{n: pa.array(v, pa.string()) for n, v in data.items()}})
    con.register("__xl", t)
    con.execute("CREATE OR REPLACE TEMP VIEW __xlv AS SELECT * EXCLUDE (__line), __line AS __ord FROM __xl")
    cols = _rename_lower(con, "__xlv", table, "__ord")
    con.execute("DROP VIEW __xlv")
    con.unregister("__xl")
    return Loaded(cols, [], "excel")

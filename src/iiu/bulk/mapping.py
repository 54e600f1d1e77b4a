"""Mapping files: how another schema (a real office's export) becomes the §5.3 record format.

A mapping is YAML::

    name: my-office
    require: [case_no, statute]            # source columns that must be in the header
    reject_if:                             # rows rejected before mapping, with a reason
      - {column: current, equals: "false", reason: "not the current sentence"}
    duplicates: longest_term               # rows of one record_id: keep the first (default) or the
                                           # one with the longest term of imprisonment
    fields:                                # target column -> source
      record_id: {template: "{case_no}-{count}"}
      person_id: {column: defendant_id}
      jurisdiction: {value: IL}
      disposition_date: {column: disp_date, date_formats: ["%m/%d/%Y", "%Y-%m-%d"]}
      disposition: {column: outcome, map: {PLEA: guilty_plea, NOLLE: dismissed}}
    derive:                                # named transforms (iiu.bulk.transforms)
      - {function: il_statute, from: [chapter, act, section], to: [offense, inchoate]}

Transforms run once per distinct combination of their input columns. ``--mapping NAME``
names a bundled mapping (``iiu/bulk/mappings/NAME.yaml``); anything else is a file path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import yaml

from iiu.bulk.columns import ALL_COLUMNS, REQUIRED
from iiu.bulk.load import InputError, _q
from iiu.bulk.transforms import TRANSFORMS, MappingError


@dataclass
class Mapping:
    name: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    derive: list[dict[str, Any]] = field(default_factory=list)
    reject_if: list[dict[str, Any]] = field(default_factory=list)
    require: list[str] = field(default_factory=list)
    description: str = ""
    duplicates: str = "first"  # which row of a repeated record_id is kept (``DUPLICATE_RULES``)


# Which row of a repeated record_id is analysed (the others are rejected, naming it): ``first``, the
# first that passes the row checks; ``longest_term``, the one with the longest term of imprisonment
# (custody + suspended; a sentence the row does not give ranks first), for exports that list one
# charge's sentence on several rows (``engine.dedupe``).
DUPLICATE_RULES = ("first", "longest_term")


def bundled_mappings() -> list[str]:
    root = resources.files("iiu.bulk").joinpath("mappings")
    return sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_mapping(spec: str | Path) -> Mapping:
    text: str
    s = str(spec)
    if s in bundled_mappings():
        text = resources.files("iiu.bulk").joinpath("mappings", f"{s}.yaml").read_text(encoding="utf-8")
    else:
        p = Path(s)
        if not p.is_file():
            raise InputError(f"no mapping {s!r}: not a file and not a bundled mapping ({', '.join(bundled_mappings())})")
        text = p.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise InputError(f"mapping {s}: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"mapping {s}: expected a mapping of fields")
    m = Mapping(name=str(data.get("name", s)), fields=dict(data.get("fields") or {}), derive=list(data.get("derive") or []),
                reject_if=list(data.get("reject_if") or []), require=[str(c).lower() for c in data.get("require") or []],
                description=str(data.get("description", "")), duplicates=str(data.get("duplicates", "first")))
    if m.duplicates not in DUPLICATE_RULES:
        raise InputError(f"mapping {m.name}: duplicates must be one of {', '.join(DUPLICATE_RULES)}, got {m.duplicates!r}")
    targets = set(m.fields)
    for step in m.derive:
        fn = step.get("function")
        if fn not in TRANSFORMS:
            raise InputError(f"mapping {m.name}: unknown function {fn!r}; known: {', '.join(sorted(TRANSFORMS))}")
        targets.update(step.get("to") or [])
    unknown = sorted(t for t in targets if t not in ALL_COLUMNS)
    if unknown:
        raise InputError(f"mapping {m.name}: unknown target columns {', '.join(unknown)}")
    missing = [c for c in REQUIRED if c not in targets]
    if missing:
        raise InputError(f"mapping {m.name}: no source for required columns {', '.join(missing)}")
    return m


def _lit(v: Any) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _field_sql(spec: dict[str, Any], columns: set[str]) -> str:
    if "value" in spec:
        return "NULL" if spec["value"] is None else _lit(spec["value"])
    if "template" in spec:
        parts = re.split(r"(\{[^}]+\})", str(spec["template"]))
        out = []
        for part in parts:
            if part.startswith("{") and part.endswith("}"):
                c = part[1:-1].strip().lower()
                out.append(_q(c) if c in columns else "NULL")
            elif part:
                out.append(_lit(part))
        return "(" + " || ".join(out or ["NULL"]) + ")"
    col = str(spec.get("column", "")).lower()
    if col not in columns:
        return "NULL"
    expr = _q(col)
    fmts = spec.get("date_formats")
    if fmts:
        tries = [f"strftime(try_strptime({expr}, {_lit(f)}), '%Y-%m-%d')" for f in fmts]
        return f"coalesce({', '.join(tries)}, {expr})"
    if spec.get("upper"):
        expr = f"upper({expr})"
    table = spec.get("map")
    if isinstance(table, dict) and table:
        # Source values (compared without case or surrounding space) -> target values; others pass through.
        whens = " ".join(f"WHEN {_lit(str(k).strip().lower())} THEN {_lit(str(v))}" for k, v in table.items())
        expr = f"(CASE lower(trim({expr})) {whens} ELSE {expr} END)"
    return expr


def apply_mapping(con: duckdb.DuckDBPyConnection, m: Mapping, columns: list[str], src: str = "raw", out: str = "rec") -> None:
    cols = set(columns)
    missing = [c for c in m.require if c not in cols]
    if missing:
        raise InputError(f"the file does not look like a {m.name} export: no column {', '.join(missing)}")
    select: dict[str, str] = {c: _field_sql(spec, cols) for c, spec in m.fields.items()}
    joins: list[str] = []
    errors: list[str] = []
    for cond in m.reject_if:
        c = str(cond.get("column", "")).lower()
        if c not in cols:
            continue
        test = f"lower({_q(c)}) = lower({_lit(cond['equals'])})" if "equals" in cond else f"{_q(c)} IS NULL"
        errors.append((f"CASE WHEN {test} THEN {_lit(cond.get('reason', f'{c} excluded by the mapping'))} END", _lit(c)))
    for i, step in enumerate(m.derive):
        fn = TRANSFORMS[step["function"]]
        frm = [str(c).lower() for c in step.get("from") or []]
        to = list(step.get("to") or [])
        present = [c for c in frm if c in cols]
        alias = f"__m{i}"
        if present:
            rows = con.execute(f"SELECT DISTINCT {', '.join(_q(c) for c in present)} FROM {src}").fetchall()
        else:
            rows = [()]
        data: dict[str, list[Any]] = {f"k{j}": [] for j in range(len(present))}
        outs: dict[str, list[Any]] = {f"o{j}": [] for j in range(len(to))}
        errs: list[str | None] = []
        for row in rows:
            vals = dict(zip(present, row, strict=True))
            args = [vals.get(c) for c in frm]
            try:
                res = fn(*args)
                err = None
            except MappingError as e:
                res, err = (None,) * len(to), str(e)
            for j, v in enumerate(row):
                data[f"k{j}"].append(v)
            for j in range(len(to)):
                v = res[j] if j < len(res) else None
                outs[f"o{j}"].append(None if v is None else str(v))
            errs.append(err)
        t = pa.table({**{k: pa.array(v, pa.string()) for k, v in data.items()},
                      **{k: pa.array(v, pa.string()) for k, v in outs.items()}, "err": pa.array(errs, pa.string())})
        con.register(f"{alias}_t", t)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} AS SELECT * FROM {alias}_t")
        con.unregister(f"{alias}_t")
        if present:
            on = " AND ".join(f"{src}.{_q(c)} IS NOT DISTINCT FROM {alias}.k{j}" for j, c in enumerate(present))
            joins.append(f"LEFT JOIN {alias} ON {on}")
        else:
            joins.append(f"CROSS JOIN {alias}")
        for j, target in enumerate(to):
            select[target] = f"{alias}.o{j}"
        errors.append((f"{alias}.err", _lit(to[0]) if to else "NULL"))
    parts = [f"{src}.line AS line"]
    for c in ALL_COLUMNS:
        parts.append(f"{select.get(c, 'NULL')}::VARCHAR AS {_q(c)}")
    if errors:
        parts.append(f"coalesce({', '.join(e for e, _f in errors)}, NULL)::VARCHAR AS map_error")
        # The field a mapping rejection is about: the source column of a reject_if, the first column a
        # transform writes (its message may name a more precise one: ``engine.validate``).
        parts.append("(CASE " + " ".join(f"WHEN {e} IS NOT NULL THEN {f}" for e, f in errors) + " END)::VARCHAR AS map_field")
    else:
        parts.append("NULL::VARCHAR AS map_error")
        parts.append("NULL::VARCHAR AS map_field")
    parts.append(f"{_lit(m.duplicates)}::VARCHAR AS dup_rule")
    con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT {', '.join(parts)} FROM {src} {' '.join(joins)}")


def identity(con: duckdb.DuckDBPyConnection, columns: list[str], src: str = "raw", out: str = "rec") -> None:
    cols = set(columns)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(
            f"the records file has no column {', '.join(missing)} (DESIGN §5.3); "
            "use --mapping to read another schema"
        )
    parts = ["line"] + [f"{_q(c) if c in cols else 'NULL'}::VARCHAR AS {_q(c)}" for c in ALL_COLUMNS]
    con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT {', '.join(parts)}, NULL::VARCHAR AS map_error, "
                f"NULL::VARCHAR AS map_field, 'first'::VARCHAR AS dup_rule FROM {src}")

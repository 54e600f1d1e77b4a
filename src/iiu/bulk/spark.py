"""``iiu audit --engine spark``: the same audit on Apache Spark (PySpark), for statewide data.

The rules are the same Python functions: Spark only moves rows. The plan:

1. read the file (CSV with a ``_corrupt_record`` column for rows the reader cannot parse;
   Parquet; Excel through the driver), numbering rows in file order (``zipWithIndex``);
2. apply the mapping per batch (``mapInPandas``: the mapping is row-local);
3. mark duplicate record ids (a window over ``record_id`` by line);
4. group the rows by a hash of ``person_id`` (every person's records in one group) and run the
   bulk pipeline of ``iiu.bulk.engine`` on each group with an embedded DuckDB
   (``applyInPandas``): validation, stage 1 per distinct key, priors by window sums, stage 2 per
   distinct findings and priors — exactly the DuckDB engine, on that group;
5. write the rows and rejections as Parquet, then build ``summary.json``, ``records.parquet``,
   ``rejected.csv`` and ``report.html`` with the same code as the DuckDB engine.

Every group is complete for its people, so priors are exact; distinct keys are evaluated once
per group (and the engine's caches carry over between groups in a reused Python worker).
See ``docs/spark.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from iiu.bulk.columns import ALL_COLUMNS

RESULT_STRINGS = None  # set lazily (needs iiu.bulk.audit)


def _spark_session(app: str = "iiu-audit") -> Any:
    import sys

    from pyspark.sql import SparkSession

    # Local workers run this interpreter (the one with iiu and its dependencies installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if not os.environ.get("SPARK_MASTER") and not os.environ.get("IIU_SPARK_CLUSTER"):
        builder = builder.master(os.environ.get("IIU_SPARK_MASTER", "local[2]"))
    return (builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", os.environ.get("IIU_SPARK_PARTITIONS", "8"))
            .config("spark.ui.enabled", "false").getOrCreate())


def _out_columns() -> list[str]:
    from iiu.bulk.audit import OUT_COLUMNS

    return ["kind", *OUT_COLUMNS, "field", "reason"]


def _group_pipeline(today: dt.date, alternatives: bool) -> Any:
    """The function each group of people runs: the DuckDB engine on that group's rows."""
    cols = _out_columns()

    def run(pdf: Any) -> Any:
        import pandas as pd

        from iiu.bulk.audit import connect, evaluate_rec

        con = connect()
        con.register("__g", pdf)
        sel = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in ALL_COLUMNS)
        con.execute(f"CREATE TABLE rec AS SELECT CAST(line AS BIGINT) AS line, {sel}, CAST(map_error AS VARCHAR) AS map_error, "
                    "CAST(map_field AS VARCHAR) AS map_field FROM __g")
        evaluate_rec(con, today=today, show_progress=False, alternatives=alternatives)
        res = con.execute(f"""
            SELECT 'record' AS kind, {", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols[1:-2])},
                   NULL::VARCHAR AS field, NULL::VARCHAR AS reason FROM results
            UNION ALL
            SELECT 'rejected', {", ".join('CAST(line AS VARCHAR)' if c == 'line' else (f'"{c}"' if c in ('record_id', 'person_id') else 'NULL::VARCHAR') for c in cols[1:-2])},
                   field, reason FROM rejected
        """).df()
        con.close()
        return pd.DataFrame(res, columns=cols)

    return run


def _map_batches(mapping: str | None) -> Any:
    def run(batches: Any) -> Any:
        import duckdb

        from iiu.bulk.engine import validate
        from iiu.bulk.mapping import apply_mapping, identity, load_mapping

        m = load_mapping(mapping) if mapping else None
        for pdf in batches:
            con = duckdb.connect()
            con.register("__b", pdf)
            cols = [c for c in pdf.columns if c not in ("line", "_corrupt_record")]
            sel = ", ".join(f'NULLIF(TRIM(CAST("{c}" AS VARCHAR)), \'\') AS "{c.strip().lower()}"' for c in cols)
            con.execute(f"CREATE TABLE raw AS SELECT CAST(line AS BIGINT) AS line, {sel}, _corrupt_record FROM __b")
            names = [c.strip().lower() for c in cols]
            if m is not None:
                apply_mapping(con, m, names)
            else:
                identity(con, names)
            con.execute("""CREATE OR REPLACE TABLE rec AS SELECT r.* REPLACE (coalesce(CASE WHEN raw._corrupt_record IS NOT NULL
                                THEN 'unreadable CSV row: ' || raw._corrupt_record END, r.map_error) AS map_error)
                            FROM rec r JOIN raw USING (line)""")
            validate(con, duplicates=False)  # the row checks, for the duplicate rule (first valid occurrence)
            out = con.execute("SELECT r.*, t.reason IS NULL AS __ok FROM rec r JOIN typed t USING (line)").df()
            con.close()
            yield out

    return run


def audit_spark(records: Path, out: Path, *, mapping: str | None = None, write_csv: bool = False,
                today: dt.date | None = None, report: bool = True, alternatives: bool = True) -> dict[str, Any]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ValueError("--engine spark needs PySpark: pip install 'iiu[spark]' (and a Java runtime)") from None
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

    from iiu.bulk.audit import connect, summary, write_outputs
    from iiu.bulk.engine import KEPT_FIRST, KEPT_LONGEST, BulkState
    from iiu.bulk.load import InputError, file_kind

    today = today or dt.date.today()
    if not records.exists():
        raise InputError(f"no such file: {records}")
    spark = _spark_session()
    kind = file_kind(records)
    if kind == "csv":
        raw = spark.read.option("header", "true").option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt_record") \
            .option("multiLine", "false").csv(str(records))
        header = [c for c in raw.columns if c != "_corrupt_record"]
        schema = StructType([StructField(c, StringType()) for c in header] + [StructField("_corrupt_record", StringType())])
        raw = spark.read.option("header", "true").option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt_record") \
            .schema(schema).csv(str(records))
        first_line = 2
    elif kind == "parquet":
        raw = spark.read.parquet(str(records)).select([F.col(c).cast("string").alias(c) for c in spark.read.parquet(str(records)).columns])
        raw = raw.withColumn("_corrupt_record", F.lit(None).cast("string"))
        first_line = 1
    else:
        import duckdb

        from iiu.bulk.load import load

        con = duckdb.connect()
        load(con, records)
        pdf = con.execute("SELECT * FROM raw ORDER BY line").df()
        raw = spark.createDataFrame(pdf.astype(object).where(pdf.notna(), None)).withColumn("_corrupt_record", F.lit(None).cast("string"))
        first_line = None
    if first_line is not None:
        fields = raw.schema.fields
        raw = raw.rdd.zipWithIndex().map(lambda t: (*t[0], t[1] + first_line)).toDF(
            StructType([*fields, StructField("line", LongType())]))
    rec_schema = StructType([StructField("line", LongType()), *(StructField(c, StringType()) for c in ALL_COLUMNS),
                             StructField("map_error", StringType()), StructField("map_field", StringType()),
                             StructField("dup_rule", StringType()),
                             StructField("__ok", BooleanType())])
    rec = raw.mapInPandas(_map_batches(mapping), rec_schema)
    # As the DuckDB engine (``engine.dedupe``, ``engine.DUPLICATE_ORDER``): among rows that pass the row checks,
    # one of a record id is kept (the first, or under the mapping's ``longest_term`` rule the longest term).
    longest = F.col("dup_rule") == "longest_term"
    unknown = (F.lower(F.col("custody_days")) == "unknown") | (F.lower(F.col("suspended_custody_days")) == "unknown")
    term = F.coalesce(F.col("custody_days").cast("double"), F.lit(0.0)) + F.coalesce(F.col("suspended_custody_days").cast("double"), F.lit(0.0))
    w = Window.partitionBy("record_id", "__ok").orderBy(F.when(longest, F.when(unknown, 0).otherwise(1)).asc_nulls_last(),
                                                         F.when(longest, -term).asc_nulls_last(), F.col("line").asc())
    rec = rec.withColumn("__n", F.row_number().over(w)).withColumn("__first", F.first("line").over(w))
    line = F.col("__first").cast("string")
    kept = F.when(longest, F.concat(F.lit(KEPT_LONGEST[0]), line, F.lit(KEPT_LONGEST[1])))
    kept = kept.otherwise(F.concat(F.lit(KEPT_FIRST[0]), line, F.lit(KEPT_FIRST[1])))
    rec = rec.withColumn("map_error", F.when(F.col("__ok") & F.col("record_id").isNotNull() & (F.col("__n") > 1), kept)
                         .otherwise(F.col("map_error"))).drop("__n", "__first", "__ok", "dup_rule")
    groups = int(os.environ.get("IIU_SPARK_GROUPS", "16"))
    rec = rec.withColumn("__g", F.abs(F.hash(F.coalesce(F.col("person_id"), F.col("line").cast("string")))) % groups)
    out_schema = StructType([StructField(c, LongType() if c == "line" else StringType()) for c in _out_columns()])
    result = rec.groupBy("__g").applyInPandas(_group_pipeline(today, alternatives), out_schema)
    work = Path(tempfile.mkdtemp(prefix="iiu-spark-"))
    try:
        part = work / "rows.parquet"
        result.write.mode("overwrite").parquet(str(part))
        con = connect(work)
        p = str(part).replace("'", "''")
        con.execute(f"CREATE TABLE __rows AS SELECT * FROM read_parquet('{p}/*.parquet')")
        from iiu.bulk.audit import OUT_COLUMNS

        typed = {"disposition_date": "DATE", "offense_date": "DATE", "custody_days": "BIGINT", "suspended_custody_days": "BIGINT",
                 "probation_days": "BIGINT", "sentence_known": "BOOLEAN", "any_consequence": "BOOLEAN", "line": "BIGINT"}
        sel = ", ".join(f'CAST("{c}" AS {typed.get(c, "VARCHAR")}) AS "{c}"' for c in OUT_COLUMNS)
        con.execute(f"CREATE TABLE results AS SELECT {sel} FROM __rows WHERE kind = 'record'")
        con.execute("CREATE TABLE rejected AS SELECT line, record_id, person_id, field, reason FROM __rows WHERE kind = 'rejected'")
        state = BulkState(today=today)
        write_outputs(con, out, write_csv=write_csv)
        summ = summary(con, state, source=records.name, mapping=mapping, engine="spark")
        (out / "summary.json").write_text(json.dumps(summ, indent=2) + "\n", encoding="utf-8")
        if report:
            from iiu.reports.audit import render_audit_report, report_data

            (out / "report.html").write_text(render_audit_report(report_data(con, summ)), encoding="utf-8")
        con.close()
        return summ | {"_timings": {}, "_counts": {}}
    finally:
        shutil.rmtree(work, ignore_errors=True)

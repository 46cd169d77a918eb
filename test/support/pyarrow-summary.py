"""Reads a Parquet file with pyarrow and prints, as JSON, its row count, its column types and
exact aggregates of every column (null counts, integer sums, min/max as exact values, true counts,
distinct counts), so a test can compare pyarrow's reading of dsp's output with DuckDB's."""
import json
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq

table = pq.read_table(sys.argv[1])
out = {"rows": table.num_rows, "types": {}, "columns": {}}
for name in table.column_names:
    col = table.column(name)
    t = col.type
    out["types"][name] = str(t)
    s = {"nulls": col.null_count}
    if str(t) in ("int64",):
        s["sum"] = str(pc.sum(col).as_py() or 0)
        mm = pc.min_max(col).as_py()
        s["min"], s["max"] = str(mm["min"]), str(mm["max"])
    elif str(t) == "double":
        mm = pc.min_max(col).as_py()
        s["min"], s["max"] = repr(mm["min"]), repr(mm["max"])
    elif str(t) == "bool":
        s["true"] = pc.sum(pc.cast(col, "int64")).as_py() or 0
    elif str(t).startswith("timestamp"):
        micros = pc.cast(col, "int64")
        mm = pc.min_max(micros).as_py()
        s["min"], s["max"] = str(mm["min"]), str(mm["max"])
        # Summed in whole seconds: a sum of a million microsecond timestamps overflows int64.
        s["sum_seconds"] = str(pc.sum(pc.floor(pc.divide(pc.cast(micros, "double"), 1e6)).cast("int64")).as_py() or 0)
    elif str(t).startswith("date32"):
        ints = pc.cast(col, "int32")
        s["sum"] = str(pc.sum(pc.cast(ints, "int64")).as_py() or 0)
    else:
        s["distinct"] = pc.count_distinct(col).as_py()
    out["columns"][name] = s
print(json.dumps(out))

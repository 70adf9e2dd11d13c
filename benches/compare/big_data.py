"""Writes the seeded data set of the out-of-core benchmark (issue 17) as CSV and/or Parquet.

    python benches/compare/big_data.py --rows 10000000 --cols 50 --seed 17 \
        --csv /tmp/big.csv --parquet /tmp/big.parquet --parquet-rows 2000000

Rows are generated a block at a time from one seeded generator (numpy's PCG64), so memory stays
at one block and the same seed gives the same rows whatever files are asked for: the Parquet file
(snappy, one row group per block) holds the first `--parquet-rows` rows of the CSV file. Columns
x0…x{d-1} are standard normal; y is 0/1, drawn with P(y = 1) = σ(x·w + b) for a fixed w whose
logits have standard deviation 2. Floats are written with the shortest representation that reads
back to the same double, so a CSV fit and a Parquet fit see the same numbers.
"""

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--cols", type=int, default=50)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--block", type=int, default=250_000)
    ap.add_argument("--csv")
    ap.add_argument("--parquet")
    ap.add_argument("--parquet-rows", type=int, help="rows in the Parquet file (default: all)")
    a = ap.parse_args()
    rng = np.random.Generator(np.random.PCG64(a.seed))
    w = rng.standard_normal(a.cols)
    w *= 2.0 / np.linalg.norm(w)
    b = 0.5
    names = [f"x{j}" for j in range(a.cols)] + ["y"]
    schema = pa.schema([(n, pa.float64()) for n in names[:-1]] + [("y", pa.int64())])
    pq_rows = a.rows if a.parquet_rows is None else min(a.parquet_rows, a.rows)
    csv_out = None
    if a.csv:
        # The header unquoted, as most tools write it.
        sink = pa.OSFile(a.csv, "wb")
        sink.write((",".join(names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        csv_out = pacsv.CSVWriter(sink, schema, write_options=options)
    pq_out = pq.ParquetWriter(a.parquet, schema, compression="snappy") if a.parquet else None
    done = 0
    while done < a.rows:
        m = min(a.block, a.rows - done)
        x = rng.standard_normal((m, a.cols))
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        y = (rng.random(m) < p).astype(np.int64)
        cols = [pa.array(x[:, j]) for j in range(a.cols)] + [pa.array(y)]
        batch = pa.RecordBatch.from_arrays(cols, schema=schema)
        if csv_out:
            csv_out.write_batch(batch)
        if pq_out and done < pq_rows:
            pq_out.write_table(pa.Table.from_batches([batch.slice(0, min(m, pq_rows - done))]))
        done += m
    if csv_out:
        csv_out.close()
        sink.close()
    if pq_out:
        pq_out.close()


if __name__ == "__main__":
    main()

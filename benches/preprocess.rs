//! Pipeline transform at 10⁴, 10⁵ and 10⁶ rows × 20 columns (15 numeric, 5 categorical with
//! 3–7 levels) through a StandardScaler + OneHotEncoder pipeline; throughput in rows/s should
//! stay flat as rows grow. Data is generated here from a seed, not stored.

// `criterion_group!` defines a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use logreg_preprocess::{Column, OneHotEncoder, Pipeline, StandardScaler, Table};

/// SplitMix64: a tiny seeded generator, enough for benchmark data.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const NUMERIC: usize = 15;
const LEVELS: [&[&str]; 5] = [
    &["red", "green", "blue"],
    &["north", "south", "east", "west"],
    &["a", "b", "c", "d", "e"],
    &["mon", "tue", "wed", "thu", "fri", "sat"],
    &["q1", "q2", "q3", "q4", "q5", "q6", "q7"],
];

fn table(n: usize, seed: u64) -> Table {
    let mut rng = SplitMix(seed);
    let mut columns = Vec::new();
    for j in 0..NUMERIC {
        let scale = (j + 1) as f64;
        let values: Vec<f64> = (0..n).map(|_| (rng.unit() - 0.5) * scale).collect();
        columns.push((format!("x{j}"), Column::numeric(values)));
    }
    for (j, levels) in LEVELS.iter().enumerate() {
        let values: Vec<&str> = (0..n)
            .map(|_| levels[(rng.next_u64() % levels.len() as u64) as usize])
            .collect();
        columns.push((format!("c{j}"), Column::categorical(values)));
    }
    Table::new(columns).expect("generated columns are consistent")
}

fn pipeline(train: &Table) -> Pipeline {
    let numeric: Vec<String> = (0..NUMERIC).map(|j| format!("x{j}")).collect();
    let categorical: Vec<String> = (0..LEVELS.len()).map(|j| format!("c{j}")).collect();
    let mut p = Pipeline::new()
        .step(StandardScaler::new(numeric))
        .step(OneHotEncoder::new(categorical));
    p.fit(train).expect("pipeline fits");
    p
}

fn bench_transform(c: &mut Criterion) {
    let p = pipeline(&table(10_000, 1));
    let mut g = c.benchmark_group("preprocess_transform");
    for n in [10_000usize, 100_000, 1_000_000] {
        let data = table(n, 2);
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(if n >= 1_000_000 { 10 } else { 20 });
        g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, data| {
            b.iter(|| p.transform(black_box(data)).expect("transform succeeds"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_transform);
criterion_main!(benches);

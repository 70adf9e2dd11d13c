//! CSV parsing alone, in MB of text per second: 100 000 rows × 50 numeric columns written as
//! `%.17g` plus a 0/1 label (about 100 MB, generated here from a seed, never stored), read into
//! a table on one thread (the per-core rate) and on every core; and a bank-like mix of numbers
//! and labels. The target is 300 MB/s per core on the numeric file.

// `criterion_group!` defines a public function that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use logreg_preprocess::{read_csv_bytes, CsvOptions};

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

    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

/// 17 significant digits, as `%.17g` writes values of this size (no exponent between 1e-5 and 1e17).
fn g17(v: f64) -> String {
    let exp = v.abs().log10().floor() as i32;
    if !(-5..17).contains(&exp) {
        return format!("{v:.16e}");
    }
    let s = format!("{v:.*}", (16 - exp).max(0) as usize);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn numeric_csv(rows: usize, cols: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix(seed);
    let mut text: Vec<String> = vec![(0..cols).map(|j| format!("x{j},")).collect::<String>() + "y"];
    for _ in 0..rows {
        let mut line = String::with_capacity(cols * 22);
        for _ in 0..cols {
            line.push_str(&g17(rng.normal()));
            line.push(',');
        }
        line.push(if rng.next_u64() & 1 == 1 { '1' } else { '0' });
        text.push(line);
    }
    (text.join("\n") + "\n").into_bytes()
}

fn mixed_csv(rows: usize, seed: u64) -> Vec<u8> {
    const JOBS: [&str; 6] = [
        "admin.",
        "technician",
        "services",
        "management",
        "retired",
        "blue-collar",
    ];
    let mut rng = SplitMix(seed);
    let mut text = String::from("age,job,marital,balance,housing,duration,month,deposit\n");
    for _ in 0..rows {
        let r = rng.next_u64();
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            18 + r % 70,
            JOBS[(r >> 8) as usize % JOBS.len()],
            ["married", "single", "divorced"][(r >> 16) as usize % 3],
            (rng.normal() * 3000.0) as i64,
            if r >> 20 & 1 == 1 { "yes" } else { "no" },
            (r >> 24) % 3000,
            ["jan", "feb", "mar", "apr", "may", "jun"][(r >> 40) as usize % 6],
            if r >> 50 & 1 == 1 { "yes" } else { "no" },
        ));
    }
    text.into_bytes()
}

fn bench_csv(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("csv_parse");
    g.sample_size(10);
    for (name, data) in [
        ("numeric_100k_x_50", numeric_csv(100_000, 50, 7)),
        ("mixed_500k", mixed_csv(500_000, 7)),
    ] {
        g.throughput(Throughput::Bytes(data.len() as u64));
        for threads in [1, cores] {
            let options = CsvOptions::new().threads(threads);
            g.bench_with_input(
                BenchmarkId::new(name, format!("{threads}_threads")),
                &data,
                |b, data| b.iter(|| read_csv_bytes(black_box(data), &options).expect("valid CSV")),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench_csv);
criterion_main!(benches);

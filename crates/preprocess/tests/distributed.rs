//! A pipeline fitted on rows split over ranks (threads, `InProcess`) learns the parameters of all
//! the rows, the same on every rank, and so transforms every rank's rows as the single-process
//! pipeline transforms them; a failure on one rank's rows is every rank's error, at its file.

use logreg_collective::{assign_rows, Collective, InProcess};
use logreg_preprocess::{
    Column, ImputeStrategy, Imputer, MinMaxScaler, OneHotEncoder, Pipeline, Ranks, RowOrigins,
    Table,
};
use std::thread;

fn table(n: usize) -> Table {
    let x: Vec<Option<f64>> = (0..n)
        .map(|i| (i % 11 != 3).then(|| 1e6 + ((i * 37) % 101) as f64 / 7.0))
        .collect();
    let z: Vec<f64> = (0..n).map(|i| ((i * 13) % 17) as f64 - 8.0).collect();
    let city: Vec<Option<String>> = (0..n)
        .map(|i| (i % 13 != 5).then(|| ["Lyon", "Paris", "Nice", "Lille"][(i * 7) % 4].into()))
        .collect();
    // A category that only the last rows (the last rank) hold.
    let colour: Vec<&str> = (0..n)
        .map(|i| {
            if i + 3 >= n {
                "teal"
            } else {
                ["red", "blue"][i % 2]
            }
        })
        .collect();
    Table::new([
        ("x", Column::numeric_with_missing(x)),
        ("z", Column::numeric(z)),
        (
            "city",
            Column::categorical_with_missing(city.iter().map(|c| c.as_deref())),
        ),
        ("colour", Column::categorical(colour)),
    ])
    .unwrap()
}

fn pipeline(median: bool) -> Pipeline {
    let strategy = if median {
        ImputeStrategy::Median
    } else {
        ImputeStrategy::Mean
    };
    Pipeline::new()
        .step(Imputer::new(["x"], strategy))
        .step(Imputer::new(["city"], ImputeStrategy::MostFrequent))
        .step(Imputer::new(["z"], ImputeStrategy::MostFrequent))
        .step(OneHotEncoder::new(["city", "colour"]).drop_first(true))
        .step(MinMaxScaler::new(["z"]))
        .standardize_all()
}

/// Runs `work(rank, its rows of the table)` on every rank, each on its own thread.
fn on_ranks<T: Send>(
    size: usize,
    t: &Table,
    work: impl Fn(&InProcess, Table) -> T + Sync,
) -> Vec<T> {
    let group = InProcess::group(size).unwrap();
    thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|rank| {
                let work = &work;
                s.spawn(move || {
                    let r = assign_rows(t.n_rows(), rank.size(), rank.rank()).unwrap();
                    let mine = t.take(&r.collect::<Vec<_>>()).unwrap();
                    work(&rank, mine)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn every_step_learns_from_every_ranks_rows() {
    let n = 1000;
    let t = table(n);
    for median in [false, true] {
        let mut single = pipeline(median);
        let expected = single.fit_transform(&t).unwrap();
        for size in 1..=4 {
            let results = on_ranks(size, &t, |rank, mine| {
                let mut p = pipeline(median);
                let f = p
                    .fit_transform_owned_in(mine, None, &Ranks::new(rank))
                    .unwrap();
                (p, f)
            });
            let mut row = 0;
            for (p, f) in &results {
                assert_eq!(p.to_json().unwrap(), results[0].0.to_json().unwrap());
                assert_eq!(f.names, expected.names);
                for i in 0..f.n_rows() {
                    for j in 0..f.names.len() {
                        let (a, b) = (f.get(i, j).unwrap(), expected.get(row + i, j).unwrap());
                        assert!(
                            (a - b).abs() <= 1e-12 * (1.0 + b.abs()),
                            "{size} ranks, row {}, column {}: {a} vs {b}",
                            row + i,
                            f.names[j]
                        );
                    }
                }
                row += f.n_rows();
            }
            assert_eq!(row, n);
            // Fill values and categories are exactly the single process's.
            let steps = results[0].0.steps();
            assert!(steps.len() >= 4 && steps.len() == single.steps().len());
            for (k, (mine, theirs)) in steps.iter().zip(single.steps()).take(4).enumerate() {
                assert_eq!(
                    serde_json::to_string(mine).unwrap(),
                    serde_json::to_string(theirs).unwrap(),
                    "{size} ranks, step {k}"
                );
            }
        }
    }
}

#[test]
fn a_missing_value_on_one_rank_is_every_ranks_error_at_its_file_and_row() {
    let t = table(30);
    let results = on_ranks(3, &t, |rank, mine| {
        let mut origins = RowOrigins::new();
        origins.push(0, format!("part-{}.csv", rank.rank()), 0);
        let mut p = Pipeline::new().standardize_all();
        p.fit_transform_owned_in(mine, None, &Ranks::new(rank).with_origins(&origins))
            .unwrap_err()
            .to_string()
    });
    // Rows 3, 14 and 25 (0-based) miss x: rank 0 holds the first, at its data row 4.
    let expected = "rank 0 of 3 failed: part-0.csv: data row 4, column \"x\": missing value \
                    reached StandardScaler; fill it with an Imputer or remove the row first \
                    (ranks 1, 2 failed too)";
    assert_eq!(results, vec![expected.to_string(); 3]);
}

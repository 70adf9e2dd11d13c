//! Whatever bytes come in, reading and transforming return `Ok` or `Err`, never panic, and an
//! `Ok` table keeps its invariants.

use logreg_preprocess::{
    read_csv_chunks_from, read_csv_from, read_libsvm_from, Binner, Column, ColumnType, CsvOptions,
    DesignStorage, HandleMissing, HandleUnknown, ImputeStrategy, Imputer, OneHotEncoder,
    OutOfRange, Pipeline, Table,
};
use proptest::prelude::*;

/// Checks the table invariants a reader promises.
fn check_table(t: &Table) {
    assert!(t.n_rows() >= 1);
    for (name, column) in t.iter() {
        assert!(!name.trim().is_empty());
        assert_eq!(column.len(), t.n_rows());
        if let Some(v) = column.as_numeric() {
            assert!(v.iter().flatten().all(|x| x.is_finite()));
        }
        if let Some(c) = column.as_categorical() {
            assert_eq!(c.iter().filter(Option::is_none).count(), c.n_missing());
        }
    }
    let names = t.column_names();
    for (i, n) in names.iter().enumerate() {
        assert!(!names[..i].contains(n));
    }
}

/// Fits and applies a pipeline that uses every column, to push odd tables through the steps.
fn exercise_steps(t: &Table) {
    let numeric: Vec<String> = t
        .iter()
        .filter(|(_, c)| c.column_type() == ColumnType::Numeric)
        .map(|(n, _)| n.to_string())
        .collect();
    let categorical: Vec<String> = t
        .iter()
        .filter(|(_, c)| c.column_type() == ColumnType::Categorical)
        .map(|(n, _)| n.to_string())
        .collect();
    let mut p = Pipeline::new();
    if !numeric.is_empty() {
        p = p.step(Imputer::new(numeric.clone(), ImputeStrategy::Median));
        p = p.step(
            Binner::new(numeric[0].clone(), [-1.0, 0.0, 1.0], ["neg", "pos"])
                .output("__bin")
                .out_of_range(OutOfRange::Missing),
        );
    }
    let mut encode = categorical;
    if !numeric.is_empty() {
        encode.push("__bin".to_string());
    }
    if !encode.is_empty() {
        p = p.step(
            OneHotEncoder::new(encode)
                .drop_first(true)
                .handle_missing(HandleMissing::AllZero)
                .handle_unknown(HandleUnknown::Ignore),
        );
    }
    p = p.standardize_all();
    if let Ok(sparse) = p.clone().storage(DesignStorage::Sparse).fit_transform(t) {
        assert_eq!(sparse.n_rows(), t.n_rows());
        assert!(sparse.to_dmatrix().iter().all(|x| x.is_finite()));
    }
    if let Ok(features) = p.fit_transform(t) {
        assert_eq!(features.n_rows(), t.n_rows());
        assert!(features.to_dmatrix().iter().all(|x| x.is_finite()));
        let again = Pipeline::from_json(&p.to_json().unwrap()).unwrap();
        assert_eq!(again.transform(t).unwrap(), features);
    }
    let _ = Pipeline::new()
        .step(OneHotEncoder::new(t.column_names().to_vec()))
        .fit(t);
    let _ = Pipeline::new().standardize_all().fit(t);
}

fn read_everything(bytes: &[u8], delimiter: u8) {
    let options = CsvOptions::new().delimiter(delimiter).na_values(["?"]);
    if let Ok(t) = read_csv_from(bytes, &options) {
        check_table(&t);
        exercise_steps(&t);
        // The same file streamed with the schema it inferred gives the same table.
        let chunks = read_csv_chunks_from(bytes, &t.schema(), 3, &options)
            .and_then(|c| c.collect::<Result<Vec<Table>, _>>())
            .expect("a readable file streams too");
        let mut start = 0;
        for chunk in chunks {
            let rows: Vec<usize> = (start..start + chunk.n_rows()).collect();
            assert!(chunk.n_rows() <= 3);
            assert_eq!(chunk, t.take(&rows).unwrap());
            start += chunk.n_rows();
        }
        assert_eq!(start, t.n_rows());
    }
    let schema = logreg_preprocess::Schema::new([
        ("a", ColumnType::Numeric),
        ("b", ColumnType::Categorical),
    ]);
    if let Ok(chunks) = read_csv_chunks_from(bytes, &schema, 2, &options) {
        // The iterator ends after an error, so `flatten` sees every chunk there is.
        for t in chunks.take(1000).flatten() {
            assert!(t.n_rows() <= 2);
        }
    }
}

/// CSV-like text: few distinct characters, so headers, quotes, numbers and NA tokens collide.
fn csvish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a", "b", "c", ",", ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "1", "-2.5", "1e999",
        "inf", "NaN", "NA", "", " ", "\u{feff}", "é", "?", "0", "18", "100", "yes", "no", "e",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|parts| parts.concat())
}

const SEED: &str = "a,b,c\n1,x,yes\n2.5,\"y, z\",no\nNA,x,yes\n-3,,no\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300),
                    delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|'])) {
        read_everything(&bytes, delimiter);
    }

    #[test]
    fn random_libsvm_text(text in "[-+0-9:. #qidx\n\t]{0,80}", limit in prop::option::of(0usize..6)) {
        if let Ok(data) = read_libsvm_from(text.as_bytes(), limit) {
            assert_eq!(data.labels.len(), data.n_rows());
            assert!(data.numeric_labels().iter().all(|y| y.is_finite()));
            if let Some(limit) = limit {
                assert_eq!(data.n_features(), limit);
            }
        }
    }

    #[test]
    fn random_csv_text(text in csvish(),
                       delimiter in prop::sample::select(vec![b',', b';', b'\t'])) {
        read_everything(text.as_bytes(), delimiter);
    }

    #[test]
    fn mutated_csv(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)) {
        let mut bytes = SEED.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        read_everything(&bytes, b',');
    }

    #[test]
    fn random_tables_through_steps(
        values in prop::collection::vec(prop::option::of(-1e6f64..1e6), 1..40),
        labels in prop::collection::vec(prop::option::of("[abc]{0,2}"), 1..40),
    ) {
        let n = values.len().min(labels.len());
        let t = Table::new([
            ("x", Column::numeric_with_missing(values[..n].to_vec())),
            ("c", Column::categorical_with_missing(labels[..n].to_vec())),
        ]).unwrap();
        exercise_steps(&t);
    }
}

//! Any bytes as a CSV file: reading, then fitting a pipeline and a model on whatever table comes
//! out, must give a value or an error, never a panic, hang or non-finite probability.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv_from, CsvOptions, OneHotEncoder, Pipeline};
use logreg::Classifier;

fuzz_target!(|data: &[u8]| {
    let (delimiter, body) = match data.split_first() {
        Some((&d, rest)) if d == b';' || d == b'\t' || d == b'|' => (d, rest),
        _ => (b',', data),
    };
    let Ok(table) = read_csv_from(body, &CsvOptions::new().delimiter(delimiter)) else {
        return;
    };
    let _ = table.to_features();
    let names = table.column_names().to_vec();
    let params = match LogisticRegression::params().max_iter(20).check() {
        Ok(p) => p,
        Err(_) => return,
    };
    for target in names.iter().take(3) {
        let categorical: Vec<String> = names
            .iter()
            .filter(|n| *n != target)
            .filter(|n| {
                table
                    .column(n)
                    .map(|c| c.as_categorical().is_some())
                    .unwrap_or(false)
            })
            .cloned()
            .collect();
        let pipeline = Pipeline::new()
            .step(OneHotEncoder::new(categorical).drop_first(true))
            .standardize_all();
        if let Ok(clf) = Classifier::fit(&table, target, pipeline, &params) {
            if let Ok(p) = clf.predict_proba(&table) {
                assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
            }
            let _ = clf.evaluate(&table);
        }
    }
});

//! libsvm shards and line ranges of one file.

use crate::common::{on_ranks, params, relative_gap};
use logreg::distributed::DataSource;
use logreg::model::FitOptions;
use logreg::Classifier;

#[test]
fn libsvm_shards_and_line_ranges_train_the_single_process_classifier() {
    use logreg::distributed::read_libsvm_on_ranks;
    use logreg::model::datasets::make_sparse_logistic;
    use logreg::preprocess::read_libsvm;
    let (x, y) = make_sparse_logistic(3000, 200, 8, 3).unwrap();
    let lines: Vec<String> = (0..x.n_rows())
        .map(|i| {
            let (idx, val) = x.row(i);
            let mut l = if y[i] == 1.0 {
                "+1".to_string()
            } else {
                "-1".to_string()
            };
            for (j, v) in idx.iter().zip(val) {
                l.push_str(&format!(" {}:{v:?}", j + 1));
            }
            l
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("all.svm"), lines.join("\n") + "\n").unwrap();
    for (k, part) in lines.chunks(700).enumerate() {
        std::fs::write(d.join(format!("part-{k}.svm")), part.join("\n") + "\n").unwrap();
    }
    let params = params();
    let single = Classifier::fit_libsvm(
        read_libsvm(d.join("all.svm"), None).unwrap(),
        &params,
        FitOptions::default(),
    )
    .unwrap();
    let expected: Vec<f64> = single
        .classifier
        .binary_model()
        .unwrap()
        .coefficients()
        .iter()
        .copied()
        .collect();
    let sources = [
        DataSource::from_args([format!("{}/part-*.svm", d.display())]),
        DataSource::from_args([d.join("all.svm").display().to_string()]),
    ];
    for source in &sources {
        for size in [2, 3] {
            let fits = on_ranks(size, |rank| {
                let local = read_libsvm_on_ranks(rank, source, None).unwrap();
                let trained =
                    Classifier::fit_libsvm_on_ranks(local, &params, FitOptions::default(), rank)
                        .unwrap();
                trained.classifier.to_json().unwrap()
            });
            for json in &fits {
                assert_eq!(json, &fits[0]);
                let clf = Classifier::from_json(json).unwrap();
                let got: Vec<f64> = clf
                    .binary_model()
                    .unwrap()
                    .coefficients()
                    .iter()
                    .copied()
                    .collect();
                assert_eq!(
                    got.len(),
                    expected.len(),
                    "{source}: every rank has every feature"
                );
                let gap = relative_gap(&got, &expected);
                assert!(gap <= 1e-10, "{source}, {size} ranks: gap {gap:e}");
            }
        }
    }
}

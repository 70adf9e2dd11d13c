//! Multinomial and one-vs-rest fits on ranks where some ranks lack classes.

use crate::common::{fit_split_on_ranks, on_ranks, relative_gap};
use logreg::distributed::DataSource;
use logreg::model::{FitOptions, LogisticRegression, ValidParams};
use logreg::preprocess::{read_csv, CsvOptions, FileFormat, Pipeline};
use logreg::{Classifier, FitColumns};

#[test]
fn a_multinomial_l1_fit_on_ranks_is_the_single_process_classifier_even_where_ranks_lack_classes() {
    let params = LogisticRegression::params()
        .penalty(logreg::model::Penalty::L1 { c: 0.5 })
        .tol(1e-12)
        .check()
        .unwrap();
    iris_on_ranks_is_the_single_process_classifier(&params);
}

#[test]
fn a_one_vs_rest_fit_on_ranks_is_the_single_process_classifier_even_where_ranks_lack_classes() {
    for penalty in [
        logreg::model::Penalty::L2 { c: 1.0 },
        logreg::model::Penalty::L1 { c: 0.5 },
    ] {
        let params = LogisticRegression::params()
            .penalty(penalty)
            .multi_class(logreg::model::MultiClass::OneVsRest)
            .tol(1e-12)
            .check()
            .unwrap();
        iris_on_ranks_is_the_single_process_classifier(&params);
    }
}

/// iris (3 classes) fitted with `params` on 2 and 3 ranks: every rank's model is the single
/// process's (the same coefficients exactly 0 under L1), and so are the test metrics.
fn iris_on_ranks_is_the_single_process_classifier(params: &ValidParams) {
    // iris.csv is sorted by species: on 3 ranks each rank holds one class, on 2 one rank two.
    let iris = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/iris.csv");
    let split = logreg::evaluate::train_test_split(150, 0.2, 3).unwrap();
    let single = Classifier::fit_owned(
        read_csv(iris, &CsvOptions::new()).unwrap(),
        "species",
        Pipeline::new().standardize_all(),
        params,
        FitOptions {
            rows: Some(&split.train),
            ..FitOptions::default()
        },
    )
    .unwrap();
    let single_test = single
        .classifier
        .evaluate_multiclass_on(&single.features.design, &single.labels, Some(&split.test))
        .unwrap();
    let flat = |json: &str| -> Vec<f64> {
        match Classifier::from_json(json).unwrap().model() {
            logreg::model::FittedModel::Multinomial(m) => m
                .coefficients()
                .iter()
                .chain(m.intercepts().iter())
                .copied()
                .collect(),
            logreg::model::FittedModel::OneVsRest(m) => m
                .models()
                .iter()
                .flat_map(|b| b.coefficients().iter().copied().chain([b.intercept()]))
                .collect(),
            other => panic!("expected a K-class model, got {:?}", other.kind()),
        }
    };
    let expected = flat(&single.classifier.to_json().unwrap());
    let l1 = matches!(params.penalty(), logreg::model::Penalty::L1 { .. });
    assert_eq!(l1, expected.contains(&0.0), "L1 sets some coefficient to 0");
    let source = DataSource::from_args([iris]);
    for size in [2, 3] {
        let results = on_ranks(size, |rank| {
            let (columns, standardized) =
                (FitColumns::default(), Pipeline::new().standardize_all());
            fit_split_on_ranks(
                rank,
                (&source, FileFormat::Csv),
                "species",
                &columns,
                standardized,
                params,
                (0.2, 3),
                |trained, ranks, split| {
                    let test = trained
                        .evaluate_multiclass_on_ranks(ranks, Some(&split.test))
                        .unwrap();
                    (trained.classifier.to_json().unwrap(), test)
                },
            )
        });
        for (json, test) in &results {
            assert_eq!(json, &results[0].0, "{size} ranks: every rank's model");
            let got = flat(json);
            let gap = relative_gap(&got, &expected);
            assert!(gap <= 1e-10, "{size} ranks: gap {gap:e}");
            assert_eq!(
                got.iter().map(|v| *v == 0.0).collect::<Vec<_>>(),
                expected.iter().map(|v| *v == 0.0).collect::<Vec<_>>()
            );
            assert_eq!(test.n, single_test.n);
            assert_eq!(test.confusion, single_test.confusion);
            assert!((test.log_loss - single_test.log_loss).abs() < 1e-12);
        }
    }
}

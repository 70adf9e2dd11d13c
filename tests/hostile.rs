//! Hostile input through the facade: mutated model files and malformed CSV text must give an
//! error or valid output, never a panic, a hang or a non-finite probability.

use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv_from, CsvOptions, OneHotEncoder, Pipeline};
use logreg::Classifier;
use proptest::prelude::*;
use std::sync::OnceLock;

const CSV: &str = "size,colour,weight,sold\n\
1,red,0.5,no\n2,blue,1.5,no\n3,red,0.25,yes\n4,blue,2.0,no\n5,red,1.0,yes\n6,blue,3.5,yes\n7,green,0.1,yes\n";

fn saved() -> &'static (String, logreg::preprocess::Table) {
    static SAVED: OnceLock<(String, logreg::preprocess::Table)> = OnceLock::new();
    SAVED.get_or_init(|| {
        let table = read_csv_from(CSV.as_bytes(), &CsvOptions::new()).expect("valid CSV");
        let pipeline = Pipeline::new()
            .step(OneHotEncoder::new(["colour"]).drop_first(true))
            .standardize_all();
        let params = LogisticRegression::params().check().expect("valid params");
        let clf = Classifier::fit(&table, "sold", pipeline, &params).expect("fits");
        (clf.to_json().expect("serializes"), table)
    })
}

/// Load `text` as a classifier; if it loads, predicting must give probabilities in [0, 1].
fn load_and_use(text: &str) {
    let (_, table) = saved();
    if let Ok(clf) = Classifier::from_json(text) {
        if let Ok(p) = clf.predict_proba(table) {
            assert!(
                p.iter().all(|v| (0.0..=1.0).contains(v)),
                "probabilities {p:?}"
            );
        }
        let _ = clf.evaluate(table);
        let _ = clf.summary();
    }
}

/// One way of breaking a JSON text.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    FlipByte(usize, u8),
    Insert(usize, String),
    ReplaceNumber(usize, String),
    DeleteSpan(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let junk = prop_oneof![
        Just("null".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("1e308".to_string()),
        Just("-1e999".to_string()),
        Just("18446744073709551615".to_string()),
        Just("\"x\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[1e308,1e308]".to_string()),
        "[ -~]{0,8}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        (any::<usize>(), junk.clone()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), junk).prop_map(|(i, s)| Mutation::ReplaceNumber(i, s)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::DeleteSpan(i, n)),
    ]
}

fn apply(text: &str, m: &Mutation) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    let n = b.len().max(1);
    match m {
        Mutation::Truncate(i) => b.truncate(i % n),
        Mutation::FlipByte(i, v) => {
            // An earlier mutation may have emptied the text: nothing to flip then.
            if let Some(byte) = b.get_mut(i % n) {
                *byte = *v;
            }
        }
        Mutation::Insert(i, s) => {
            let at = i % n;
            b.splice(at..at, s.bytes());
        }
        Mutation::ReplaceNumber(i, s) => {
            // Replace the k-th number literal in the text.
            let starts: Vec<usize> = (0..b.len())
                .filter(|&j| {
                    (b[j].is_ascii_digit() || b[j] == b'-')
                        && (j == 0
                            || !(b[j - 1].is_ascii_alphanumeric()
                                || b[j - 1] == b'.'
                                || b[j - 1] == b'-'
                                || b[j - 1] == b'"'))
                })
                .collect();
            if !starts.is_empty() {
                let s0 = starts[i % starts.len()];
                let mut e = s0 + 1;
                while e < b.len() && (b[e].is_ascii_digit() || b"+-.eE".contains(&b[e])) {
                    e += 1;
                }
                b.splice(s0..e, s.bytes());
            }
        }
        Mutation::DeleteSpan(i, len) => {
            let at = i % n;
            let end = (at + len).min(b.len());
            b.drain(at..end);
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn mutated_model_files_never_panic(muts in prop::collection::vec(mutation(), 1..4)) {
        let (text, _) = saved();
        let mut bytes = text.as_bytes().to_vec();
        for m in &muts {
            let t = String::from_utf8_lossy(&bytes).into_owned();
            bytes = apply(&t, m);
        }
        load_and_use(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn malformed_csv_never_panics_through_a_fitted_classifier(
        text in prop_oneof![
            "[a-z0-9,\"\n\r .;-]{0,200}",
            Just(CSV.to_string()).prop_flat_map(|c| (Just(c), any::<usize>(), "[ -~\n]{0,12}"))
                .prop_map(|(c, i, s)| { let at = i % c.len(); format!("{}{}{}", &c[..at], s, &c[at..]) }),
        ]
    ) {
        let (text_model, _) = saved();
        let clf = Classifier::from_json(text_model).expect("the saved model loads");
        if let Ok(table) = read_csv_from(text.as_bytes(), &CsvOptions::new()) {
            if let Ok(p) = clf.predict_proba(&table) {
                prop_assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
            }
            let _ = clf.evaluate(&table);
            let params = LogisticRegression::params().check().expect("valid");
            for target in table.column_names().to_vec() {
                let _ = Classifier::fit(&table, &target, Pipeline::new().standardize_all(), &params);
            }
        }
    }
}

#[test]
fn the_unmutated_model_round_trips() {
    let (text, table) = saved();
    let clf = Classifier::from_json(text).unwrap();
    assert_eq!(clf.predict_proba(table).unwrap().len(), 7);
}

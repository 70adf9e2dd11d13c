//! The bank-marketing tutorial's cleaning, checked against pandas + scikit-learn.
//!
//! Reference values come from this script (pandas 3.1.1, scikit-learn 1.9.1), run in the
//! workspace root as `python3 bank_ref.py`:
//!
//! import pandas as pd, numpy as np
//! from sklearn.preprocessing import StandardScaler
//! df = pd.read_csv("datasets/bank.csv")
//! df["age_group"] = pd.cut(df["age"], bins=[18, 25, 35, 45, 55, 65, 100],
//!                          labels=["18-24", "25-34", "35-44", "45-54", "55-64", "65+"])
//! df = df.drop(["age", "day"], axis=1)
//! for c in ["default", "housing", "loan", "deposit"]:
//!     df[c] = df[c].map({"yes": 1, "no": 0})
//! df = pd.get_dummies(df, columns=["age_group", "marital", "education", "poutcome", "job",
//!                                  "contact", "month"], drop_first=True)
//! X = df.drop("deposit", axis=1)
//! s = StandardScaler().fit(X)
//! Z = s.transform(X)
//! print(len(X.columns), list(X.columns))
//! print("mean", [float(v) for v in s.mean_])
//! print("scale", [float(v) for v in s.scale_])
//! eighteen = int(np.flatnonzero(pd.read_csv("datasets/bank.csv")["age"] == 18)[0])
//! for r in [0, eighteen, len(X) - 1]:
//!     print("row", r, [float(v) for v in Z[r]])
//! print("deposit sum", int(df["deposit"].sum()))

use logreg_linalg_core::Design;
use logreg_preprocess::recipes::{
    bank_marketing_pipeline, bank_marketing_target, BANK_AGE_EDGES, BANK_AGE_LABELS, BANK_INPUTS,
};
use logreg_preprocess::{
    read_csv, Binner, BooleanEncoder, CsvOptions, DesignStorage, HandleMissing, OneHotEncoder,
    OutOfRange, Pipeline, Step, Table,
};

const NAMES: [&str; 45] = [
    "default",
    "balance",
    "housing",
    "loan",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "age_group_25-34",
    "age_group_35-44",
    "age_group_45-54",
    "age_group_55-64",
    "age_group_65+",
    "marital_married",
    "marital_single",
    "education_secondary",
    "education_tertiary",
    "education_unknown",
    "poutcome_other",
    "poutcome_success",
    "poutcome_unknown",
    "job_blue-collar",
    "job_entrepreneur",
    "job_housemaid",
    "job_management",
    "job_retired",
    "job_self-employed",
    "job_services",
    "job_student",
    "job_technician",
    "job_unemployed",
    "job_unknown",
    "contact_telephone",
    "contact_unknown",
    "month_aug",
    "month_dec",
    "month_feb",
    "month_jan",
    "month_jul",
    "month_jun",
    "month_mar",
    "month_may",
    "month_nov",
    "month_oct",
    "month_sep",
];

const MEAN: [f64; 45] = [
    0.0150510661171833,
    1528.5385235620856,
    0.47312309621931553,
    0.1308009317326644,
    371.99381831213043,
    2.508421429851281,
    51.33040673714388,
    0.8325568894463358,
    0.35128113241354597,
    0.2829242071313385,
    0.19252822074896972,
    0.09729439168607776,
    0.03565669234904139,
    0.5689840530370901,
    0.3151764916681598,
    0.4905930836767604,
    0.33049632682315,
    0.044526070596667265,
    0.04810965776742519,
    0.09595054649704354,
    0.7459236695932628,
    0.17416233649883534,
    0.029385414800215014,
    0.024547572119691812,
    0.22988711700412112,
    0.06970077047124171,
    0.03628382010392403,
    0.0826912739652392,
    0.03225228453682136,
    0.1633219853072926,
    0.031983515499014514,
    0.006271277548826375,
    0.06934241175416592,
    0.21017738756495252,
    0.13608672280953235,
    0.009854864719584303,
    0.06952159111270381,
    0.030818849668518188,
    0.1356387744131876,
    0.10947858806665473,
    0.024726751478229708,
    0.2530012542555098,
    0.08448306755061817,
    0.035119154273427704,
    0.028579107686794482,
];

const SCALE: [f64; 45] = [
    0.1217560328111896,
    3225.268840837294,
    0.49927710947244897,
    0.33718251436059266,
    347.11283580764945,
    2.7219552439195085,
    108.75341005305626,
    2.291904546275055,
    0.4773706090908852,
    0.4504199153572608,
    0.39428556271337867,
    0.2963582174202596,
    0.1854327172851846,
    0.49521833611708677,
    0.4645861284712558,
    0.49991150209340807,
    0.47039186300313013,
    0.20626075640772745,
    0.2139979406371155,
    0.29452341014588673,
    0.43534072717100997,
    0.37924901719596027,
    0.16888431601908546,
    0.15474168417953948,
    0.42076006279072475,
    0.25464204889797165,
    0.1869954665295127,
    0.2754150089868832,
    0.17666939372448548,
    0.3696591868499647,
    0.17595615998122607,
    0.07894269204132807,
    0.25403551264790053,
    0.4074344773350977,
    0.34288063037228256,
    0.09878130572604818,
    0.25433902469314823,
    0.17282664196710953,
    0.342404581290724,
    0.31223873369840976,
    0.15529114346788606,
    0.43473166390389445,
    0.27811091105502467,
    0.18408095848443123,
    0.16662035377054354,
];

/// Standardized row 0 (the first client).
const ROW_0: [f64; 45] = [
    -0.1236165943458703,
    0.25252514336959164,
    1.0552795106857558,
    -0.3879232349302139,
    1.9302258878699305,
    -0.5541683439582252,
    -0.48118405401369996,
    -0.3632598446560345,
    -0.7358666950245079,
    -0.6281343197423469,
    -0.4882963997566553,
    3.0459948644981005,
    -0.1922891109566361,
    0.8703553877718349,
    -0.6784027166399996,
    1.01899419035183,
    -0.7025978823552711,
    -0.2158727203959731,
    -0.22481364831919845,
    -0.32578241046956574,
    0.5836263748117718,
    -0.4592294998851496,
    -0.17399729881899864,
    -0.1586358081201341,
    -0.5463615426791613,
    -0.27372058453381737,
    -0.19403582759156093,
    -0.30024243874514994,
    -0.1825572831654052,
    -0.4418177367618916,
    -0.1817697971041596,
    -0.079440887898062,
    -0.2729634570827749,
    1.9385266990683552,
    -0.3968924189790955,
    -0.09976447109248547,
    -0.27334221005439235,
    -0.17832233108124204,
    -0.3961359801375478,
    -0.3506246222878923,
    -0.15922834313692305,
    1.7182984534331693,
    -0.303774732282629,
    -0.19078102679695647,
    -0.17152230828984666,
];

/// Standardized row 2464: the first client aged exactly 18, whom `pd.cut` leaves without a bin.
const ROW_2464: [f64; 45] = [
    -0.1236165943458703,
    -0.4404403458017805,
    -0.9476162380431009,
    -0.3879232349302139,
    -0.5905682451504806,
    -0.5541683439582252,
    -0.48118405401369996,
    -0.3632598446560345,
    -0.7358666950245079,
    -0.6281343197423469,
    -0.4882963997566553,
    -0.32829996256896954,
    -0.1922891109566361,
    -1.1489559483971985,
    1.4740507009653658,
    -0.981359863940665,
    -0.7025978823552711,
    4.632359281736525,
    -0.22481364831919845,
    -0.32578241046956574,
    0.5836263748117718,
    -0.4592294998851496,
    -0.17399729881899864,
    -0.1586358081201341,
    -0.5463615426791613,
    -0.27372058453381737,
    -0.19403582759156093,
    -0.30024243874514994,
    5.477732702090853,
    -0.4418177367618916,
    -0.1817697971041596,
    -0.079440887898062,
    -0.2729634570827749,
    -0.5158556755914656,
    2.51957445438803,
    -0.09976447109248547,
    -0.27334221005439235,
    -0.17832233108124204,
    -0.3961359801375478,
    -0.3506246222878923,
    -0.15922834313692305,
    -0.5819710760968183,
    -0.303774732282629,
    -0.19078102679695647,
    -0.17152230828984666,
];

/// Standardized row 11161 (the last client).
const ROW_11161: [f64; 45] = [
    -0.1236165943458703,
    -0.47392592648657167,
    -0.9476162380431009,
    -0.3879232349302139,
    0.7375301495037018,
    -0.5541683439582252,
    -0.48118405401369996,
    -0.3632598446560345,
    1.358941784920291,
    -0.6281343197423469,
    -0.4882963997566553,
    -0.32829996256896954,
    -0.1922891109566361,
    0.8703553877718349,
    -0.6784027166399996,
    1.01899419035183,
    -0.7025978823552711,
    -0.2158727203959731,
    -0.22481364831919845,
    -0.32578241046956574,
    0.5836263748117718,
    -0.4592294998851496,
    -0.17399729881899864,
    -0.1586358081201341,
    -0.5463615426791613,
    -0.27372058453381737,
    -0.19403582759156093,
    -0.30024243874514994,
    -0.1825572831654052,
    2.2633767655618793,
    -0.1817697971041596,
    -0.079440887898062,
    -0.2729634570827749,
    -0.5158556755914656,
    -0.3968924189790955,
    -0.09976447109248547,
    -0.27334221005439235,
    -0.17832233108124204,
    2.524385691127517,
    -0.3506246222878923,
    -0.15922834313692305,
    -0.5819710760968183,
    -0.303774732282629,
    -0.19078102679695647,
    -0.17152230828984666,
];

fn bank() -> Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
    read_csv(path, &CsvOptions::new()).expect("datasets/bank.csv is readable")
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

fn fitted_scaler(p: &Pipeline) -> Vec<(String, f64, f64)> {
    match p.steps().last() {
        Some(Step::StandardScaler(s)) => s
            .params()
            .expect("fitted")
            .iter()
            .map(|c| (c.column.clone(), c.offset, c.scale))
            .collect(),
        other => panic!("last step should be the scaler, got {other:?}"),
    }
}

#[test]
fn reproduces_pandas_and_sklearn() {
    let table = bank();
    assert_eq!(table.n_rows(), 11162);
    let mut pipeline = bank_marketing_pipeline();
    let features = pipeline.fit_transform(&table).unwrap();
    let (matrix, names) = (features.to_dmatrix(), features.names.clone());
    assert_eq!(names, NAMES);
    assert_eq!((matrix.nrows(), matrix.ncols()), (11162, 45));

    // Within 1e-15 relative: where we differ, we are nearer the exact value (e.g. the std of
    // `default` is 0.12175603281118959524...; ours 0.12175603281118959, sklearn 0.1217560328111896).
    for (j, (column, mean, scale)) in fitted_scaler(&pipeline).into_iter().enumerate() {
        assert_eq!(column, NAMES[j]);
        assert!(
            close(mean, MEAN[j], 1e-15),
            "{column}: mean {mean} vs {}",
            MEAN[j]
        );
        assert!(
            close(scale, SCALE[j], 1e-15),
            "{column}: scale {scale} vs {}",
            SCALE[j]
        );
    }
    for (r, want) in [(0, ROW_0), (2464, ROW_2464), (11161, ROW_11161)] {
        for j in 0..45 {
            let got = matrix[(r, j)];
            assert!(
                close(got, want[j], 1e-15),
                "row {r}, {}: {got} vs {}",
                NAMES[j],
                want[j]
            );
        }
    }
    // Standardized: every column has mean 0 and population std 1.
    for (col, name) in matrix.column_iter().zip(NAMES) {
        let mean = col.sum() / 11162.0;
        let var = col.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 11162.0;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12, "{name}");
    }

    let y = bank_marketing_target(&table).unwrap();
    assert_eq!(y.len(), 11162);
    assert_eq!(y.iter().sum::<f64>(), 5289.0); // df["deposit"].sum()
}

#[test]
fn bank_has_clients_aged_18() {
    let ages = bank().numeric_values("age").unwrap();
    let eighteen: Vec<usize> = (0..ages.len()).filter(|&i| ages[i] == 18.0).collect();
    assert_eq!(eighteen.len(), 8);
    assert_eq!(eighteen[0], 2464);
    assert!(ages.iter().all(|&a| (18.0..=100.0).contains(&a)));
}

/// pandas' own route (age 18 → missing → all-zero dummies) gives the very same matrix.
#[test]
fn pandas_missing_route_is_identical() {
    let table = bank();
    let mut pandas_like = Pipeline::new()
        .select(BANK_INPUTS)
        .step(
            Binner::new("age", BANK_AGE_EDGES, BANK_AGE_LABELS)
                .output("age_group")
                .out_of_range(OutOfRange::Missing),
        )
        .drop_columns(["age"])
        .step(BooleanEncoder::new(["default", "housing", "loan"]))
        .step(
            OneHotEncoder::new([
                "age_group",
                "marital",
                "education",
                "poutcome",
                "job",
                "contact",
                "month",
            ])
            .drop_first(true)
            .handle_missing(HandleMissing::AllZero),
        )
        .standardize_all();
    let a = pandas_like.fit_transform(&table).unwrap();
    let b = bank_marketing_pipeline().fit_transform(&table).unwrap();
    assert_eq!(a, b);

    // Without an opt-in, the missing label is an error naming the row and column.
    let strict = Pipeline::new()
        .select(["age"])
        .step(Binner::new("age", BANK_AGE_EDGES, BANK_AGE_LABELS).out_of_range(OutOfRange::Missing))
        .step(OneHotEncoder::new(["age"]));
    let msg = strict.clone().fit(&table).unwrap_err().to_string();
    assert!(
        msg.contains("data row 2465") && msg.contains("\"age\""),
        "{msg}"
    );
    // And by default the Binner itself refuses age 18, naming row, column and value.
    let msg = Pipeline::new()
        .select(["age"])
        .step(Binner::new("age", BANK_AGE_EDGES, BANK_AGE_LABELS))
        .fit(&table)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("data row 2465") && msg.contains("\"18\"") && msg.contains("(18, 100]"),
        "{msg}"
    );
}

#[test]
fn fits_on_training_rows_only_and_round_trips() {
    let table = bank();
    let train: Vec<usize> = (0..table.n_rows()).filter(|i| i % 5 != 0).collect();
    let test: Vec<usize> = (0..table.n_rows()).filter(|i| i % 5 == 0).collect();
    let mut pipeline = bank_marketing_pipeline();
    pipeline.fit(&table.take(&train).unwrap()).unwrap();
    // The scaler saw only training balances.
    let balance = table
        .take(&train)
        .unwrap()
        .numeric_values("balance")
        .unwrap();
    let train_mean = balance.iter().sum::<f64>() / balance.len() as f64;
    let (name, mean, _) = fitted_scaler(&pipeline)[1].clone();
    assert_eq!(name, "balance");
    assert!(close(mean, train_mean, 1e-14));

    let test_rows = table.take(&test).unwrap();
    let x = pipeline.transform(&test_rows).unwrap();
    assert_eq!(x.n_rows(), test.len());
    let json = pipeline.to_json().unwrap();
    let again = Pipeline::from_json(&json).unwrap();
    assert_eq!(again, pipeline);
    let y = again.transform(&test_rows).unwrap();
    assert!(x
        .to_dmatrix()
        .iter()
        .zip(y.to_dmatrix().iter())
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    assert_eq!(x.names, y.names);
}

/// The same features stored sparse (indicators as entries, their standardization implicit) and
/// fitted on row indices of one table instead of a copy of the training rows.
#[test]
fn sparse_storage_and_row_indices_give_the_same_features() {
    let table = bank();
    let dense = bank_marketing_pipeline()
        .fit_transform(&table)
        .unwrap()
        .to_dmatrix();
    let mut sparse_pipeline = bank_marketing_pipeline().storage(DesignStorage::Sparse);
    let sparse = sparse_pipeline.fit_transform(&table).unwrap();
    let Design::Sparse(csr) = &sparse.design else {
        panic!("asked for sparse storage")
    };
    // Eight numeric columns are stored for every row; each encoded column adds at most one.
    assert!(csr.nnz() <= 11162 * (8 + 7), "{}", csr.nnz());
    let sparse = sparse.to_dmatrix();
    for (a, b) in dense.iter().zip(sparse.iter()) {
        assert!(close(*b, *a, 1e-14), "{a} vs {b}");
    }
    assert_eq!(
        sparse_pipeline.design_storage(),
        DesignStorage::Sparse,
        "kept for transform"
    );

    let train: Vec<usize> = (0..table.n_rows()).filter(|i| i % 5 != 0).collect();
    let mut on_copy = bank_marketing_pipeline();
    on_copy.fit(&table.take(&train).unwrap()).unwrap();
    let mut on_rows = bank_marketing_pipeline();
    let all = on_rows
        .fit_transform_owned(table.clone(), Some(&train))
        .unwrap();
    assert_eq!(on_rows, on_copy);
    assert_eq!(all, on_copy.transform(&table).unwrap());
}

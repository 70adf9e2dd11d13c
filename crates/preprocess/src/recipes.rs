//! Ready-made pipelines for the tutorials' data sets.
//!
//! # Bank marketing (`datasets/bank.csv`)
//!
//! The tutorial's cleaning, step for step:
//!
//! ```text
//! df["age_group"] = pd.cut(df.age, [18,25,35,45,55,65,100], labels=[...])   Binner → age_group
//! df = df.drop(["age", "day"], axis=1)                                      select (no day), DropColumns(age)
//! df[c] = df[c].map({"yes": 1, "no": 0}) for default, housing, loan         BooleanEncoder
//! pd.get_dummies(df, columns=[age_group, marital, education, poutcome,
//!                             job, contact, month], drop_first=True)       OneHotEncoder::drop_first
//! StandardScaler().fit_transform(X)                                         standardize_all
//! ```
//!
//! and `deposit` (yes/no → 1/0) is the target, see [`bank_marketing_target`]. This gives 45
//! features in pandas' column order: `default, balance, housing, loan, duration, campaign,
//! pdays, previous`, then the indicator columns of `age_group, marital, education, poutcome,
//! job, contact, month` in that order.
//!
//! **Age 18.** `pd.cut` intervals are right-closed, `(18, 25]`, so the 8 clients aged exactly 18
//! in `bank.csv` fall in no bin and pandas gives them NaN; `get_dummies` then writes an all-zero
//! `age_group` row. This recipe instead closes the first interval (`include_lowest`), so they are
//! `18-24`, as the label says. Because `18-24` is the dropped first level, its encoding is that
//! same all-zero row: the feature matrix is identical to pandas', without a missing value in
//! between. Ages outside `[18, 100]` are an error rather than a silent all-zero row that would
//! read as "18-24".
//!
//! ```
//! use logreg_preprocess::recipes::{bank_marketing_pipeline, bank_marketing_target};
//! use logreg_preprocess::{read_csv, CsvOptions};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/bank.csv");
//! let table = read_csv(path, &CsvOptions::new())?;
//! let y = bank_marketing_target(&table)?;              // deposit: yes → 1, no → 0
//! let mut pipeline = bank_marketing_pipeline();
//! let x = pipeline.fit_transform(&table)?;            // deposit and day are not inputs
//! assert_eq!((x.n_rows(), x.n_cols()), (11162, 45));
//! assert_eq!(y.len(), 11162);
//! # Ok::<(), logreg_preprocess::PreprocessError>(())
//! ```
//! (In a real split, fit on the training rows only: `pipeline.fit(&table.take(&train)?)`.)

use crate::error::PreprocessError;
use crate::pipeline::Pipeline;
use crate::steps::{Binner, BooleanEncoder, OneHotEncoder};
use crate::table::Table;

/// The input columns the bank pipeline reads, in file order (all but `day` and `deposit`).
pub const BANK_INPUTS: [&str; 15] = [
    "age",
    "job",
    "marital",
    "education",
    "default",
    "balance",
    "housing",
    "loan",
    "contact",
    "month",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
];

/// The bank data's target column.
pub const BANK_TARGET: &str = "deposit";

/// Age bin edges of the bank tutorial.
pub const BANK_AGE_EDGES: [f64; 7] = [18.0, 25.0, 35.0, 45.0, 55.0, 65.0, 100.0];

/// Age bin labels of the bank tutorial.
pub const BANK_AGE_LABELS: [&str; 6] = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];

/// The yes/no flags mapped to 1/0.
pub const BANK_FLAGS: [&str; 3] = ["default", "housing", "loan"];

/// The categorical columns one-hot encoded with the first level dropped, in output order.
pub const BANK_ONE_HOT: [&str; 7] = [
    "age_group",
    "marital",
    "education",
    "poutcome",
    "job",
    "contact",
    "month",
];

/// The bank tutorial's cleaning as an unfitted pipeline (see the [module docs](self)).
pub fn bank_marketing_pipeline() -> Pipeline {
    Pipeline::new()
        .select(BANK_INPUTS)
        .step(
            Binner::new("age", BANK_AGE_EDGES, BANK_AGE_LABELS)
                .output("age_group")
                .include_lowest(true),
        )
        .drop_columns(["age"])
        .step(BooleanEncoder::new(BANK_FLAGS))
        .step(OneHotEncoder::new(BANK_ONE_HOT).drop_first(true))
        .standardize_all()
}

/// The bank target: `deposit` yes → 1, no → 0 (anything else is an error naming the row).
pub fn bank_marketing_target(table: &Table) -> Result<Vec<f64>, PreprocessError> {
    BooleanEncoder::new([BANK_TARGET]).encode_column(BANK_TARGET, table.column(BANK_TARGET)?)
}

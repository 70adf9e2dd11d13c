//! Tables from CSV and fitted preprocessing steps that turn them into a feature matrix.
//!
//! ```
//! use logreg_preprocess::{read_csv_from, CsvOptions, OneHotEncoder, Pipeline};
//!
//! let csv = "age,city,bought\n31,Paris,yes\n45,Lyon,no\nNA,Paris,yes\n";
//! let table = read_csv_from(csv.as_bytes(), &CsvOptions::new())?;
//! assert_eq!(table.column_names(), ["age", "city", "bought"]);
//! assert_eq!(table.column("age")?.n_missing(), 1);            // "NA" is missing
//!
//! let (x, y) = table.split_target("bought")?;
//! let x = x.take(&[0, 1])?;                                    // rows with an age
//! let mut pipeline = Pipeline::new()
//!     .step(OneHotEncoder::new(["city"]))
//!     .standardize_all();
//! let features = pipeline.fit_transform(&x)?;                 // a design matrix, dense f64
//! assert_eq!(features.names, ["age", "city_Lyon", "city_Paris"]);
//! assert_eq!(features.get(0, 0), Some(-1.0));                 // (31 − 38) / 7
//!
//! let saved = pipeline.to_json()?;                             // fitted parameters included
//! let again = Pipeline::from_json(&saved)?.transform(&x)?;
//! assert_eq!(again, features);
//! # let _ = y;
//! # Ok::<(), logreg_preprocess::PreprocessError>(())
//! ```
//!
//! The pieces, in the order data flows:
//! - [`Table`]: named columns, numeric (8 bytes a value, NaN for missing) or categorical (a
//!   4-byte code a value into a list of categories). Read with [`read_csv`] (in parallel, rules
//!   in [`read`]), [`read_csv_from`] / [`read_csv_bytes`], or in bounded memory with
//!   [`read_csv_chunks`]. Select, drop, take rows, split off the target; [`Table::column`] gives
//!   a [`ColumnView`].
//! - Steps ([`steps`]), each `fit` on training rows (or `fit_rows` on row indices) then
//!   `transform`: [`StandardScaler`], [`MinMaxScaler`], [`OneHotEncoder`], [`Binner`],
//!   [`BooleanEncoder`], [`Imputer`], [`DropColumns`]; all share the [`Transformer`] trait and
//!   are `Serialize + Deserialize`.
//! - [`Pipeline`]: input columns + ordered [`Step`]s → [`Features`] (a
//!   [`logreg_linalg_core::Design`] in the [`DesignStorage`] asked for, and one name per
//!   column); remembers its input [`Schema`]; JSON round trip.
//! - [`libsvm`]: sparse `label idx:val` files straight into a CSR design.
//! - [`recipes`]: the bank-marketing tutorial's pipeline in one call.
//!
//! Errors are one enum, [`PreprocessError`]. Rows in messages are 1-based *data rows*: the
//! header is not counted, and for an in-memory table data row `r` is index `r − 1`.
//!
//! # Holding the numbers once
//!
//! A CSV file's numeric columns are read into one row-major block. A pipeline that owns the
//! table ([`Pipeline::fit_transform_owned`]) imputes and scales that block in place, and when
//! the design is that block's columns (no encoding), the block becomes the dense design without
//! a copy: reading a 1 000 000 × 50 file and producing its design peaks at about the design's
//! size. One-hot indicators are codes, never a dense block, so a column with thousands of
//! categories stays cheap and, with [`DesignStorage::Sparse`] (or `Auto`), sparse even when
//! standardized.
//!
//! # Missing values and the bank data's age 18
//!
//! Only the [`Imputer`] accepts missing values; every other step reports the first one by row
//! and column. Two opt-ins reproduce pandas where it produces missing values on purpose:
//! [`OutOfRange::Missing`] (values outside a [`Binner`]'s edges become missing, as `pd.cut`
//! gives NaN) and [`HandleMissing::AllZero`] (a missing category becomes an all-zero row, as
//! `pd.get_dummies` does).
//!
//! By default a `Binner` rejects out-of-range values. `bank.csv` has 8 clients aged exactly 18,
//! the left edge of the first interval `(18, 25]`, which `pd.cut` leaves outside every bin. The
//! bank recipe sets [`Binner::include_lowest`] so they land in `18-24`; that level is dropped by
//! `drop_first`, so they get the same all-zero row pandas gives them and the feature matrix is
//! identical. See [`recipes`] for the details.

pub mod column;
pub mod error;
pub mod features;
pub mod file;
mod lenient;
pub mod libsvm;
pub mod parquet;
pub mod pipeline;
mod ranks;
pub mod read;
pub mod recipes;
pub mod schema;
pub mod spec;
pub mod steps;
pub mod table;

pub use column::{CategoricalColumn, Column, ColumnView, NumericView};
pub use error::PreprocessError;
pub use features::{DesignStorage, Features};
pub use file::{FileFormat, TableFile};
pub use libsvm::{
    libsvm_line_ranges, read_libsvm, read_libsvm_chunks, read_libsvm_from, read_libsvm_range,
    LibsvmChunks, LibsvmData, LibsvmRange,
};
pub use pipeline::{Pipeline, FORMAT_VERSION};
pub use ranks::{Ranks, RowOrigins};
pub use read::{
    csv_row_ranges, read_csv, read_csv_bytes, read_csv_chunks, read_csv_chunks_from, read_csv_from,
    read_csv_passes, read_csv_range, ChunkResult, CsvChunks, CsvOptions, CsvPasses, CsvRange,
    DEFAULT_NA_VALUES,
};
pub use schema::{ColumnType, Field, Schema};
pub use spec::{BinSpec, OneHot, PipelineSpec, SpecProblem, DEFAULT_MAX_CATEGORIES};
pub use steps::{
    Binner, BooleanEncoder, ColumnScaling, Columns, DropColumns, EncodedColumn, Fill, FittedFill,
    HandleMissing, HandleUnknown, ImputeStrategy, Imputer, MinMaxScaler, OneHotEncoder, OutOfRange,
    StandardScaler, Step, Transformer,
};
pub use table::Table;

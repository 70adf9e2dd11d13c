//! `Pipeline`: input columns → ordered steps → design matrix with names; saved as JSON.

use serde::{Deserialize, Serialize};

use crate::column::ColumnView;
use crate::error::PreprocessError;
use crate::features::{DesignStorage, Features};
use crate::ranks::Ranks;
use crate::schema::{ColumnType, Schema};
use crate::steps::{DropColumns, StandardScaler, Step, Transformer};
use crate::table::Table;

/// The `format_version` this library writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// What fitting a pipeline learned besides its steps' parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FittedShape {
    /// The input columns (after `select`/`drop`) and their types.
    input_schema: Schema,
    /// One name per output feature.
    feature_names: Vec<String>,
    /// The storage chosen at fit ([`DesignStorage::Auto`] resolved); files from before storages
    /// existed get dense f64, which is what they produced.
    #[serde(default)]
    storage: DesignStorage,
}

/// Column selection plus an ordered list of steps, fitted on training rows and then applied to
/// any table with the same input columns.
///
/// - [`select`](Self::select) / [`drop`](Self::drop) choose the input columns; the fitted
///   pipeline remembers their names and types (its [`input_schema`](Self::input_schema)), and
///   `transform` reads exactly those, ignoring any other column (such as the target) and
///   failing with [`PreprocessError::SchemaMismatch`] if one is missing or of another type.
/// - Steps run in order; see [`crate::steps`] for where their output columns go.
/// - After the steps every column must be numeric and complete; they become the design's
///   columns, stored as [`storage`](Self::storage) says (dense f64 by default).
///
/// Fitting uses only the rows it is given: fit on the training split (a table of its own, or
/// row indices into one table with [`fit_transform_owned`](Self::fit_transform_owned)), then
/// transform the test rows.
/// Serialized with serde (see [`to_json`](Self::to_json)), a pipeline transforms bit-identically
/// after a round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    format_version: u32,
    select: Option<Vec<String>>,
    drop: Vec<String>,
    steps: Vec<Step>,
    #[serde(default)]
    storage: DesignStorage,
    fitted: Option<FittedShape>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl Pipeline {
    /// An empty pipeline: every input column, no steps.
    pub fn new() -> Self {
        Pipeline {
            format_version: FORMAT_VERSION,
            select: None,
            drop: Vec::new(),
            steps: Vec::new(),
            storage: DesignStorage::Dense,
            fitted: None,
        }
    }

    /// How the design is stored (default dense f64); [`DesignStorage::Auto`] is decided at fit
    /// from the training design's sparsity and kept for every later transform.
    pub fn storage(mut self, storage: DesignStorage) -> Self {
        self.storage = storage;
        self.fitted = None;
        self
    }

    /// Uses only these input columns, in this order.
    pub fn select<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.select = Some(columns.into_iter().map(Into::into).collect());
        self.fitted = None;
        self
    }

    /// Leaves these input columns out (each must exist at fit).
    pub fn drop<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.drop.extend(columns.into_iter().map(Into::into));
        self.fitted = None;
        self
    }

    /// Appends a step.
    pub fn step(mut self, step: impl Into<Step>) -> Self {
        self.steps.push(step.into());
        self.fitted = None;
        self
    }

    /// Appends a step dropping columns made unnecessary by earlier steps.
    pub fn drop_columns<S: Into<String>>(self, columns: impl IntoIterator<Item = S>) -> Self {
        self.step(DropColumns::new(columns))
    }

    /// Appends a [`StandardScaler`] over every column present at that point: standardizes all
    /// output features (call it last).
    pub fn standardize_all(self) -> Self {
        self.step(StandardScaler::all())
    }

    /// The steps, fitted or not.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Whether `fit` has succeeded.
    pub fn is_fitted(&self) -> bool {
        self.fitted.is_some()
    }

    /// The input columns and types learned at fit.
    pub fn input_schema(&self) -> Option<&Schema> {
        self.fitted.as_ref().map(|f| &f.input_schema)
    }

    /// The output feature names learned at fit, one per matrix column.
    pub fn feature_names(&self) -> Option<&[String]> {
        self.fitted.as_ref().map(|f| f.feature_names.as_slice())
    }

    /// The storage of the designs this pipeline produces (once fitted, [`DesignStorage::Auto`]
    /// is resolved).
    pub fn design_storage(&self) -> DesignStorage {
        self.fitted.as_ref().map_or(self.storage, |f| f.storage)
    }

    /// Learns every step from `table` (training rows only). On error the pipeline is left as
    /// it was.
    pub fn fit(&mut self, table: &Table) -> Result<(), PreprocessError> {
        self.fit_transform(table).map(|_| ())
    }

    /// Fits on `table` and returns its features; `table` is left as it was (its values are
    /// copied once into the design).
    pub fn fit_transform(&mut self, table: &Table) -> Result<Features, PreprocessError> {
        self.fit_transform_owned(table.clone(), None)
    }

    /// Fits on the rows `train_rows` of `table` (0-based indices; every row if `None`) and
    /// returns the features of *every* row, taking the table over.
    ///
    /// This is the path that holds the numbers once: a table this call owns outright is scaled
    /// and imputed in place, and when its numeric columns are the design (no one-hot encoding,
    /// binning or boolean flags), their buffer becomes the dense design without a copy. The model
    /// then fits on the same row indices. Errors name data rows of `table`.
    ///
    /// ```
    /// use logreg_preprocess::{read_csv_from, CsvOptions, Pipeline};
    /// let table = read_csv_from("x,y\n1,0\n2,1\n3,0\n5,1\n".as_bytes(), &CsvOptions::new())?;
    /// let (x, y) = table.split_target_owned("y")?;
    /// let mut pipeline = Pipeline::new().standardize_all();
    /// let train = [0, 1, 2];
    /// let features = pipeline.fit_transform_owned(x, Some(&train))?;   // scaled by rows 1–3
    /// assert_eq!(features.n_rows(), 4);
    /// assert_eq!(features.get(1, 0), Some(0.0));                       // 2 is the train mean
    /// # let _ = y;
    /// # Ok::<(), logreg_preprocess::PreprocessError>(())
    /// ```
    pub fn fit_transform_owned(
        &mut self,
        table: Table,
        train_rows: Option<&[usize]>,
    ) -> Result<Features, PreprocessError> {
        self.fit_transform_owned_in(table, train_rows, &Ranks::local())
    }

    /// [`fit_transform_owned`](Self::fit_transform_owned) on the rows of every rank of a job:
    /// each rank passes its own table (the same columns and types on every rank) and training
    /// rows, every step learns from all the ranks' training rows (means, variances, minima,
    /// category sets, fill values; see [`Ranks`]), and each rank gets the features of its own
    /// rows, transformed exactly as the other ranks transform theirs. A failure on one rank's
    /// rows is every rank's error, naming the rank (and, with [`Ranks::with_origins`], the file
    /// and its row). Every rank must call it at the same point.
    pub fn fit_transform_owned_in(
        &mut self,
        table: Table,
        train_rows: Option<&[usize]>,
        ranks: &Ranks<'_>,
    ) -> Result<Features, PreprocessError> {
        let input = ranks.agreed((|| {
            if let Some(rows) = train_rows {
                table.check_rows(rows)?;
            }
            self.input_columns(table)
        })())?;
        let input_schema = input.schema();
        let mut steps = self.steps.clone();
        let mut work = input;
        for step in &mut steps {
            step.fit_rows_in(&work, train_rows, ranks)?;
            work = ranks.agreed(step.transform_owned(work))?;
        }
        // Decided from the columns' kinds alone, so the same on every rank.
        let storage = match self.storage {
            DesignStorage::Auto => crate::features::auto_storage(&work),
            s => s,
        };
        let features = ranks.agreed(work.into_features(storage))?;
        self.steps = steps;
        self.fitted = Some(FittedShape {
            input_schema,
            feature_names: features.names.clone(),
            storage,
        });
        Ok(features)
    }

    /// Fits the pipeline on rows read in passes (a file larger than memory), never holding
    /// more than a chunk: `pass(visit)` must run one pass over the data, calling
    /// `visit(first_row, chunk)` for each chunk in order (`first_row` the 0-based index of the
    /// chunk's first row) and stopping early when `visit` returns `Ok(false)`. `train`, when
    /// given, says for every row whether it is a training row (the steps learn from those only).
    ///
    /// Each step that learns from rows ([`crate::Imputer`], [`crate::OneHotEncoder`],
    /// [`crate::StandardScaler`], [`crate::MinMaxScaler`]) takes one pass, in which the chunks
    /// go through the steps fitted before it and feed its running statistics; a last, short pass
    /// reads one chunk to fix the output columns. Returns the number of passes. The result is
    /// the fit [`fit_transform_owned`](Self::fit_transform_owned) makes on the same rows, to
    /// rounding (see [`crate::steps`]), except that `DesignStorage::Auto` is decided on the
    /// first chunk and the median imputer is refused. Errors name 0-based-plus-one data rows of
    /// the whole input. On error the pipeline is left as it was.
    ///
    /// ```
    /// use logreg_preprocess::{read_csv_from, CsvOptions, Pipeline, Table};
    /// let table = read_csv_from("x,c\n1,a\n2,b\n3,a\n6,b\n".as_bytes(), &CsvOptions::new())?;
    /// let mut streamed = Pipeline::new().step(logreg_preprocess::OneHotEncoder::new(["c"])).standardize_all();
    /// let mut in_memory = streamed.clone();
    /// let chunks = [table.take(&[0, 1])?, table.take(&[2, 3])?];
    /// let passes = streamed.fit_passes(None, &mut |visit| {
    ///     for (k, chunk) in chunks.iter().enumerate() {
    ///         if !visit(2 * k, chunk.clone())? {
    ///             break;
    ///         }
    ///     }
    ///     Ok(())
    /// })?;
    /// assert_eq!(passes, 3);
    /// let a = streamed.transform(&table)?;
    /// let b = in_memory.fit_transform(&table)?;
    /// assert_eq!(a.names, b.names);
    /// for i in 0..4 {
    ///     for j in 0..3 {
    ///         assert!((a.get(i, j).unwrap() - b.get(i, j).unwrap()).abs() < 1e-15);
    ///     }
    /// }
    /// # Ok::<(), logreg_preprocess::PreprocessError>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn fit_passes(
        &mut self,
        train: Option<&[bool]>,
        pass: &mut dyn FnMut(
            &mut dyn FnMut(usize, Table) -> Result<bool, PreprocessError>,
        ) -> Result<(), PreprocessError>,
    ) -> Result<usize, PreprocessError> {
        let mut steps = self.steps.clone();
        let mut passes = 0;
        let mut input_schema = None;
        let mut done = 0;
        loop {
            let learning = steps[done..]
                .iter()
                .position(crate::steps::learns)
                .map(|p| done + p);
            let upto = learning.unwrap_or(steps.len());
            let mut acc: Option<crate::steps::Accumulator> = None;
            let mut first_chunk = true;
            let mut last: Option<Table> = None;
            let mut local: Vec<usize> = Vec::new();
            let this = &*self;
            pass(&mut |first_row, chunk| {
                let shift = |e: PreprocessError| e.with_row_offset(first_row);
                let mut work = this.input_columns(chunk).map_err(shift)?;
                if input_schema.is_none() {
                    input_schema = Some(work.schema());
                }
                for (i, step) in steps[..upto].iter_mut().enumerate() {
                    if first_chunk && i >= done {
                        // Steps that learn nothing only check their columns here.
                        step.fit_rows(&work, Some(&[])).map_err(shift)?;
                    }
                    work = step.transform_owned(work).map_err(shift)?;
                }
                let Some(l) = learning else {
                    last = Some(work);
                    return Ok(false);
                };
                if first_chunk {
                    acc = Some(crate::steps::Accumulator::start(&steps[l], &work).map_err(shift)?);
                }
                first_chunk = false;
                local.clear();
                let n = work.n_rows();
                match train {
                    None => local.extend(0..n),
                    Some(mask) => local.extend(
                        (0..n).filter(|&r| mask.get(first_row + r).copied().unwrap_or(false)),
                    ),
                }
                if let Some(a) = acc.as_mut() {
                    a.feed(&work, &local, first_row)?;
                }
                Ok(true)
            })?;
            passes += 1;
            match (learning, acc, last) {
                (Some(l), Some(a), _) => {
                    a.finish(&mut steps[l])?;
                    done = l + 1;
                }
                (None, _, Some(work)) => {
                    let storage = match self.storage {
                        DesignStorage::Auto => crate::features::auto_storage(&work),
                        s => s,
                    };
                    let features = work.into_features(storage)?;
                    self.steps = steps;
                    self.fitted = Some(FittedShape {
                        input_schema: input_schema.unwrap_or_default(),
                        feature_names: features.names,
                        storage,
                    });
                    return Ok(passes);
                }
                _ => {
                    return Err(PreprocessError::NoRows { path: None });
                }
            }
        }
    }

    /// Applies the fitted pipeline: one design row per table row; `table` is left as it was.
    pub fn transform(&self, table: &Table) -> Result<Features, PreprocessError> {
        self.transform_owned(table.clone())
    }

    /// [`transform`](Self::transform) taking the table over, so its numeric block can become the
    /// design without a copy.
    pub fn transform_owned(&self, table: Table) -> Result<Features, PreprocessError> {
        let fitted = self.fitted_shape()?;
        let out = self.transform_table_owned(table)?;
        if out.column_names() != fitted.feature_names {
            return Err(PreprocessError::param(
                "pipeline",
                format!(
                    "the steps produced columns {:?}, but the pipeline was fitted to produce \
                     {:?} (is the saved pipeline corrupt?)",
                    out.column_names(),
                    fitted.feature_names
                ),
            ));
        }
        out.into_features(fitted.storage)
    }

    /// Applies the fitted pipeline but stops before the design: the table after the last step.
    pub fn transform_table(&self, table: &Table) -> Result<Table, PreprocessError> {
        self.transform_table_owned(table.clone())
    }

    fn transform_table_owned(&self, table: Table) -> Result<Table, PreprocessError> {
        let fitted = self.fitted_shape()?;
        let schema = &fitted.input_schema;
        let mut missing = Vec::new();
        let mut mistyped = Vec::new();
        for field in &schema.fields {
            match table.column(&field.name) {
                Err(_) => missing.push(field.name.clone()),
                Ok(c) if c.column_type() != field.column_type => {
                    if let Some(e) = first_non_number(&field.name, c, field.column_type) {
                        return Err(e);
                    }
                    mistyped.push((field.name.clone(), field.column_type, c.column_type()))
                }
                Ok(_) => {}
            }
        }
        if !missing.is_empty() || !mistyped.is_empty() {
            return Err(PreprocessError::SchemaMismatch { missing, mistyped });
        }
        let positions: Vec<usize> = schema
            .fields
            .iter()
            .filter_map(|f| table.position(&f.name))
            .collect();
        let mut work = table.keep(&positions);
        for step in &self.steps {
            work = step.transform_owned(work)?;
        }
        Ok(work)
    }

    /// Saves the pipeline (configuration and fitted parameters) as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, PreprocessError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Loads a pipeline saved by [`to_json`](Self::to_json), checking its `format_version`.
    pub fn from_json(json: &str) -> Result<Pipeline, PreprocessError> {
        #[derive(Deserialize)]
        struct Version {
            format_version: u32,
        }
        let version: Version = serde_json::from_str(json)?;
        if version.format_version != FORMAT_VERSION {
            return Err(PreprocessError::UnsupportedVersion {
                found: version.format_version,
                expected: FORMAT_VERSION,
            });
        }
        Ok(serde_json::from_str(json)?)
    }

    fn fitted_shape(&self) -> Result<&FittedShape, PreprocessError> {
        self.fitted
            .as_ref()
            .ok_or_else(|| PreprocessError::NotFitted {
                step: "Pipeline".to_string(),
            })
    }

    /// The table restricted by `select` and `drop`.
    fn input_columns(&self, table: Table) -> Result<Table, PreprocessError> {
        let selected = match &self.select {
            Some(names) => table.select(names)?,
            None => table,
        };
        selected.drop_owned(&self.drop)
    }
}

/// Where a numeric column arrived as text: the first cell that is not a number, as the CSV reader
/// reports it (a column the pipeline reads as numbers, given as text, fails on that cell).
fn first_non_number(
    name: &str,
    column: ColumnView<'_>,
    expected: ColumnType,
) -> Option<PreprocessError> {
    if expected != ColumnType::Numeric {
        return None;
    }
    let values = column.as_categorical()?;
    let (row, text) = values.iter().enumerate().find_map(|(i, v)| {
        let v = v?;
        v.trim()
            .parse::<f64>()
            .is_err()
            .then(|| (i + 1, v.to_string()))
    })?;
    Some(PreprocessError::InvalidValue {
        path: None,
        row,
        column: name.to_string(),
        expected: "a number (the pipeline was fitted on a numeric column; read new files with \
                   CsvOptions::with_schema(pipeline.input_schema()))"
            .to_string(),
        found: text,
    })
}

//! ONNX export: a fitted [`Classifier`] (preprocessing pipeline and model) as one ONNX graph that
//! onnxruntime, ONNX-serving runtimes and other ONNX tools run without this library.
//!
//! ```no_run
//! let clf = logreg::Classifier::load("bank.json")?;
//! let bytes = logreg_onnx::classifier_to_onnx(&clf)?;
//! logreg_onnx::save(std::path::Path::new("bank.onnx"), &bytes, false)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The graph
//!
//! Operator sets: `ai.onnx` 19 and `ai.onnx.ml` 3 (IR version 9). Inputs, one per column the
//! pipeline reads (its input schema), named as the column and shaped `[N, 1]`: `tensor(double)`
//! for numeric columns (NaN = missing), `tensor(string)` for categorical ones (the empty string =
//! missing). A model fitted with an offset column (`--offset`) has that column as one more
//! `tensor(double)` input `[N, 1]`, added to the logit. A model fitted on libsvm rows has one
//! input `X` (`tensor(double)`, `[N, d]`, column j holding libsvm feature j + 1, 0 where a row
//! has no entry). Outputs: `label` (`tensor(string)`, `[N]`: the predicted class as `logreg predict`
//! prints it) and `probabilities` (`tensor(double)`, `[N, K]`: one column per class in the
//! model's order; for a binary model `[P(negative), P(positive)]`).
//!
//! Everything numeric runs in double precision with plain operators, so the probabilities
//! agree with this library's to about 1e-15: imputation (`IsNaN`/`Where`, `Equal`/`Where` for
//! categories), scalers (`Sub`, `Div`), the linear part (`MatMul`, `Add`), `Sigmoid` (binary,
//! both classes from the logit) or `Softmax` (multinomial); the label is decided on the logits
//! (`Greater` than 0, or `ArgMax`), as the library decides it. String handling uses `ai.onnx.ml`:
//! `OneHotEncoder` (then `Squeeze`, `Slice` for a dropped first category, `Cast` to double),
//! `LabelEncoder` (bin index → bin label, yes/no token → 1/0, class index → class label).
//!
//! # Input the library refuses
//!
//! The library's API checks what it is given and names the row and column of a problem; an ONNX
//! graph cannot raise such errors, so the exported graph behaves as follows:
//! - a category not seen in fit: with the encoder's default (`handle_unknown` = error, missing =
//!   error), onnxruntime refuses the input (`OneHotEncoder` with `zeros = 0` fails on a string
//!   outside its categories); with `ignore` (or missing values encoded as all-zero) the row
//!   gets all-zero indicators for that column, as the library gives for `ignore`;
//! - a missing number that no imputer fills, or a yes/no flag outside its tokens: the
//!   probabilities are NaN (the library refuses the row);
//! - a value outside a binner's edges becomes a missing label, which the following one-hot
//!   encoder refuses or encodes as all zeros, as above.

mod graph;
pub mod proto;

use std::collections::HashMap;
use std::io;
use std::path::Path;

use graph::{Graph, Kind};
use logreg::model::{write_atomic, ModelError, ModelKind};
use logreg::preprocess::{
    ColumnType, Fill, HandleMissing, HandleUnknown, Pipeline, Step, Transformer,
};
use logreg::Classifier;
use prost::Message;

/// The `ai.onnx` operator set the graph uses.
pub const OPSET: i64 = 19;
/// The `ai.onnx.ml` operator set the graph uses.
pub const ML_OPSET: i64 = 3;
/// The ONNX IR version written (the one operator set 19 belongs to).
pub const IR_VERSION: i64 = 9;

/// What can go wrong exporting.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    /// The pipeline or model has no fitted parameters.
    #[error("the preprocessing pipeline is not fitted, so there is nothing to export")]
    NotFitted,
    /// Something in the pipeline or model has no ONNX form here.
    #[error("cannot export to ONNX: {0}")]
    Unsupported(String),
    /// The model's shapes do not fit together (a corrupt model).
    #[error("cannot export to ONNX: the model is inconsistent: {0}")]
    Inconsistent(String),
    /// Writing the file failed.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// A linear model as the graph computes it: `K × d` coefficients (one row for a binary model,
/// whose positive class is `classes[1]`; one row per class for a multinomial one), `K`
/// intercepts and the class labels as text.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Coefficients, row after row (`K · d` values).
    pub coefficients: Vec<f64>,
    /// One intercept per row of coefficients.
    pub intercepts: Vec<f64>,
    /// The class labels, in the model's order (two for a binary model).
    pub classes: Vec<String>,
}

impl LinearModel {
    fn rows(&self) -> usize {
        self.intercepts.len()
    }

    fn check(&self, d: usize) -> Result<(), OnnxError> {
        let k = self.rows();
        let expected_classes = if k == 1 { 2 } else { k };
        if k == 0 || self.coefficients.len() != k * d || self.classes.len() != expected_classes {
            return Err(OnnxError::Inconsistent(format!(
                "{} coefficients, {k} intercepts and {} classes for {d} features",
                self.coefficients.len(),
                self.classes.len()
            )));
        }
        if let Some(v) = self
            .coefficients
            .iter()
            .chain(&self.intercepts)
            .find(|v| !v.is_finite())
        {
            return Err(OnnxError::Inconsistent(format!("a coefficient is {v}")));
        }
        Ok(())
    }
}

/// The ONNX model (serialized protobuf) of a fitted classifier: its pipeline from the input
/// columns to the features, then its model (see the [crate documentation](crate)).
pub fn classifier_to_onnx(clf: &Classifier) -> Result<Vec<u8>, OnnxError> {
    let model = clf.model();
    // A binary model is one row (the positive class's logit), a multinomial one K rows under a
    // softmax; one-vs-rest normalizes K sigmoids, which this graph does not compute.
    if model.kind() == ModelKind::OneVsRest {
        return Err(OnnxError::Unsupported(
            "a one-vs-rest model (export a multinomial one: --multi-class multinomial)".into(),
        ));
    }
    let rows = model.coefficient_rows();
    let linear = LinearModel {
        coefficients: rows
            .row_iter()
            .flat_map(|r| r.iter().copied().collect::<Vec<_>>())
            .collect(),
        intercepts: model.intercept_values(),
        classes: model.classes().iter().map(ToString::to_string).collect(),
    };
    let mut g = Graph::new();
    let d = model.n_features();
    let features = match clf.pipeline() {
        Some(pipeline) => pipeline_graph(&mut g, pipeline)?,
        // Fitted on libsvm rows: the features themselves, column j = libsvm index j + 1.
        None => g.input("X", Kind::Numeric, d),
    };
    // The offset column is read at every prediction and added to the logit, as `logreg predict`
    // does; the fit took it out of the table, so it is an input of its own.
    let offset = clf
        .offset_column()
        .map(|name| g.input(name, Kind::Numeric, 1));
    linear_graph(&mut g, &features, offset.as_deref(), d, &linear)?;
    Ok(finish(
        g,
        &format!("logreg classifier predicting {:?}", clf.target()),
    ))
}

/// The ONNX model of a linear model alone, on one input `X` (`tensor(double)`, `[N, d]`), for
/// models fitted on arrays (the Python package's `LogisticRegression.to_onnx()`).
pub fn linear_model_to_onnx(model: &LinearModel, n_features: usize) -> Result<Vec<u8>, OnnxError> {
    let mut g = Graph::new();
    let x = g.input("X", Kind::Numeric, n_features);
    linear_graph(&mut g, &x, None, n_features, model)?;
    Ok(finish(g, "logreg linear model"))
}

/// The names of a serialized model's graph inputs, in the order a caller feeds them.
pub fn input_names(bytes: &[u8]) -> Result<Vec<String>, OnnxError> {
    let model = proto::ModelProto::decode(bytes)
        .map_err(|e| OnnxError::Inconsistent(format!("not an ONNX model: {e}")))?;
    Ok(model
        .graph
        .map(|g| g.input.into_iter().filter_map(|i| i.name).collect())
        .unwrap_or_default())
}

/// Write `bytes` to `path` atomically (complete or absent); an existing file is replaced only
/// with `replace`.
pub fn save(path: &Path, bytes: &[u8], replace: bool) -> Result<(), OnnxError> {
    write_atomic(path, replace, |w| w.write_all(bytes)).map_err(|e: io::Error| {
        OnnxError::Model(ModelError::Io {
            path: path.display().to_string(),
            message: if e.kind() == io::ErrorKind::AlreadyExists {
                "already exists; choose another path or remove it first (nothing is overwritten)"
                    .to_string()
            } else {
                e.to_string()
            },
        })
    })
}

fn finish(g: Graph, doc: &str) -> Vec<u8> {
    g.into_model(doc).encode_to_vec()
}

/// One column of the table as the graph holds it between steps: a tensor `[N, names.len()]`
/// (numbers) or `[N, 1]` (strings).
#[derive(Debug, Clone)]
struct Entry {
    names: Vec<String>,
    tensor: String,
    kind: Kind,
}

/// The columns in table order.
struct Columns(Vec<Entry>);

impl Columns {
    /// The entry holding column `name` and its position inside the entry.
    fn find(&self, name: &str) -> Option<(usize, usize)> {
        self.0
            .iter()
            .enumerate()
            .find_map(|(e, entry)| entry.names.iter().position(|n| n == name).map(|p| (e, p)))
    }

    fn single(&self, name: &str, kind: Kind, step: &str) -> Result<usize, OnnxError> {
        match self.find(name) {
            Some((e, 0)) if self.0[e].names.len() == 1 && self.0[e].kind == kind => Ok(e),
            _ => Err(OnnxError::Unsupported(format!(
                "{step} reads column {name:?}, which is not a single {} column at that point",
                match kind {
                    Kind::Numeric => "numeric",
                    Kind::Categorical => "categorical",
                }
            ))),
        }
    }
}

/// The pipeline's steps as graph nodes; returns the feature matrix `[N, d]` (double).
fn pipeline_graph(g: &mut Graph, pipeline: &Pipeline) -> Result<String, OnnxError> {
    let schema = pipeline.input_schema().ok_or(OnnxError::NotFitted)?;
    let mut cols = Columns(
        schema
            .fields
            .iter()
            .map(|f| {
                let kind = match f.column_type {
                    ColumnType::Numeric => Kind::Numeric,
                    ColumnType::Categorical => Kind::Categorical,
                };
                Entry {
                    names: vec![f.name.clone()],
                    tensor: g.input(&f.name, kind, 1),
                    kind,
                }
            })
            .collect(),
    );
    for step in pipeline.steps() {
        if !step.is_fitted() {
            return Err(OnnxError::NotFitted);
        }
        apply_step(g, &mut cols, step)?;
    }
    let names: Vec<&String> = cols.0.iter().flat_map(|e| &e.names).collect();
    let expected = pipeline.feature_names().ok_or(OnnxError::NotFitted)?;
    if names.len() != expected.len() || names.iter().zip(expected).any(|(a, b)| *a != b) {
        return Err(OnnxError::Inconsistent(format!(
            "the exported steps give columns {names:?}, the pipeline gives {expected:?}"
        )));
    }
    if let Some(e) = cols.0.iter().find(|e| e.kind == Kind::Categorical) {
        return Err(OnnxError::Inconsistent(format!(
            "column {:?} is still text after the last step",
            e.names[0]
        )));
    }
    let tensors: Vec<String> = cols.0.iter().map(|e| e.tensor.clone()).collect();
    Ok(if tensors.len() == 1 {
        tensors[0].clone()
    } else {
        g.op("Concat", &tensors, &[("axis", graph::Attr::Int(1))])
    })
}

fn apply_step(g: &mut Graph, cols: &mut Columns, step: &Step) -> Result<(), OnnxError> {
    match step {
        Step::DropColumns(s) => {
            for name in s.columns() {
                let (e, p) = cols.find(name).ok_or_else(|| {
                    OnnxError::Inconsistent(format!("DropColumns: no column {name:?}"))
                })?;
                if cols.0[e].names.len() == 1 {
                    cols.0.remove(e);
                } else {
                    let entry = &mut cols.0[e];
                    let keep: Vec<i64> = (0..entry.names.len() as i64)
                        .filter(|&i| i != p as i64)
                        .collect();
                    let idx = g.const_i64(&[keep.len() as i64], &keep);
                    entry.tensor = g.op(
                        "Gather",
                        &[entry.tensor.clone(), idx],
                        &[("axis", graph::Attr::Int(1))],
                    );
                    entry.names.remove(p);
                }
            }
        }
        Step::StandardScaler(s) => scale(g, cols, s.params())?,
        Step::MinMaxScaler(s) => scale(g, cols, s.params())?,
        Step::Imputer(s) => {
            let fills = s.fill_values().ok_or(OnnxError::NotFitted)?;
            for f in fills {
                match &f.value {
                    Fill::Number(v) => {
                        let e = cols.single(&f.column, Kind::Numeric, "Imputer")?;
                        let x = cols.0[e].tensor.clone();
                        let nan = g.op("IsNaN", std::slice::from_ref(&x), &[]);
                        let c = g.const_f64(&[1, 1], &[*v]);
                        cols.0[e].tensor = g.op("Where", &[nan, c, x], &[]);
                    }
                    Fill::Label(v) => {
                        let e = cols.single(&f.column, Kind::Categorical, "Imputer")?;
                        let x = cols.0[e].tensor.clone();
                        let empty = g.const_str(&[1, 1], &[""]);
                        let missing = g.op("Equal", &[x.clone(), empty], &[]);
                        let c = g.const_str(&[1, 1], &[v.as_str()]);
                        cols.0[e].tensor = g.op("Where", &[missing, c, x], &[]);
                    }
                }
            }
        }
        Step::BooleanEncoder(s) => {
            for name in s.columns() {
                let e = cols.single(name, Kind::Categorical, "BooleanEncoder")?;
                let keys: Vec<&str> = s
                    .true_tokens()
                    .iter()
                    .chain(s.false_tokens())
                    .map(String::as_str)
                    .collect();
                let values: Vec<f32> = s
                    .true_tokens()
                    .iter()
                    .map(|_| 1.0)
                    .chain(s.false_tokens().iter().map(|_| 0.0))
                    .collect();
                let flags = g.ml_op(
                    "LabelEncoder",
                    &[cols.0[e].tensor.clone()],
                    &[
                        ("keys_strings", graph::Attr::Strings(keys)),
                        ("values_floats", graph::Attr::Floats(values)),
                        ("default_float", graph::Attr::Float(f32::NAN)),
                    ],
                );
                cols.0[e].tensor = g.cast_double(flags);
                cols.0[e].kind = Kind::Numeric;
            }
        }
        Step::Binner(b) => {
            let e = cols.single(b.column(), Kind::Numeric, "Binner")?;
            let x = cols.0[e].tensor.clone();
            let edges = b.edges();
            let (first, last) = match (edges.first(), edges.last()) {
                (Some(f), Some(l)) if edges.len() >= 2 => (*f, *l),
                _ => return Err(OnnxError::Inconsistent("a binner has no edges".into())),
            };
            // Index of the interval (e_j, e_{j+1}]: how many inner edges x exceeds.
            let index = if edges.len() > 2 {
                let inner = &edges[1..edges.len() - 1];
                let c = g.const_f64(&[1, inner.len() as i64], inner);
                let above = g.op("Greater", &[x.clone(), c], &[]);
                let counts = g.op("Cast", &[above], &[("to", graph::Attr::Int(7))]);
                let axes = g.const_i64(&[1], &[1]);
                g.op(
                    "ReduceSum",
                    &[counts, axes],
                    &[("keepdims", graph::Attr::Int(1))],
                )
            } else {
                g.const_i64(&[1, 1], &[0])
            };
            let lo = g.const_f64(&[1, 1], &[first]);
            let hi = g.const_f64(&[1, 1], &[last]);
            let above_lo = if b.lowest_included() {
                g.op("GreaterOrEqual", &[x.clone(), lo], &[])
            } else {
                g.op("Greater", &[x.clone(), lo], &[])
            };
            let below_hi = g.op("LessOrEqual", &[x, hi], &[]);
            let inside = g.op("And", &[above_lo, below_hi], &[]);
            let none = g.const_i64(&[1, 1], &[-1]);
            let index = g.op("Where", &[inside, index, none], &[]);
            let keys: Vec<i64> = (0..b.labels().len() as i64).collect();
            let labels: Vec<&str> = b.labels().iter().map(String::as_str).collect();
            // Outside every interval: the missing label, as the library's OutOfRange::Missing.
            let label = g.ml_op(
                "LabelEncoder",
                &[index],
                &[
                    ("keys_int64s", graph::Attr::Ints(keys)),
                    ("values_strings", graph::Attr::Strings(labels)),
                    ("default_string", graph::Attr::String(String::new())),
                ],
            );
            let entry = Entry {
                names: vec![b.output_column().to_string()],
                tensor: label,
                kind: Kind::Categorical,
            };
            if b.output_column() == b.column() {
                cols.0[e] = entry;
            } else {
                cols.0.push(entry);
            }
        }
        Step::OneHotEncoder(s) => {
            let encoded = s.categories().ok_or(OnnxError::NotFitted)?;
            let strict = s.unknown_policy() == HandleUnknown::Error
                && s.missing_policy() == HandleMissing::Error;
            let mut appended = Vec::new();
            for col in encoded {
                let e = cols.single(&col.column, Kind::Categorical, "OneHotEncoder")?;
                let x = cols.0.remove(e).tensor;
                let cats: Vec<&str> = col.categories.iter().map(String::as_str).collect();
                let k = cats.len() as i64;
                let onehot = g.ml_op(
                    "OneHotEncoder",
                    &[x],
                    &[
                        ("cats_strings", graph::Attr::Strings(cats)),
                        ("zeros", graph::Attr::Int(i64::from(!strict))),
                    ],
                );
                let axes = g.const_i64(&[1], &[1]);
                let mut m = g.op("Squeeze", &[onehot, axes], &[]);
                let skip = usize::from(s.drops_first());
                if skip == 1 {
                    let starts = g.const_i64(&[1], &[1]);
                    let ends = g.const_i64(&[1], &[k]);
                    let axes = g.const_i64(&[1], &[1]);
                    m = g.op("Slice", &[m, starts, ends, axes], &[]);
                }
                let names: Vec<String> = col
                    .categories
                    .iter()
                    .skip(skip)
                    .map(|c| format!("{}_{c}", col.column))
                    .collect();
                if names.is_empty() {
                    continue;
                }
                appended.push(Entry {
                    names,
                    tensor: g.cast_double(m),
                    kind: Kind::Numeric,
                });
            }
            cols.0.extend(appended);
        }
    }
    Ok(())
}

/// `(x − offset) / scale` on every numeric entry holding a scaled column (offset 0 and scale 1,
/// exact no-ops, for the entry's other columns).
fn scale(
    g: &mut Graph,
    cols: &mut Columns,
    params: Option<&[logreg::preprocess::ColumnScaling]>,
) -> Result<(), OnnxError> {
    let params = params.ok_or(OnnxError::NotFitted)?;
    let by_name: HashMap<&str, (f64, f64)> = params
        .iter()
        .map(|p| (p.column.as_str(), (p.offset, p.scale)))
        .collect();
    for p in params {
        if cols.find(&p.column).is_none() {
            return Err(OnnxError::Inconsistent(format!(
                "a scaler reads column {:?}, which is not there",
                p.column
            )));
        }
    }
    for entry in &mut cols.0 {
        if entry.kind != Kind::Numeric
            || !entry.names.iter().any(|n| by_name.contains_key(n.as_str()))
        {
            continue;
        }
        let (offsets, scales): (Vec<f64>, Vec<f64>) = entry
            .names
            .iter()
            .map(|n| by_name.get(n.as_str()).copied().unwrap_or((0.0, 1.0)))
            .unzip();
        let w = entry.names.len() as i64;
        let o = g.const_f64(&[1, w], &offsets);
        let s = g.const_f64(&[1, w], &scales);
        let centred = g.op("Sub", &[entry.tensor.clone(), o], &[]);
        entry.tensor = g.op("Div", &[centred, s], &[]);
    }
    Ok(())
}

/// The linear model on features `x` (`[N, d]`, double): the outputs `label` and `probabilities`.
/// The model on the features `x` (`[N, d]`), plus `offset` (`[N, 1]`) on the logit of a binary
/// model when there is one.
fn linear_graph(
    g: &mut Graph,
    x: &str,
    offset: Option<&str>,
    d: usize,
    model: &LinearModel,
) -> Result<(), OnnxError> {
    model.check(d)?;
    let k = model.rows();
    // MatMul wants d × K: the coefficients transposed.
    let mut wt = vec![0.0; d * k];
    for c in 0..k {
        for j in 0..d {
            wt[j * k + c] = model.coefficients[c * d + j];
        }
    }
    let w = g.const_f64(&[d as i64, k as i64], &wt);
    let b = g.const_f64(&[k as i64], &model.intercepts);
    let xw = g.op("MatMul", &[x.to_string(), w], &[]);
    let mut z = g.op("Add", &[xw, b], &[]);
    if let Some(offset) = offset {
        debug_assert_eq!(k, 1, "offsets are exported for binary models");
        z = g.op("Add", &[z, offset.to_string()], &[]);
    }
    let (probabilities, index) = if k == 1 {
        let neg = g.op("Neg", std::slice::from_ref(&z), &[]);
        let p0 = g.op("Sigmoid", &[neg], &[]);
        let p1 = g.op("Sigmoid", std::slice::from_ref(&z), &[]);
        let p = g.op("Concat", &[p0, p1], &[("axis", graph::Attr::Int(1))]);
        // Positive when the logit is > 0, as the library decides (not on rounded probabilities).
        let zero = g.const_f64(&[1, 1], &[0.0]);
        let positive = g.op("Greater", &[z, zero], &[]);
        let idx = g.op("Cast", &[positive], &[("to", graph::Attr::Int(7))]);
        let axes = g.const_i64(&[1], &[1]);
        (p, g.op("Squeeze", &[idx, axes], &[]))
    } else {
        let p = g.op(
            "Softmax",
            std::slice::from_ref(&z),
            &[("axis", graph::Attr::Int(1))],
        );
        let idx = g.op(
            "ArgMax",
            &[z],
            &[
                ("axis", graph::Attr::Int(1)),
                ("keepdims", graph::Attr::Int(0)),
            ],
        );
        (p, idx)
    };
    let keys: Vec<i64> = (0..model.classes.len() as i64).collect();
    let labels: Vec<&str> = model.classes.iter().map(String::as_str).collect();
    let label = g.ml_op(
        "LabelEncoder",
        &[index],
        &[
            ("keys_int64s", graph::Attr::Ints(keys)),
            ("values_strings", graph::Attr::Strings(labels)),
            ("default_string", graph::Attr::String(String::new())),
        ],
    );
    g.output(&label, "label", Kind::Categorical, None);
    g.output(
        &probabilities,
        "probabilities",
        Kind::Numeric,
        Some(model.classes.len()),
    );
    Ok(())
}

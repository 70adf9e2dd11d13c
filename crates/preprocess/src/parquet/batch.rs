//! One Arrow record batch as a [`Table`]: numeric columns into the row-major block, string and
//! dictionary columns (or numbers read as categorical) as codes.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;

use crate::column::{CategoricalColumn, FastMap};
use crate::error::PreprocessError;
use crate::schema::ColumnType;
use crate::table::{Block, Slot, Table};

/// One record batch as a table: numeric columns into one row-major block (NaN for missing),
/// categorical ones as codes. `first` is the batch's first row in the file (for errors).
pub(super) fn batch_to_table(
    batch: &RecordBatch,
    columns: &[(String, ColumnType)],
    first: usize,
) -> Result<Table, PreprocessError> {
    let n = batch.num_rows();
    let width = columns
        .iter()
        .filter(|(_, t)| *t == ColumnType::Numeric)
        .count();
    let mut slots = Vec::with_capacity(columns.len());
    let mut numbers: Vec<Cow<'_, [f64]>> = Vec::with_capacity(width);
    for (k, (name, t)) in columns.iter().enumerate() {
        let array = batch.column(k);
        match t {
            ColumnType::Numeric => {
                slots.push(Slot::Numeric {
                    block: 0,
                    col: numbers.len(),
                });
                numbers.push(numbers_of(array, name, first)?);
            }
            ColumnType::Categorical => {
                slots.push(Slot::Categorical(Arc::new(labels_of(array))));
            }
        }
    }
    let mut values = vec![0.0; n * width];
    let columns_at: Vec<(usize, &[f64])> = numbers.iter().map(|c| &c[..]).enumerate().collect();
    into_rows(&columns_at, &mut values, width);
    Ok(Table::from_parts(
        columns.iter().map(|(n, _)| n.clone()).collect(),
        slots,
        vec![Block { values, width }],
        n,
    ))
}

/// Rows of a batch copied into the row-major block together (a few hundred KB of it).
const TILE_ROWS: usize = 256;

/// Writes columns into row-major rows of `width` values: `(col, values)` puts `values[r]` at
/// `out[r·width + col]`. A tile of rows at a time, so the rows being written stay in cache
/// while every column visits them.
pub(super) fn into_rows(columns: &[(usize, &[f64])], out: &mut [f64], width: usize) {
    if width == 0 {
        return;
    }
    let n = out.len() / width;
    for start in (0..n).step_by(TILE_ROWS) {
        let end = (start + TILE_ROWS).min(n);
        for &(col, column) in columns {
            for (row, &v) in out[start * width..end * width]
                .chunks_exact_mut(width)
                .zip(&column[start..end])
            {
                row[col] = v;
            }
        }
    }
}

/// Column `array` as numbers (NaN for missing); an infinite value is an error naming its row.
/// A float64 column without nulls is used where it lies.
pub(super) fn numbers_of<'a>(
    array: &'a ArrayRef,
    name: &str,
    first: usize,
) -> Result<Cow<'a, [f64]>, PreprocessError> {
    let infinite = |i: usize, v: f64| PreprocessError::InvalidValue {
        path: None,
        row: first + i + 1,
        column: name.to_string(),
        expected: "a finite number".to_string(),
        found: v.to_string(),
    };
    if array.data_type() == &DataType::Float64 && array.null_count() == 0 {
        let values: &[f64] = array.as_primitive::<Float64Type>().values();
        if let Some(i) = values.iter().position(|v| v.is_infinite()) {
            return Err(infinite(i, values[i]));
        }
        return Ok(Cow::Borrowed(values));
    }
    let mut out = vec![f64::NAN; array.len()];
    let mut put = |i: usize, v: Option<f64>| -> Result<(), PreprocessError> {
        let v = v.unwrap_or(f64::NAN);
        if v.is_infinite() {
            return Err(infinite(i, v));
        }
        out[i] = v;
        Ok(())
    };
    macro_rules! prim {
        ($t:ty, $conv:expr) => {{
            for (i, v) in array.as_primitive::<$t>().iter().enumerate() {
                put(i, v.map($conv))?;
            }
        }};
    }
    match array.data_type() {
        DataType::Int8 => prim!(Int8Type, f64::from),
        DataType::Int16 => prim!(Int16Type, f64::from),
        DataType::Int32 => prim!(Int32Type, f64::from),
        DataType::Int64 => prim!(Int64Type, |v: i64| v as f64),
        DataType::UInt8 => prim!(UInt8Type, f64::from),
        DataType::UInt16 => prim!(UInt16Type, f64::from),
        DataType::UInt32 => prim!(UInt32Type, f64::from),
        DataType::UInt64 => prim!(UInt64Type, |v: u64| v as f64),
        DataType::Float16 => prim!(Float16Type, |v: HalfF16| v.to_f64()),
        DataType::Float32 => prim!(Float32Type, f64::from),
        DataType::Float64 => prim!(Float64Type, |v: f64| v),
        DataType::Boolean => {
            for (i, v) in array.as_boolean().iter().enumerate() {
                put(i, v.map(|b| f64::from(u8::from(b))))?;
            }
        }
        _ => {
            // Text read as numbers: each label parsed, as a CSV cell of a numeric column.
            let labels = labels_of(array);
            let parsed: Vec<Result<f64, String>> = labels
                .categories()
                .iter()
                .map(|l| l.trim().parse::<f64>().map_err(|_| l.clone()))
                .collect();
            for (i, &code) in labels.codes().iter().enumerate() {
                let v = match parsed.get(code as usize) {
                    None => None,
                    Some(Ok(v)) => Some(*v),
                    Some(Err(text)) => {
                        return Err(PreprocessError::InvalidValue {
                            path: None,
                            row: first + i + 1,
                            column: name.to_string(),
                            expected: "a number (the column is read as numeric)".to_string(),
                            found: text.clone(),
                        })
                    }
                };
                put(i, v)?;
            }
        }
    }
    Ok(Cow::Owned(out))
}

type HalfF16 = <Float16Type as arrow_array::ArrowPrimitiveType>::Native;

/// A column as labels: strings as stored, dictionary values by key, numbers as text; nulls
/// (and NaN) missing.
pub(super) fn labels_of(array: &ArrayRef) -> CategoricalColumn {
    let mut lookup: FastMap<String, u32> = FastMap::default();
    let mut categories: Vec<String> = Vec::new();
    let mut code_of = |label: &str| -> u32 {
        if let Some(&c) = lookup.get(label) {
            return c;
        }
        let c = categories.len() as u32;
        categories.push(label.to_string());
        lookup.insert(label.to_string(), c);
        c
    };
    let n = array.len();
    let mut codes = Vec::with_capacity(n);
    let missing = CategoricalColumn::MISSING;
    match array.data_type() {
        DataType::Utf8 => {
            for v in array.as_string::<i32>().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::LargeUtf8 => {
            for v in array.as_string::<i64>().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::Utf8View => {
            for v in array.as_string_view().iter() {
                codes.push(v.map_or(missing, &mut code_of));
            }
        }
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let values = labels_of(dict.values());
            // Dictionary entries may repeat a label: map each entry to the label's code.
            let entry: Vec<u32> = values
                .codes()
                .iter()
                .map(|&c| {
                    values
                        .categories()
                        .get(c as usize)
                        .map_or(missing, |l| code_of(l))
                })
                .collect();
            for (i, k) in dict.normalized_keys().into_iter().enumerate() {
                let code = if array.is_null(i) {
                    missing
                } else {
                    entry.get(k).copied().unwrap_or(missing)
                };
                codes.push(code);
            }
        }
        _ => {
            // Numbers as labels (a numeric column read as categorical).
            let numbers: Vec<f64> = match numbers_of(array, "", 0) {
                Ok(v) => v.into_owned(),
                // Infinite values have no label but their text.
                Err(_) => (0..n)
                    .map(|i| {
                        let a = array.slice(i, 1);
                        match numbers_of(&a, "", 0) {
                            Ok(one) => one.first().copied().unwrap_or(f64::NAN),
                            Err(_) => f64::INFINITY,
                        }
                    })
                    .collect(),
            };
            for v in numbers {
                codes.push(if v.is_nan() {
                    missing
                } else {
                    code_of(&v.to_string())
                });
            }
        }
    }
    CategoricalColumn::from_parts(codes, categories)
}

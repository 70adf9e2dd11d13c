//! Input checks shared by the metrics: lengths first, then emptiness, then the values themselves,
//! so the first error a caller sees is the most basic one.

use crate::EvalError;

/// `found` must have the length of `y_true`, and there must be at least one sample.
pub(crate) fn same_len_nonempty(
    what: &'static str,
    expected: usize,
    found: usize,
) -> Result<(), EvalError> {
    if found != expected {
        return Err(EvalError::LengthMismatch {
            what,
            expected,
            found,
        });
    }
    if expected == 0 {
        return Err(EvalError::Empty { what: "y_true" });
    }
    Ok(())
}

/// Every value is finite.
pub(crate) fn finite(what: &'static str, values: &[f64]) -> Result<(), EvalError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(EvalError::NonFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Both classes occur in `y_true`.
pub(crate) fn both_classes(y_true: &[bool]) -> Result<(), EvalError> {
    let positives = y_true.iter().filter(|&&y| y).count();
    if positives == 0 || positives == y_true.len() {
        return Err(EvalError::SingleClass { what: "y_true" });
    }
    Ok(())
}

/// `num / den` as a float, with 0/0 (and anything over 0) taken as 0 like scikit-learn's
/// `zero_division` default.
pub(crate) fn ratio(num: u128, den: u128) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Neumaier's compensated sum: keeps the mean of many log-losses accurate to about one ulp.
pub(crate) fn compensated_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sum = 0.0f64;
    let mut carry = 0.0f64;
    for v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            carry += (sum - t) + v;
        } else {
            carry += (v - t) + sum;
        }
        sum = t;
    }
    sum + carry
}

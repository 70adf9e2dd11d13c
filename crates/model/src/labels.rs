//! Class labels of any comparable type: 0/1, -1/1, 2/4, "yes"/"no", …

use crate::ModelError;
use std::cmp::Ordering;
use std::fmt::Debug;

/// What a class label must be: comparable (to sort classes as scikit-learn does) and printable in
/// error messages. Saving a model also needs the label to be serde-serializable.
pub trait Label: Clone + PartialOrd + Debug {}

impl<T: Clone + PartialOrd + Debug> Label for T {}

/// The distinct labels of `y` in increasing order, or an error naming the first incomparable one
/// (such as a NaN).
pub fn sorted_classes<L: Label>(y: &[L]) -> Result<Vec<L>, ModelError> {
    if let Some((row, v)) = y
        .iter()
        .enumerate()
        .find(|(_, v)| v.partial_cmp(v) != Some(Ordering::Equal))
    {
        return Err(ModelError::InvalidLabel {
            row,
            value: format!("{v:?}"),
        });
    }
    let mut classes: Vec<L> = Vec::new();
    for v in y {
        // Binary search keeps this O(n log k); k is tiny in practice.
        match classes.binary_search_by(|c| c.partial_cmp(v).unwrap_or(Ordering::Less)) {
            Ok(_) => {}
            Err(pos) => classes.insert(pos, v.clone()),
        }
    }
    Ok(classes)
}

/// Index of each label in `classes`.
pub fn encode<L: Label>(y: &[L], classes: &[L]) -> Vec<usize> {
    y.iter()
        .map(|v| classes.iter().position(|c| c == v).unwrap_or(0))
        .collect()
}

/// The two classes of binary labels, [negative, positive]: the positive class is `positive` when
/// given (it must be one of them), else the larger one, as scikit-learn's `classes_[1]`. The one
/// check for "exactly two classes": one class, or more than two, is an error that lists them.
pub fn two_classes<L: Label>(y: &[L], positive: Option<L>) -> Result<[L; 2], ModelError> {
    let classes = sorted_classes(y)?;
    match classes.len() {
        0 => Err(ModelError::Empty),
        1 => Err(ModelError::SingleClass {
            class: format!("{:?}", classes[0]),
        }),
        2 => {
            let [neg, pos] = [classes[0].clone(), classes[1].clone()];
            match positive {
                None => Ok([neg, pos]),
                Some(p) if p == pos => Ok([neg, pos]),
                Some(p) if p == neg => Ok([pos, neg]),
                Some(p) => Err(ModelError::UnknownPositiveClass {
                    given: format!("{p:?}"),
                    classes: describe(&classes),
                }),
            }
        }
        count => Err(ModelError::NotBinary {
            count,
            classes: describe(&classes),
        }),
    }
}

/// Describe up to ten classes for an error message.
pub(crate) fn describe<L: Label>(classes: &[L]) -> Vec<String> {
    let mut out: Vec<String> = classes.iter().take(10).map(|c| format!("{c:?}")).collect();
    if classes.len() > 10 {
        out.push("…".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_sorted_and_distinct() {
        assert_eq!(sorted_classes(&[4, 2, 4, 2]).unwrap(), [2, 4]);
        assert_eq!(sorted_classes(&["yes", "no", "no"]).unwrap(), ["no", "yes"]);
        assert_eq!(sorted_classes(&[1.0, -1.0]).unwrap(), [-1.0, 1.0]);
        let e = sorted_classes(&[0.0, f64::NAN]).unwrap_err();
        assert!(matches!(e, ModelError::InvalidLabel { row: 1, .. }), "{e}");
        assert_eq!(encode(&["b", "a", "c"], &["a", "b", "c"]), [1, 0, 2]);
        assert_eq!(describe(&(0..12).collect::<Vec<_>>()).len(), 11);
    }
}

//! Cross-validation: fit on each fold's training rows, score on its held-out rows.

use crate::labels::Label;
use crate::params::ValidParams;
use crate::ModelError;
use logreg_evaluate::Split;
use nalgebra::DMatrix;

/// Accuracy of a binary model on each fold's test rows, fitting on its training rows.
///
/// Folds come from [`logreg_evaluate::KFold`] or [`logreg_evaluate::StratifiedKFold`]; nothing
/// from a fold's test rows reaches its fit.
///
/// ```
/// use logreg_evaluate::KFold;
/// use logreg_model::{cross_val_accuracy, LogisticRegression};
/// use nalgebra::DMatrix;
///
/// let x = DMatrix::from_fn(40, 1, |i, _| i as f64);
/// let y: Vec<u8> = (0..40).map(|i| u8::from(i >= 20)).collect();
/// let folds = KFold::new(4)?.shuffle(7).split(40)?;
/// let scores = cross_val_accuracy(&LogisticRegression::params().check()?, &x, &y, &folds)?;
/// assert_eq!(scores.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cross_val_accuracy<L: Label>(
    params: &ValidParams,
    x: &DMatrix<f64>,
    y: &[L],
    folds: &[Split],
) -> Result<Vec<f64>, ModelError> {
    if y.len() != x.nrows() {
        return Err(ModelError::Shape {
            what: "labels y (one per row of X)",
            expected: x.nrows(),
            found: y.len(),
        });
    }
    folds
        .iter()
        .map(|fold| {
            let rows = |idx: &[usize]| -> Result<DMatrix<f64>, ModelError> {
                if let Some(&bad) = idx.iter().find(|&&i| i >= x.nrows()) {
                    return Err(ModelError::Shape {
                        what: "fold row index (must be below the number of rows)",
                        expected: x.nrows(),
                        found: bad,
                    });
                }
                Ok(x.select_rows(idx))
            };
            let (xtr, xte) = (rows(&fold.train)?, rows(&fold.test)?);
            if xte.nrows() == 0 {
                return Err(ModelError::Empty);
            }
            let ytr: Vec<L> = fold.train.iter().map(|&i| y[i].clone()).collect();
            let model = params.fit(&xtr, &ytr)?;
            let pred = model.predict(&xte)?;
            let correct = pred
                .iter()
                .zip(&fold.test)
                .filter(|(p, &i)| **p == y[i])
                .count();
            Ok(correct as f64 / fold.test.len() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogisticRegression;
    use logreg_evaluate::{KFold, Split};

    #[test]
    fn each_fold_is_scored_on_its_own_rows() {
        // Labels alternate in blocks the model can learn; a fold's score uses only its test rows.
        let x = DMatrix::from_fn(60, 1, |i, _| (i % 30) as f64);
        let y: Vec<u8> = (0..60).map(|i| u8::from(i % 30 >= 15)).collect();
        let folds = KFold::new(3).unwrap().shuffle(1).split(60).unwrap();
        let p = LogisticRegression::params().check().unwrap();
        let scores = cross_val_accuracy(&p, &x, &y, &folds).unwrap();
        assert_eq!(scores.len(), 3);
        assert!(scores.iter().all(|&s| s >= 0.9), "{scores:?}");
        let bad = [Split {
            train: vec![0, 1],
            test: vec![99],
        }];
        assert!(matches!(
            cross_val_accuracy(&p, &x, &y, &bad),
            Err(ModelError::Shape { .. })
        ));
        assert!(cross_val_accuracy(&p, &x, &y[..5], &folds).is_err());
    }
}

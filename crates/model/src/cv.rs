//! Cross-validation: fit on each fold's training rows, score on its held-out rows.

use crate::binary::FitOptions;
use crate::labels::Label;
use crate::params::ValidParams;
use crate::ModelError;
use logreg_evaluate::Split;
use logreg_linalg_core::{Design, IntoDesign};

/// Accuracy of a binary model on each fold's test rows, fitting on its training rows.
///
/// Folds come from [`logreg_evaluate::KFold`] or [`logreg_evaluate::StratifiedKFold`]; nothing
/// from a fold's test rows reaches its fit. Folds select rows of X by index: nothing is copied.
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
pub fn cross_val_accuracy<'x, L: Label>(
    params: &ValidParams,
    x: impl IntoDesign<'x>,
    y: &[L],
    folds: &[Split],
) -> Result<Vec<f64>, ModelError> {
    let x = x.into_design()?;
    let x: &Design<'_> = &x;
    if y.len() != x.n_rows() {
        return Err(ModelError::Shape {
            what: "labels y (one per row of X)",
            expected: x.n_rows(),
            found: y.len(),
        });
    }
    folds
        .iter()
        .map(|fold| {
            for idx in [&fold.train, &fold.test] {
                if let Some(&bad) = idx.iter().find(|&&i| i >= x.n_rows()) {
                    return Err(ModelError::Shape {
                        what: "fold row index (must be below the number of rows)",
                        expected: x.n_rows(),
                        found: bad,
                    });
                }
            }
            if fold.test.is_empty() {
                return Err(ModelError::Empty);
            }
            let model = params.fit_with(
                x,
                y,
                FitOptions {
                    rows: Some(&fold.train),
                    ..FitOptions::default()
                },
            )?;
            let z = model.decision_function_on(x, Some(&fold.test), None)?;
            let [negative, positive] = model.classes();
            let correct = z
                .iter()
                .zip(&fold.test)
                .filter(|(&zi, &i)| {
                    y[i] == if zi > 0.0 {
                        positive.clone()
                    } else {
                        negative.clone()
                    }
                })
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
    use nalgebra::DMatrix;

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

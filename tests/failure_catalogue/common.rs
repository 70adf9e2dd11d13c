//! What several parts of the catalogue build their bad input from.

use logreg::model::LogisticRegression;
use logreg::preprocess::{read_csv_from, CsvOptions, OneHotEncoder, Pipeline};
use logreg::{Classifier, Error};
use nalgebra::DMatrix;

pub(crate) fn csv(text: &str) -> Result<logreg::preprocess::Table, Error> {
    Ok(read_csv_from(text.as_bytes(), &CsvOptions::new())?)
}

pub(crate) fn message<T: std::fmt::Debug>(r: Result<T, impl Into<Error>>) -> String {
    r.map_err(Into::into)
        .expect_err("bad input must be an error")
        .to_string()
}

pub(crate) fn toy_classifier() -> Classifier {
    let table =
        csv("x,colour,y\n1,red,no\n2,blue,no\n3,red,yes\n4,blue,yes\n0.5,red,yes\n2.5,red,no\n")
            .unwrap();
    let pipeline = Pipeline::new().step(OneHotEncoder::new(["colour"]));
    let params = LogisticRegression::params().check().unwrap();
    Classifier::fit(&table, "y", pipeline, &params).unwrap()
}

pub(crate) fn xy() -> (DMatrix<f64>, Vec<f64>) {
    let x = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 4.0, 1.0]);
    (x, vec![0.0, 1.0, 0.0, 1.0])
}

//! Every row's label kept as a two-byte code through the passes, and the classes among them.

use crate::model::ModelError;
use crate::preprocess::ColumnView;
use crate::{ClassLabel, Error};

/// Every row's label as a code into the distinct labels (two bytes a row).
pub(super) struct LabelCodes {
    pub(super) codes: Vec<u16>,
    pub(super) labels: Vec<ClassLabel>,
}

impl LabelCodes {
    pub(super) fn new() -> Self {
        LabelCodes {
            codes: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn code(&mut self, label: ClassLabel) -> Result<u16, Error> {
        if let Some(k) = self.labels.iter().position(|l| *l == label) {
            return Ok(k as u16);
        }
        if self.labels.len() > usize::from(u16::MAX) {
            let mut shown: Vec<String> = self
                .labels
                .iter()
                .take(10)
                .map(|l| format!("{l:?}"))
                .collect();
            shown.push("…".into());
            return Err(Error::Model(ModelError::NotBinary {
                count: self.labels.len(),
                classes: shown,
            }));
        }
        self.labels.push(label);
        Ok((self.labels.len() - 1) as u16)
    }

    /// Appends the labels of a chunk's target column, whose first row is `first` in the file.
    pub(super) fn extend(
        &mut self,
        column: ColumnView<'_>,
        target: &str,
        first: usize,
    ) -> Result<(), Error> {
        let missing = |i: usize| Error::MissingLabel {
            column: target.to_string(),
            row: first + i + 1,
        };
        match column {
            ColumnView::Numeric(v) => {
                let mut last: Option<(u64, u16)> = None;
                for (i, x) in v.iter().enumerate() {
                    let x = x.ok_or_else(|| missing(i))?;
                    let code = match last {
                        Some((bits, c)) if bits == x.to_bits() => c,
                        _ => {
                            let c = self.code(ClassLabel::Number(x))?;
                            last = Some((x.to_bits(), c));
                            c
                        }
                    };
                    self.codes.push(code);
                }
            }
            ColumnView::Categorical(c) => {
                let mut map: Vec<Option<u16>> = vec![None; c.categories().len()];
                for (i, &k) in c.codes().iter().enumerate() {
                    let slot = map.get_mut(k as usize).ok_or_else(|| missing(i))?;
                    let code = match slot {
                        Some(code) => *code,
                        None => {
                            let code =
                                self.code(ClassLabel::Text(c.categories()[k as usize].clone()))?;
                            *slot = Some(code);
                            code
                        }
                    };
                    self.codes.push(code);
                }
            }
        }
        Ok(())
    }
}

/// The distinct labels among the rows `rows` (every row when `None`), in order of appearance.
pub(super) fn distinct_in(labels: &LabelCodes, rows: Option<&[usize]>) -> Vec<ClassLabel> {
    let mut seen = vec![false; labels.labels.len()];
    let mut visit = |c: u16| seen[c as usize] = true;
    match rows {
        Some(r) => r.iter().for_each(|&i| visit(labels.codes[i])),
        None => labels.codes.iter().for_each(|&c| visit(c)),
    }
    labels
        .labels
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(l, _)| l.clone())
        .collect()
}

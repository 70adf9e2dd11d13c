//! libsvm rows on ranks: shard files or line ranges of one file, and the fit on them.

use logreg_collective::{all_gather_f64, shards_for_rank, Collective, CollectiveError};

use super::{agreed_plain, DataSource, RowsOfRank};
use crate::classifier::{training_labels, unknown_positive_class};
use crate::linalg::{Csr, Design};
use crate::model::{classes_on_ranks, two_classes, FitOptions, FittedModel, ValidParams};
use crate::preprocess::{
    libsvm_line_ranges, read_libsvm, read_libsvm_range, Features, LibsvmRange,
};
use crate::{ClassLabel, Classifier, Error, FitColumns, Trained, LIBSVM_TARGET};

/// What this rank read of libsvm data: its rows (a sparse design with the feature count of all
/// the ranks' files, and the labels), and where they sit among all the rows.
#[derive(Debug)]
pub struct LocalLibsvm {
    /// This rank's rows; its columns are every rank's features (the largest index of any file).
    pub design: Csr<'static>,
    /// The label of each of this rank's rows.
    pub labels: Vec<f64>,
    /// Rows of the ranks before this one.
    pub rows_before: usize,
    /// Rows over every rank.
    pub total_rows: usize,
}

/// Reads this rank's rows of libsvm data: its shard files, or its run of the one file's lines
/// (rank 0 finds line boundaries and tells each rank its run). The feature count is the largest
/// index of any file of any rank (or `n_features` when given, a larger index being an error),
/// so every rank's design has the same columns. Errors are every rank's, naming the rank, the
/// file and its line.
pub fn read_libsvm_on_ranks(
    world: &dyn Collective,
    source: &DataSource,
    n_features: Option<usize>,
) -> Result<LocalLibsvm, Error> {
    let read = match source {
        DataSource::Shards(spec) => {
            let files = shards_for_rank(world, spec)?;
            agreed_plain(
                world,
                files
                    .iter()
                    .map(|p| read_libsvm(p, n_features))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Error::from),
            )?
        }
        DataSource::RowsOf(path) => {
            let size = world.size();
            let ranges = if world.is_root() {
                libsvm_line_ranges(path, size).map_err(Error::from)
            } else {
                Ok(Vec::new())
            };
            let ranges = agreed_plain(world, ranges)?;
            let mut wire: Vec<f64> = ranges
                .iter()
                .flat_map(|r| [r.bytes.start, r.bytes.end, r.lines_before as u64].map(|v| v as f64))
                .collect();
            wire.resize(3 * size, 0.0);
            world.broadcast_f64(0, &mut wire)?;
            let w = &wire[3 * world.rank()..3 * world.rank() + 3];
            let mine = LibsvmRange {
                bytes: w[0] as u64..w[1] as u64,
                lines_before: w[2] as usize,
            };
            vec![agreed_plain(
                world,
                read_libsvm_range(path, &mine, n_features).map_err(Error::from),
            )?]
        }
    };
    // This rank's files one after the other, then widened to every rank's feature count.
    let local_d = read.iter().map(|d| d.n_features()).max().unwrap_or(0);
    let (mut indptr, mut indices, mut values, mut labels) =
        (vec![0], Vec::new(), Vec::new(), Vec::new());
    for data in &read {
        let (p, i, v) = data.design.arrays();
        let base = indices.len();
        indptr.extend(p[1..].iter().map(|&k| base + k));
        indices.extend_from_slice(i);
        values.extend_from_slice(v);
        labels.extend(data.numeric_labels());
    }
    let shape: Vec<Vec<f64>> = all_gather_f64(world, &[labels.len() as f64, local_d as f64])?;
    let counts: Vec<usize> = shape
        .iter()
        .map(|s| s.first().copied().unwrap_or(0.0) as usize)
        .collect();
    let d = shape
        .iter()
        .map(|s| s.get(1).copied().unwrap_or(0.0) as usize)
        .max()
        .unwrap_or(0);
    if let Some(idle_rank) = counts.iter().position(|&c| c == 0) {
        return Err(CollectiveError::TooFewRows {
            rows: counts.iter().sum(),
            ranks: world.size(),
            idle_rank,
        }
        .into());
    }
    let design = agreed_plain(
        world,
        Csr::new(labels.len(), d, indptr, indices, values).map_err(Error::from),
    )?;
    let rank = world.rank();
    Ok(LocalLibsvm {
        design,
        labels,
        rows_before: counts[..rank].iter().sum(),
        total_rows: counts.iter().sum(),
    })
}

impl LocalLibsvm {
    /// Where this rank's rows sit among all the rows.
    pub fn position(&self) -> RowsOfRank {
        RowsOfRank {
            rows: self.labels.len(),
            before: self.rows_before,
            total: self.total_rows,
        }
    }
}

impl Classifier {
    /// [`fit_libsvm`](Classifier::fit_libsvm) on the rows of every rank (see
    /// [`read_libsvm_on_ranks`]): every rank gets the same classifier, with the features and
    /// labels of its own rows. The classes are those of every rank's training labels.
    pub fn fit_libsvm_on_ranks(
        local: LocalLibsvm,
        params: &ValidParams,
        mut opts: FitOptions<'_, ClassLabel>,
        world: &dyn Collective,
    ) -> Result<Trained, Error> {
        let labels: Vec<ClassLabel> = local
            .labels
            .iter()
            .map(|&v| ClassLabel::Number(v))
            .collect();
        let train_labels = training_labels(&labels, opts.rows);
        let classes = classes_on_ranks(world, &train_labels)?;
        two_classes(&classes, None)?;
        if let Some(wanted) = opts.positive_class.take() {
            let name = wanted.to_string();
            let as_number: Option<f64> = name.trim().parse().ok();
            let found = classes
                .iter()
                .find(|l| Some(*l) == as_number.map(ClassLabel::Number).as_ref())
                .cloned();
            opts.positive_class =
                Some(found.ok_or_else(|| unknown_positive_class(name, &classes))?);
        }
        let names: Vec<String> = (1..=local.design.n_cols()).map(|i| i.to_string()).collect();
        let design = Design::Sparse(local.design);
        opts.feature_names = Some(names.clone());
        let model = super::fit::fit_binary(params, &design, &labels, opts, world)?;
        Ok(Trained {
            classifier: Classifier::from_parts(
                LIBSVM_TARGET.to_string(),
                None,
                FittedModel::Binary(model),
                &FitColumns::default(),
            ),
            features: Features { design, names },
            labels,
            offset: None,
            sample_weight: None,
        })
    }
}

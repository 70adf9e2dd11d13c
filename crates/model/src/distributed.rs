//! What a fit needs from the ranks of a job beyond the loss's sums: one outcome for every rank
//! (so a rank that fails alone does not leave the others waiting), and the classes of every
//! rank's labels.

use std::borrow::Cow;

use logreg_collective::{agree, all_gather_bytes, Collective, CollectiveError};
use logreg_linalg_core::{Design, IntoDesign};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::labels::{sorted_classes, Label};
use crate::ModelError;

/// This rank's outcome made every rank's: with one rank it is returned as it is (typed errors
/// stay typed); with more, every rank gets `Ok` or the same error naming the failing rank.
pub(crate) fn agreed<T>(
    world: &dyn Collective,
    outcome: Result<T, ModelError>,
) -> Result<T, ModelError> {
    if world.size() == 1 {
        return outcome;
    }
    agree(world, outcome).map_err(ModelError::from)
}

/// The sorted distinct labels of every rank's `local` labels (the same on every rank): each
/// rank's distinct labels travel as JSON. With one rank, `local`'s sorted distinct labels.
/// Every rank must call it at the same point.
///
/// ```
/// use logreg_collective::Local;
/// let classes = logreg_model::classes_on_ranks(&Local, &["b", "a", "b"].map(String::from))?;
/// assert_eq!(classes, ["a", "b"]);
/// # Ok::<(), logreg_model::ModelError>(())
/// ```
pub fn classes_on_ranks<L>(world: &dyn Collective, local: &[L]) -> Result<Vec<L>, ModelError>
where
    L: Label + Serialize + DeserializeOwned,
{
    let local = agreed(world, sorted_classes(local))?;
    if world.size() == 1 {
        return Ok(local);
    }
    let mine = agreed(
        world,
        serde_json::to_vec(&local).map_err(|e| ModelError::InvalidLabel {
            row: 0,
            value: format!("a label that cannot be sent to the other ranks ({e})"),
        }),
    )?;
    let mut all = Vec::new();
    for (rank, bytes) in all_gather_bytes(world, &mine)?.iter().enumerate() {
        let theirs: Vec<L> = serde_json::from_slice(bytes).map_err(|e| {
            ModelError::Collective(CollectiveError::Internal {
                what: format!("the labels from rank {rank} do not read back: {e}"),
            })
        })?;
        all.extend(theirs);
    }
    sorted_classes(&all)
}

/// `sgd` draws mini-batches of one process's rows; a distributed fit needs a solver whose every
/// step sums over all rows.
pub(crate) fn check_solver(
    world: &dyn Collective,
    kind: crate::SolverKind,
) -> Result<(), ModelError> {
    if world.size() > 1 && kind == crate::SolverKind::Sgd {
        return Err(ModelError::InvalidParam {
            name: "solver",
            value: kind.to_string(),
            expected: "a solver that sums over every row in each step (auto, lbfgs, newton, \
                       newton-cg or gd): sgd's mini-batches are drawn on one process and \
                       cannot run distributed",
        });
    }
    Ok(())
}

/// What every fit on ranks does first: refuse a solver that cannot run there, take the design
/// (an error on any rank is every rank's), and gather the sorted classes of every rank's
/// training labels.
pub(crate) fn design_and_classes<'x, L>(
    world: &dyn Collective,
    kind: crate::SolverKind,
    x: impl IntoDesign<'x>,
    y: &[L],
    rows: Option<&[usize]>,
) -> Result<(Cow<'x, Design<'x>>, Vec<L>), ModelError>
where
    L: Label + Serialize + DeserializeOwned,
{
    check_solver(world, kind)?;
    let x = agreed(world, x.into_design().map_err(ModelError::from))?;
    let local = agreed(
        world,
        crate::binary::training_rows(&x, y.len(), rows)
            .map(|rows| rows.iter().map(|&i| y[i].clone()).collect::<Vec<L>>()),
    )?;
    let classes = classes_on_ranks(world, &local)?;
    Ok((x, classes))
}

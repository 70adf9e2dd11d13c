//! A vector saved as a plain JSON list of numbers (`[0.5, -1.25]`), which scripts can read and a
//! wrong count is caught by the model's own checks, instead of nalgebra's `[[…], rows, null]`.

use nalgebra::DVector;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes the vector's entries as a list.
pub(crate) fn serialize<S: Serializer>(v: &DVector<f64>, s: S) -> Result<S::Ok, S::Error> {
    v.as_slice().serialize(s)
}

/// Reads a list of numbers into a vector.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DVector<f64>, D::Error> {
    Ok(DVector::from_vec(Vec::<f64>::deserialize(d)?))
}

/// The same for an optional vector (`null` when absent).
pub(crate) mod option {
    use nalgebra::DVector;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the entries as a list, or `null`.
    pub(crate) fn serialize<S: Serializer>(
        v: &Option<DVector<f64>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|v| v.as_slice()).serialize(s)
    }

    /// Reads a list of numbers, or `null`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DVector<f64>>, D::Error> {
        Ok(Option::<Vec<f64>>::deserialize(d)?.map(DVector::from_vec))
    }
}

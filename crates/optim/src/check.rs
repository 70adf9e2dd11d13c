//! Parameter checks every solver makes the same way, naming the parameter that is out of range.

use crate::OptimError;

/// An `InvalidParameter` error for `name`.
pub(crate) fn invalid(
    name: &'static str,
    reason: &'static str,
    value: impl std::fmt::Display,
) -> OptimError {
    OptimError::InvalidParameter {
        name,
        reason,
        value: value.to_string(),
    }
}

/// `value` must be finite and strictly positive.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "a finite number > 0", value))
    }
}

/// `value` must be finite and non-negative.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "a finite number >= 0", value))
    }
}

/// `value` must be at least one.
pub(crate) fn at_least_one(name: &'static str, value: usize) -> Result<(), OptimError> {
    if value >= 1 {
        Ok(())
    } else {
        Err(invalid(name, "at least 1", value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_checks_reject_nan_and_out_of_range() {
        assert!(positive("a", f64::NAN).is_err());
        assert!(positive("a", 0.0).is_err());
        assert!(positive("a", f64::INFINITY).is_err());
        assert!(positive("a", 1e-300).is_ok());
        assert!(non_negative("b", -1e-300).is_err());
        assert!(non_negative("b", 0.0).is_ok());
        assert!(at_least_one("c", 0).is_err());
        assert_eq!(
            positive("learning_rate", -1.0),
            Err(OptimError::InvalidParameter {
                name: "learning_rate",
                reason: "a finite number > 0",
                value: "-1".into()
            })
        );
    }
}

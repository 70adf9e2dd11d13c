//! Binary cross-entropy computed from logits.

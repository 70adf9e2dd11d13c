//! Logistic regression estimators, metrics, data splits, statistical inference and persistence.

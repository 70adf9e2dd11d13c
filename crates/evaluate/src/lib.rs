//! Evaluation of binary classifiers: metrics, ROC curves, seeded splits and k-fold cross-validation.

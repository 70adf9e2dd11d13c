//! logreg: logistic regression from first principles.

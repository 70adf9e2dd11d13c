//! Dependency-free SVG charts for loss curves, decision boundaries and ROC curves.

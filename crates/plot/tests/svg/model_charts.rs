//! Charts of a fitted model: the ROC curve and decision boundaries.

use crate::common::{assert_valid_svg, elements, legend_texts, parse, polylines, svg_of, SVG_NS};
use logreg_plot::{decision_boundary_chart, roc_chart};

#[test]
fn roc_chart_has_curve_diagonal_and_auc() {
    let roc = [(0.0, 0.0), (0.1, 0.6), (0.3, 0.85), (0.6, 0.95), (1.0, 1.0)];
    let svg = svg_of(&roc_chart(&roc, 0.8725));
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    assert_eq!(legend_texts(&doc), ["chance", "ROC (AUC = 0.873)"]);
    let lines = polylines(&doc);
    assert_eq!(lines.len(), 2);
    let diagonal = &lines[0];
    assert_eq!(diagonal.len(), 2);
    assert!(diagonal[0].0 < diagonal[1].0 && diagonal[0].1 > diagonal[1].1);
    assert!(elements(&doc, "g").any(|g| g.attribute("stroke-dasharray").is_some()));
}

#[test]
fn decision_boundary_is_drawn_over_both_classes() {
    let neg = [(0.0, 0.0), (1.0, 0.5), (0.5, 1.0)];
    let pos = [(3.0, 3.0), (2.5, 3.5), (3.5, 2.5)];
    let svg = svg_of(&decision_boundary_chart(
        &neg,
        &pos,
        ["no", "yes"],
        [1.0, 1.0],
        -3.5,
    ));
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    assert_eq!(legend_texts(&doc), ["no", "yes", "decision boundary"]);
    let lines = polylines(&doc);
    assert_eq!(lines.len(), 1);
    // y = 3.5 - x falls to the right: the left end is higher (smaller pixel y).
    assert!(lines[0][0].1 < lines[0][1].1);
    // Drawn last, so it lies over the points.
    let last_group = elements(&doc, "g")
        .filter(|g| g.attribute("class").is_none())
        .last();
    assert!(last_group.is_some_and(|g| g.children().any(|c| c.has_tag_name((SVG_NS, "polyline")))));
}

#[test]
fn vertical_boundary_and_missing_boundary() {
    let neg = [(0.0, 0.0), (1.0, 2.0)];
    let pos = [(3.0, 1.0), (4.0, 3.0)];
    let svg = svg_of(&decision_boundary_chart(
        &neg,
        &pos,
        ["a", "b"],
        [2.0, 0.0],
        -4.0,
    ));
    let doc = parse(&svg);
    let line = &polylines(&doc)[0];
    assert_eq!(line[0].0, line[1].0, "x = 2 is vertical: {line:?}");
    assert_ne!(line[0].1, line[1].1);

    for (w, b) in [
        ([0.0, 0.0], 1.0),
        ([1.0, 0.0], -100.0),
        ([f64::NAN, 1.0], 0.0),
    ] {
        let svg = svg_of(&decision_boundary_chart(&neg, &pos, ["a", "b"], w, b));
        let doc = parse(&svg);
        assert!(polylines(&doc).is_empty(), "w = {w:?}, b = {b}");
        assert_eq!(legend_texts(&doc), ["a", "b"]);
    }
}

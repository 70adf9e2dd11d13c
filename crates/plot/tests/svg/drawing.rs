//! Lines, points and text: what the SVG holds for each series.

use crate::common::{
    all_texts, assert_valid_svg, elements, legend_texts, parse, polylines, svg_of,
};
use logreg_plot::{line_chart, Chart};

#[test]
fn line_chart_is_svg_with_polylines_and_a_legend() {
    let a: Vec<(f64, f64)> = (0..20)
        .map(|i| (i as f64, (i as f64 * 0.3).sin()))
        .collect();
    let b: Vec<(f64, f64)> = (0..20)
        .map(|i| (i as f64, (i as f64 * 0.3).cos()))
        .collect();
    let svg = svg_of(&line_chart("Waves", [("sine", &a[..]), ("cosine", &b[..])]).x_label("t"));
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("720"));
    assert_eq!(root.attribute("height"), Some("450"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 720 450"));
    let lines = polylines(&doc);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.len() == 20));
    assert_eq!(legend_texts(&doc), ["sine", "cosine"]);
    let texts = all_texts(&doc);
    assert!(texts.contains(&"Waves".to_string()) && texts.contains(&"t".to_string()));
    // Distinct colours for the two series.
    let strokes: Vec<&str> = elements(&doc, "polyline")
        .filter_map(|p| p.parent().and_then(|g| g.attribute("stroke")))
        .collect();
    assert_eq!(strokes.len(), 2);
    assert_ne!(strokes[0], strokes[1]);
}

#[test]
fn scatter_draws_one_circle_per_point() {
    let pts = [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (0.5, 0.5)];
    let svg = svg_of(&Chart::new("dots").scatter("points", &pts));
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    // Four data points plus the legend swatch.
    assert_eq!(elements(&doc, "circle").count(), 5);
    assert_eq!(legend_texts(&doc), ["points"]);
}

#[test]
fn markup_in_text_is_escaped() {
    let nasty = "a <b> & \"c\" 'd' </svg>";
    let chart = Chart::new(nasty)
        .x_label(nasty)
        .y_label(nasty)
        .line(nasty, &[(0.0, 0.0), (1.0, 1.0)])
        .scatter("control \u{1} char", &[(0.5, 0.5)]);
    let svg = svg_of(&chart);
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    let texts = all_texts(&doc);
    assert_eq!(texts.iter().filter(|t| *t == nasty).count(), 4, "{texts:?}");
    assert!(legend_texts(&doc).contains(&"control \u{fffd} char".to_string()));
}

#[test]
fn non_finite_points_are_skipped_and_break_the_line() {
    let pts = [
        (0.0, 1.0),
        (1.0, 2.0),
        (2.0, f64::NAN),
        (3.0, 1.5),
        (f64::INFINITY, 1.0),
        (4.0, 1.0),
        (5.0, f64::NEG_INFINITY),
        (6.0, 0.5),
        (7.0, 0.7),
    ];
    let svg = svg_of(&Chart::new("gaps").line("loss", &pts));
    assert_valid_svg(&svg);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    let doc = parse(&svg);
    let lines = polylines(&doc);
    // (0,1)-(1,2) and (6,0.5)-(7,0.7) are lines; (3,1.5) and (4,1) are isolated dots.
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.len() == 2));
    let dots = elements(&doc, "circle").count();
    assert_eq!(dots, 2);

    let scatter = svg_of(&Chart::new("").scatter("s", &[(f64::NAN, 1.0), (1.0, 1.0), (2.0, 3.0)]));
    assert_eq!(elements(&parse(&scatter), "circle").count(), 2 + 1);
}

#[test]
fn hundred_thousand_points_render_compactly() {
    let n = 100_000;
    let noisy: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            (
                i as f64,
                1.0 / (1.0 + i as f64 / 1000.0) + 0.05 * ((i * 7919) % 101) as f64 / 101.0,
            )
        })
        .collect();
    let svg = svg_of(&Chart::new("SGD loss").line("loss", &noisy));
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    let lines = polylines(&doc);
    assert_eq!(lines.len(), 1);
    // At most four points per pixel column of a ~600 px wide plot.
    assert!(lines[0].len() <= 4 * 720, "{} points", lines[0].len());
    // Pieces up to the threshold are drawn point for point.
    let undecimated = svg_of(&Chart::new("").line("l", &noisy[..4000]));
    assert_eq!(polylines(&parse(&undecimated))[0].len(), 4000);
}

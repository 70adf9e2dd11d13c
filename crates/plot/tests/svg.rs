//! The crate's public behaviour: what the SVG it writes contains, and what it refuses to draw.

use logreg_plot::{
    boundary_segment, decision_boundary_chart, line_chart, loss_chart, roc_chart, Axis, Chart,
    PlotError,
};
use proptest::prelude::*;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

fn parse(svg: &str) -> roxmltree::Document<'_> {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("not well-formed XML ({e}):\n{svg}"),
    }
}

fn elements<'a>(
    doc: &'a roxmltree::Document<'a>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'a>> + 'a {
    doc.descendants()
        .filter(move |n| n.has_tag_name((SVG_NS, name)))
}

/// Every text in the legend box, in order.
fn legend_texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("legend"))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name((SVG_NS, "text"))))
        .map(|t| t.text().unwrap_or("").to_string())
        .collect()
}

fn all_texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    elements(doc, "text")
        .map(|t| t.text().unwrap_or("").to_string())
        .collect()
}

/// The vertices of every polyline, in pixels.
fn polylines(doc: &roxmltree::Document<'_>) -> Vec<Vec<(f64, f64)>> {
    elements(doc, "polyline")
        .map(|p| {
            p.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').expect("x,y pair");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect()
        })
        .collect()
}

/// Checks that every numeric attribute is a finite number and the root is a proper SVG element.
fn assert_valid_svg(svg: &str) {
    let doc = parse(svg);
    let root = doc.root_element();
    assert!(root.has_tag_name((SVG_NS, "svg")));
    for attr in ["width", "height", "viewBox"] {
        assert!(root.attribute(attr).is_some(), "root lacks {attr}");
    }
    let numeric = [
        "x", "y", "cx", "cy", "r", "x1", "y1", "x2", "y2", "width", "height",
    ];
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            let values: Vec<&str> = if attr.name() == "points" {
                attr.value().split([' ', ',']).collect()
            } else if numeric.contains(&attr.name()) {
                vec![attr.value()]
            } else {
                continue;
            };
            for v in values {
                let parsed: f64 = v.parse().unwrap_or(f64::NAN);
                assert!(
                    parsed.is_finite(),
                    "{}={:?} is not a finite number",
                    attr.name(),
                    v
                );
            }
        }
    }
}

fn svg_of(chart: &Chart) -> String {
    match chart.to_svg() {
        Ok(svg) => svg,
        Err(e) => panic!("render failed: {e}"),
    }
}

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
fn series_without_drawable_points_is_an_error() {
    let chart = Chart::new("")
        .line("ok", &[(0.0, 1.0), (1.0, 2.0)])
        .line("diverged", &[(0.0, f64::NAN), (1.0, f64::INFINITY)]);
    match chart.to_svg() {
        Err(PlotError::EmptySeries { series }) => assert_eq!(series, "diverged"),
        other => panic!("expected EmptySeries, got {other:?}"),
    }
    assert!(matches!(
        Chart::new("").scatter("empty", &[]).to_svg(),
        Err(PlotError::EmptySeries { .. })
    ));
    let all_negative = Chart::new("")
        .log_y()
        .line("neg", &[(0.0, -1.0), (1.0, 0.0)]);
    assert!(matches!(
        all_negative.to_svg(),
        Err(PlotError::EmptySeries { .. })
    ));
}

#[test]
fn chart_without_data_is_an_error() {
    assert!(matches!(
        Chart::new("nothing").to_svg(),
        Err(PlotError::NoData)
    ));
    let only_boundary = Chart::new("").boundary("b", [1.0, 1.0], 0.0);
    assert!(matches!(only_boundary.to_svg(), Err(PlotError::NoData)));
}

#[test]
fn constant_series_renders_with_a_padded_range() {
    for value in [0.0, 5.0, -1e-300, 1e300, f64::MAX] {
        let pts: Vec<(f64, f64)> = (0..5).map(|i| (i as f64, value)).collect();
        let svg = svg_of(&Chart::new("flat").line("const", &pts));
        assert_valid_svg(&svg);
        let doc = parse(&svg);
        let line = &polylines(&doc)[0];
        assert!(line.iter().all(|p| p.1 == line[0].1));
    }
    let single = svg_of(&Chart::new("one").scatter("p", &[(3.0, 3.0)]));
    assert_valid_svg(&single);
}

#[test]
fn explicit_ranges_get_nice_tick_labels() {
    let svg = svg_of(
        &Chart::new("")
            .x_range(0.0, 1.0)
            .y_range(0.0, 37.0)
            .line("l", &[(0.0, 0.0), (1.0, 37.0)]),
    );
    let texts = all_texts(&parse(&svg));
    for label in ["0", "0.2", "0.4", "0.6", "0.8", "1.0"] {
        assert!(
            texts.contains(&label.to_string()),
            "missing {label} in {texts:?}"
        );
    }
    let ten = ["10", "20", "30"]
        .iter()
        .all(|l| texts.contains(&l.to_string()));
    let five = ["5", "15", "25", "35"]
        .iter()
        .all(|l| texts.contains(&l.to_string()));
    assert!(ten || five, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("0.30000")));
}

#[test]
fn data_outside_explicit_ranges_is_clipped() {
    let svg = svg_of(
        &Chart::new("")
            .size(400, 300)
            .x_range(0.0, 1.0)
            .y_range(0.0, 1.0)
            .line("long", &[(-5.0, 0.5), (5.0, 0.5)])
            .scatter("outside", &[(3.0, 3.0), (0.5, 0.5)]),
    );
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    let frame = elements(&doc, "rect")
        .find(|r| r.attribute("fill") == Some("none"))
        .expect("plot frame");
    let attr = |n: &str| {
        frame
            .attribute(n)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (left, width) = (attr("x"), attr("width"));
    let line = &polylines(&doc)[0];
    assert!((line[0].0 - left).abs() < 0.11 && (line[1].0 - (left + width)).abs() < 0.11);
    // One data circle (the other point is off-range) plus the legend swatch.
    assert_eq!(elements(&doc, "circle").count(), 2);
}

/// Found by `random_charts_never_panic_and_always_parse`: mapped to the plot area, y = f64::MAX
/// lies ~10^309 plot heights up, which overflowed to infinity and came out as `points="NaN"`.
#[test]
fn huge_coordinates_far_outside_the_view_are_clipped_not_nan() {
    let chart = Chart::new("")
        .x_range(0.0, 588.0)
        .y_range(0.0, 0.34)
        .line("in view", &[(0.0, 0.1), (588.0, 0.2)])
        .reference_line("ref", &[(0.0, f64::MAX), (1e300, 0.0)]);
    let svg = svg_of(&chart);
    assert_valid_svg(&svg);
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    // The reference line is y ≈ f64::MAX over the whole x range: nothing of it is in view.
    assert_eq!(polylines(&parse(&svg)).len(), 1);
    assert_eq!(legend_texts(&parse(&svg)), ["in view", "ref"]);

    // A line from far below to far above the view, through its middle, crosses it whole.
    let steep = Chart::new("")
        .x_range(-1.0, 1.0)
        .y_range(-1.0, 1.0)
        .line("steep", &[(-1e-300, -f64::MAX), (1e-300, f64::MAX)]);
    let svg = svg_of(&steep);
    assert_valid_svg(&svg);
    let line = &polylines(&parse(&svg))[0];
    assert_eq!(line.len(), 2, "{line:?}");
    assert_eq!(line[0].0, line[1].0, "vertical at x = 0: {line:?}");
    assert!(line[0].1 > line[1].1, "bottom to top: {line:?}");
}

#[test]
fn invalid_ranges_and_sizes_are_errors() {
    let base = Chart::new("").line("l", &[(1.0, 1.0), (2.0, 2.0)]);
    for (min, max) in [
        (1.0, 1.0),
        (2.0, 1.0),
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
    ] {
        match base.clone().x_range(min, max).to_svg() {
            Err(PlotError::InvalidRange { axis: Axis::X, .. }) => {}
            other => panic!("{min}..{max}: expected InvalidRange, got {other:?}"),
        }
    }
    let log_from_zero = base.clone().log_y().y_range(0.0, 10.0).to_svg();
    assert!(matches!(
        log_from_zero,
        Err(PlotError::InvalidRange { axis: Axis::Y, .. })
    ));
    assert!(matches!(
        base.clone().size(10, 10).to_svg(),
        Err(PlotError::TooSmall { .. })
    ));
    let long_names = base.line("a".repeat(500), &[(0.0, 0.0)]).size(240, 160);
    assert_valid_svg(&svg_of(&long_names));
}

#[test]
fn log_axis_skips_non_positive_values_and_labels_decades() {
    let history: Vec<f64> = (0..200).map(|i| 0.7 * (-0.05 * i as f64).exp()).collect();
    let mut with_zero = history.clone();
    with_zero[100] = 0.0;
    let svg = svg_of(&loss_chart(&with_zero).log_y());
    assert_valid_svg(&svg);
    let doc = parse(&svg);
    assert_eq!(polylines(&doc).len(), 2);
    let texts = all_texts(&doc);
    assert!(texts.contains(&"0.001".to_string()) && texts.contains(&"0.01".to_string()));
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

#[test]
fn save_writes_the_file_and_names_the_path_on_failure() {
    let chart = loss_chart(&[0.69, 0.5, 0.4]);
    let dir = std::env::temp_dir().join(format!("logreg-plot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("loss.svg");
    chart.save(&path).expect("save");
    let written = std::fs::read_to_string(&path).expect("read back");
    assert_valid_svg(&written);
    std::fs::remove_dir_all(&dir).ok();

    let missing = dir.join("no/such/dir/loss.svg");
    match chart.save(&missing) {
        Err(err @ PlotError::Io { .. }) => {
            assert!(err.to_string().contains("no/such/dir/loss.svg"), "{err}");
            assert!(std::error::Error::source(&err).is_some());
        }
        other => panic!("expected Io error, got {other:?}"),
    }
}

#[test]
fn save_replaces_whole_files_and_leaves_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("logreg-plot-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let path = dir.join("roc.svg");
    std::fs::write(&path, "old chart").expect("write");
    let chart = roc_chart(&[(0.0, 0.0), (0.2, 0.7), (1.0, 1.0)], 0.75);
    chart.save(&path).expect("save");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        svg_of(&chart)
    );
    assert_eq!(names(), ["roc.svg"]);

    // A directory in the way: the rename fails, the error names the path, nothing is left over.
    let blocked = dir.join("blocked.svg");
    std::fs::create_dir(&blocked).expect("mkdir");
    std::fs::write(blocked.join("inside"), "kept").expect("write");
    match chart.save(&blocked) {
        Err(err @ PlotError::Io { .. }) => {
            assert!(err.to_string().contains("blocked.svg"), "{err}")
        }
        other => panic!("expected Io error, got {other:?}"),
    }
    assert_eq!(names(), ["blocked.svg", "roc.svg"]);
    assert_eq!(
        std::fs::read_to_string(blocked.join("inside")).expect("read"),
        "kept"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn relative_residual(w: [f64; 2], b: f64, p: (f64, f64)) -> f64 {
    let terms = [w[0] * p.0, w[1] * p.1, b];
    let sum: f64 = terms.iter().sum();
    let scale: f64 = terms
        .iter()
        .map(|t| t.abs())
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    sum.abs() / scale
}

fn point() -> impl Strategy<Value = (f64, f64)> + Clone {
    let coord = prop_oneof![
        8 => -1e3..1e3f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => prop::num::f64::ANY,
        1 => prop::sample::select(vec![f64::MAX, -f64::MAX, 5e-324, -1e-300, 1e300]),
    ];
    (coord.clone(), coord)
}

#[derive(Debug, Clone)]
enum Layer {
    Line(String, Vec<(f64, f64)>),
    Scatter(String, Vec<(f64, f64)>),
    Reference(String, Vec<(f64, f64)>),
    Boundary(String, [f64; 2], f64),
}

fn layer() -> impl Strategy<Value = Layer> {
    let name = prop_oneof![Just(String::new()), "[a-z<>&\"' ]{1,12}", any::<String>()];
    let points = prop::collection::vec(point(), 0..40);
    prop_oneof![
        (name.clone(), points.clone()).prop_map(|(n, p)| Layer::Line(n, p)),
        (name.clone(), points.clone()).prop_map(|(n, p)| Layer::Scatter(n, p)),
        (name.clone(), points).prop_map(|(n, p)| Layer::Reference(n, p)),
        (name, point(), point()).prop_map(|(n, w, b)| Layer::Boundary(n, [w.0, w.1], b.0)),
    ]
}

fn range() -> impl Strategy<Value = Option<(f64, f64)>> {
    prop_oneof![3 => Just(None), 1 => (point()).prop_map(Some), 1 => (-10.0..10.0f64, 0.0..10.0f64).prop_map(|(a, d)| Some((a, a + d)))]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::with_failure_persistence(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions")) })]

    #[test]
    fn random_charts_never_panic_and_always_parse(
        layers in prop::collection::vec(layer(), 1..5),
        log_y in any::<bool>(),
        x_range in range(),
        y_range in range(),
        size in prop_oneof![3 => Just((720u32, 450u32)), 1 => (0u32..1500, 0u32..1000)],
    ) {
        let mut chart = Chart::new("random <chart> & more").x_label("x").y_label("y").size(size.0, size.1);
        if log_y {
            chart = chart.log_y();
        }
        if let Some((a, b)) = x_range {
            chart = chart.x_range(a, b);
        }
        if let Some((a, b)) = y_range {
            chart = chart.y_range(a, b);
        }
        for l in &layers {
            chart = match l {
                Layer::Line(n, p) => chart.line(n.as_str(), p),
                Layer::Scatter(n, p) => chart.scatter(n.as_str(), p),
                Layer::Reference(n, p) => chart.reference_line(n.as_str(), p),
                Layer::Boundary(n, w, b) => chart.boundary(n.as_str(), *w, *b),
            };
        }
        match chart.to_svg() {
            Ok(svg) => {
                assert_valid_svg(&svg);
                let doc = parse(&svg);
                let legend = legend_texts(&doc);
                for l in &layers {
                    if let Layer::Line(n, _) | Layer::Scatter(n, _) | Layer::Reference(n, _) = l {
                        if !n.is_empty() {
                            let shown = n.chars().map(|c| if (c as u32) < 0x20 && !"\t\n\r".contains(c) || c == '\u{fffe}' || c == '\u{ffff}' { '\u{fffd}' } else { c }).collect::<String>();
                            // XML normalises line ends in text, so compare without them.
                            let norm = |s: &str| s.replace(['\r', '\n'], "");
                            prop_assert!(legend.iter().any(|t| norm(t) == norm(&shown)), "{:?} not in legend {:?}", n, legend);
                        }
                    }
                }
            }
            Err(e) => {
                // Errors are ordinary values with a message, never a panic.
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn boundary_endpoints_lie_on_the_line_and_in_the_box(
        w0 in -100.0..100.0f64,
        w1 in -100.0..100.0f64,
        b in -100.0..100.0f64,
        x0 in -50.0..50.0f64,
        dx in 0.01..100.0f64,
        y0 in -50.0..50.0f64,
        dy in 0.01..100.0f64,
        zero in 0usize..3,
    ) {
        let w = match zero { 0 => [0.0, w1], 1 => [w0, 0.0], _ => [w0, w1] };
        let (xr, yr) = ((x0, x0 + dx), (y0, y0 + dy));
        if let Some([p, q]) = boundary_segment(w, b, xr, yr) {
            for pt in [p, q] {
                prop_assert!(relative_residual(w, b, pt) < 1e-9, "{pt:?} off the line");
                prop_assert!(pt.0 >= xr.0 && pt.0 <= xr.1 && pt.1 >= yr.0 && pt.1 <= yr.1, "{pt:?} outside");
            }
            prop_assert!(p != q);
        } else {
            // No segment: the line must not pass through the box's interior. Check the centre
            // and the corners all lie on one side (or on the line).
            let f = |x: f64, y: f64| w[0] * x + w[1] * y + b;
            let corners = [f(xr.0, yr.0), f(xr.1, yr.0), f(xr.0, yr.1), f(xr.1, yr.1)];
            let scale = corners.iter().fold(0.0f64, |m, c| m.max(c.abs())).max(1.0);
            let pos = corners.iter().any(|&c| c > 1e-9 * scale);
            let neg = corners.iter().any(|&c| c < -1e-9 * scale);
            prop_assert!(!(pos && neg), "line crosses the box but no segment: {corners:?}");
        }
    }
}

//! Ranges, tick labels, clipping and logarithmic axes.

use crate::common::{
    all_texts, assert_valid_svg, elements, legend_texts, parse, polylines, svg_of,
};
use logreg_plot::{loss_chart, Chart};

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

//! Random charts: they never panic, always parse, and boundaries lie on their line.

use crate::common::{assert_valid_svg, legend_texts, parse};
use logreg_plot::{boundary_segment, Chart};
use proptest::prelude::*;

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

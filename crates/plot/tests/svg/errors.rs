//! What a chart refuses to draw: series without drawable points, no data, invalid ranges
//! and sizes.

use crate::common::{assert_valid_svg, svg_of};
use logreg_plot::{Axis, Chart, PlotError};

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

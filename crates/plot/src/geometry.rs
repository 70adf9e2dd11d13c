//! Plane geometry the renderer needs: where a line crosses a rectangle, clipping a segment to a
//! rectangle, and thinning a long polyline without changing what it looks like.

/// The segment of the line `w[0]·x + w[1]·y + b = 0` inside the rectangle `x_range × y_range`.
///
/// Returns `None` when the line misses the rectangle (or only touches a corner), when
/// `w = [0, 0]` (no line at all), or when any input is non-finite or a range is empty. A line with
/// `w[1] = 0` is vertical, one with `w[0] = 0` horizontal. Both endpoints lie on the rectangle's
/// border and satisfy the line's equation up to rounding.
///
/// ```
/// // x + y - 1 = 0 across the unit square runs from (0, 1) to (1, 0).
/// let [p, q] = logreg_plot::boundary_segment([1.0, 1.0], -1.0, (0.0, 1.0), (0.0, 1.0)).unwrap();
/// assert_eq!((p, q), ((0.0, 1.0), (1.0, 0.0)));
/// ```
pub fn boundary_segment(
    w: [f64; 2],
    b: f64,
    x_range: (f64, f64),
    y_range: (f64, f64),
) -> Option<[(f64, f64); 2]> {
    let (x0, x1) = x_range;
    let (y0, y1) = y_range;
    let all_finite = [w[0], w[1], b, x0, x1, y0, y1]
        .iter()
        .all(|v| v.is_finite());
    if !all_finite || x0 > x1 || y0 > y1 {
        return None;
    }
    // The line is the same after scaling its coefficients; scaling to at most 1 keeps the
    // products below from overflowing.
    if w[0] == 0.0 && w[1] == 0.0 {
        return None;
    }
    let s = w[0].abs().max(w[1].abs()).max(b.abs());
    let (a, c, b) = (w[0] / s, w[1] / s, b / s);
    // A crossing computed a rounding error outside an edge still counts, clamped onto it.
    let tol_x = (x1 - x0).max(x0.abs().max(x1.abs()) * 1e-300) * 1e-9;
    let tol_y = (y1 - y0).max(y0.abs().max(y1.abs()) * 1e-300) * 1e-9;
    let mut hits: Vec<(f64, f64)> = Vec::with_capacity(4);
    if c != 0.0 {
        for x in [x0, x1] {
            let y = -(a * x + b) / c;
            if y.is_finite() && y >= y0 - tol_y && y <= y1 + tol_y {
                hits.push((x, y.clamp(y0, y1)));
            }
        }
    }
    if a != 0.0 {
        for y in [y0, y1] {
            let x = -(c * y + b) / a;
            if x.is_finite() && x >= x0 - tol_x && x <= x1 + tol_x {
                hits.push((x.clamp(x0, x1), y));
            }
        }
    }
    // Of the (up to four, with corners found twice) crossings, the two farthest apart.
    let mut best: Option<([(f64, f64); 2], f64)> = None;
    for (i, &p) in hits.iter().enumerate() {
        for &q in &hits[i + 1..] {
            // Distance in units of the rectangle, so that neither axis's scale dominates.
            let dx = (q.0 - p.0) / (x1 - x0).max(f64::MIN_POSITIVE);
            let dy = (q.1 - p.1) / (y1 - y0).max(f64::MIN_POSITIVE);
            let d = dx * dx + dy * dy;
            let farther = match best {
                Some((_, bd)) => d > bd,
                None => true,
            };
            if d > 1e-18 && farther {
                best = Some(([p, q], d));
            }
        }
    }
    best.map(|(seg, _)| {
        let [p, q] = seg;
        // A stable order (left to right, then bottom to top) makes output reproducible.
        if (q.0, q.1) < (p.0, p.1) {
            [q, p]
        } else {
            [p, q]
        }
    })
}

/// The part of the segment `p → q` inside the rectangle `x × y` (Liang–Barsky), or `None`.
///
/// Works in data space on halved differences, so endpoints anywhere in f64's range (`f64::MAX`
/// far outside a view a few units wide) neither overflow to infinity nor turn into NaN. An end
/// cut off at an edge lies exactly on that edge; an end inside is returned unchanged.
pub(crate) fn clip(
    p: (f64, f64),
    q: (f64, f64),
    x: (f64, f64),
    y: (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    debug_assert!(
        x.0 <= x.1 && y.0 <= y.1,
        "empty clip rectangle {x:?} × {y:?}"
    );
    let (dx, dy) = (half_diff(p.0, q.0), half_diff(p.1, q.1));
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let (mut enter, mut leave) = (None, None);
    // Each (direction, distance to the edge, edge) for the four half-planes, all halved; both
    // are finite, so `t` is finite or ±∞, never NaN.
    for (dir, dist, edge) in [
        (-dx, half_diff(x.0, p.0), Edge::X(x.0)),
        (dx, half_diff(p.0, x.1), Edge::X(x.1)),
        (-dy, half_diff(y.0, p.1), Edge::Y(y.0)),
        (dy, half_diff(p.1, y.1), Edge::Y(y.1)),
    ] {
        if dir == 0.0 {
            if dist < 0.0 {
                return None;
            }
        } else {
            let t = dist / dir;
            if dir < 0.0 && t > t0 {
                (t0, enter) = (t, Some(edge));
            } else if dir > 0.0 && t < t1 {
                (t1, leave) = (t, Some(edge));
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64, edge: Option<Edge>| {
        let Some(edge) = edge else {
            // Not cut: the end itself, bit for bit, so consecutive segments still join.
            return if t == 0.0 { p } else { q };
        };
        let point = (
            lerp(p.0, q.0, t).clamp(x.0, x.1),
            lerp(p.1, q.1, t).clamp(y.0, y.1),
        );
        match edge {
            Edge::X(e) => (e, point.1),
            Edge::Y(e) => (point.0, e),
        }
    };
    Some((at(t0, enter), at(t1, leave)))
}

/// An edge of the clip rectangle: the vertical line `x = e` or the horizontal line `y = e`.
#[derive(Debug, Clone, Copy)]
enum Edge {
    X(f64),
    Y(f64),
}

/// `(b - a) / 2`, finite for any finite `a` and `b` (where `b - a` itself may overflow).
fn half_diff(a: f64, b: f64) -> f64 {
    b * 0.5 - a * 0.5
}

/// `a + t·(b - a)` for `t` in `0..=1`, without the overflow of `b - a`: the sum is formed at half
/// scale, where neither term nor the result can exceed `f64::MAX / 2`.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    (a * 0.5 + t * half_diff(a, b)) * 2.0
}

/// Thins a polyline of pixel coordinates to at most four points per pixel column run (first,
/// lowest, highest, last — the "M4" rule), which draws the same picture as the full line.
///
/// Works for any order of points: a new run starts whenever the column changes.
pub(crate) fn decimate(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let column = points[i].0.floor();
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && points[j].0.floor() == column {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = None;
        for k in keep {
            if last != Some(k) {
                out.push(points[k]);
                last = Some(k);
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: (f64, f64) = (0.0, 1.0);

    fn clip_unit(p: (f64, f64), q: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        clip(p, q, UNIT, UNIT)
    }

    #[test]
    fn clip_keeps_inside_and_cuts_crossing_segments() {
        assert_eq!(
            clip_unit((0.2, 0.2), (0.8, 0.5)),
            Some(((0.2, 0.2), (0.8, 0.5)))
        );
        let (a, b) = clip_unit((-1.0, 0.5), (2.0, 0.5)).unwrap();
        assert_eq!((a, b), ((0.0, 0.5), (1.0, 0.5)));
        assert_eq!(clip_unit((2.0, 2.0), (3.0, 5.0)), None);
        assert_eq!(clip_unit((-1.0, 0.5), (0.5, 2.0)), None);
        let (a, b) = clip_unit((0.5, 0.5), (0.5, 0.5)).unwrap();
        assert_eq!((a, b), ((0.5, 0.5), (0.5, 0.5)));
    }

    #[test]
    fn clip_is_finite_for_ends_anywhere_in_f64() {
        // The proptest case: y = f64::MAX at the left edge, falling to 0 only at x = 1e300.
        let (x, y) = ((0.0, 588.0), (0.0, 0.34));
        assert_eq!(clip((0.0, f64::MAX), (1e300, 0.0), x, y), None);
        // Steep, through the middle of a small view: cut exactly at its bottom and top.
        let (a, b) = clip(
            (-1e-300, -f64::MAX),
            (1e-300, f64::MAX),
            (-1.0, 1.0),
            (-1.0, 1.0),
        )
        .unwrap();
        assert_eq!((a, b), ((0.0, -1.0), (0.0, 1.0)));
        // A view near the top of f64's range, the segment's far end beyond it.
        let big = (1e308, 1.5e308);
        let (a, b) = clip((1.2e308, 1.2e308), (-f64::MAX, 1.2e308), big, big).unwrap();
        assert_eq!((a, b), ((1.2e308, 1.2e308), (1e308, 1.2e308)));
        // Where the view is ~10^-308 of the segment's length, where the cut falls is at the
        // mercy of rounding; what matters is that it is finite and in the view.
        let view = (-1.0, 1.0);
        for (p, q) in [
            ((-f64::MAX, -f64::MAX), (f64::MAX, f64::MAX)),
            ((f64::MAX, -f64::MAX), (-f64::MAX, f64::MAX)),
            ((-f64::MAX, 0.5), (f64::MAX, 0.5)),
            ((-f64::MAX, 1e-300), (f64::MAX, -1e-300)),
        ] {
            let (a, b) =
                clip(p, q, view, view).unwrap_or_else(|| panic!("{p:?} → {q:?} crosses the view"));
            for c in [a, b] {
                assert!(
                    view.0 <= c.0 && c.0 <= view.1 && view.0 <= c.1 && c.1 <= view.1,
                    "{p:?} → {q:?}: {c:?}"
                );
            }
        }
    }

    #[test]
    fn vertical_and_horizontal_boundaries() {
        // w1 = 0: the line 2x - 1 = 0 is x = 0.5.
        let [p, q] = boundary_segment([2.0, 0.0], -1.0, (0.0, 1.0), (-3.0, 3.0)).unwrap();
        assert_eq!((p, q), ((0.5, -3.0), (0.5, 3.0)));
        // w0 = 0: y = 2.
        let [p, q] = boundary_segment([0.0, 1.0], -2.0, (-1.0, 4.0), (0.0, 5.0)).unwrap();
        assert_eq!((p, q), ((-1.0, 2.0), (4.0, 2.0)));
    }

    #[test]
    fn no_boundary_when_w_is_zero_or_line_misses() {
        assert!(boundary_segment([0.0, 0.0], 1.0, (0.0, 1.0), (0.0, 1.0)).is_none());
        assert!(boundary_segment([0.0, 0.0], 0.0, (0.0, 1.0), (0.0, 1.0)).is_none());
        assert!(boundary_segment([1.0, 1.0], -10.0, (0.0, 1.0), (0.0, 1.0)).is_none());
        assert!(boundary_segment([f64::NAN, 1.0], 0.0, (0.0, 1.0), (0.0, 1.0)).is_none());
        // Touching only the corner (1, 1) is not a segment.
        assert!(boundary_segment([1.0, 1.0], -2.0, (0.0, 1.0), (0.0, 1.0)).is_none());
    }

    #[test]
    fn diagonal_through_corners() {
        let [p, q] = boundary_segment([1.0, -1.0], 0.0, (0.0, 1.0), (0.0, 1.0)).unwrap();
        assert_eq!((p, q), ((0.0, 0.0), (1.0, 1.0)));
    }

    #[test]
    fn decimation_keeps_extremes_and_ends() {
        // 10 000 points zig-zagging inside 10 pixel columns.
        let pts: Vec<(f64, f64)> = (0..10_000)
            .map(|i| {
                (
                    i as f64 / 1000.0,
                    if i % 2 == 0 { 0.0 } else { 1.0 + i as f64 },
                )
            })
            .collect();
        let d = decimate(&pts);
        assert!(d.len() <= 40, "{}", d.len());
        assert_eq!(d.first(), pts.first());
        assert_eq!(d.last(), pts.last());
        let max = d.iter().fold(f64::MIN, |m, p| m.max(p.1));
        assert_eq!(max, pts.iter().fold(f64::MIN, |m, p| m.max(p.1)));
    }
}

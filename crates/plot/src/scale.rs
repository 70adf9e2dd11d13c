//! Axis scales: from data values to the unit interval, and the "nice" ticks that label them.
//!
//! Everything here works in *transformed* space: the raw value on a linear axis, `log10(value)` on
//! a logarithmic one. Arithmetic is done on halves (`hi / 2 - lo / 2`) so that a range spanning
//! `-f64::MAX..f64::MAX` never overflows to infinity.

/// Smallest relative width a range may have: narrower ranges cannot be labelled with
/// distinguishable ticks, so they are treated as a single value.
const MIN_RELATIVE_SPAN: f64 = 1e-10;
/// Smallest absolute half-width; below it the divisions in [`Scale::unit`] would lose all precision.
const MIN_HALF_SPAN: f64 = 1e-290;
/// Fraction of the data range added on each side of an automatic range, so that points on the
/// extremes are not drawn on top of the axes.
const PAD_FRACTION: f64 = 0.04;

/// A finite, non-degenerate interval of transformed values that maps onto `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) log: bool,
}

impl Scale {
    /// The scale over `lo..=hi` if that interval is wide enough to draw, else `None`.
    pub(crate) fn new(lo: f64, hi: f64, log: bool) -> Option<Scale> {
        usable(lo, hi).then_some(Scale { lo, hi, log })
    }

    /// An automatic scale around the data extremes `min..=max` (transformed values), padded
    /// on both sides; a single value (or a range too narrow to label) is widened around it.
    pub(crate) fn around(min: f64, max: f64, log: bool) -> Option<Scale> {
        if !(min.is_finite() && max.is_finite()) || min > max {
            return None;
        }
        let half = max * 0.5 - min * 0.5;
        let (lo, hi) = if usable(min, max) {
            let pad = half * (2.0 * PAD_FRACTION);
            (min - pad, max + pad)
        } else {
            let mid = min * 0.5 + max * 0.5;
            let mut d = mid.abs() * 0.1;
            if log || d < 1e-200 {
                // On a log axis one decade either side; near zero a unit either side.
                d = if log { 0.5 } else { 1.0 };
            }
            (mid - d, mid + d)
        };
        Scale::new(clamp_finite(lo), clamp_finite(hi), log)
    }

    /// Position of the transformed value `v` on the unit interval (outside `0..=1` if off-scale).
    pub(crate) fn unit(&self, v: f64) -> f64 {
        (v * 0.5 - self.lo * 0.5) / (self.hi * 0.5 - self.lo * 0.5)
    }

    /// Maps a raw data value into this scale's transformed space (`None` if not drawable).
    pub(crate) fn transform(&self, v: f64) -> Option<f64> {
        transform(v, self.log)
    }

    /// The raw data value at the transformed value `v`.
    pub(crate) fn untransform(&self, v: f64) -> f64 {
        if self.log {
            clamp_finite(10f64.powf(v))
        } else {
            v
        }
    }

    /// About `target` labelled ticks inside the scale, at 1-2-5 steps (decades on a log axis).
    pub(crate) fn ticks(&self, target: usize) -> Vec<Tick> {
        if self.log {
            log_ticks(self.lo, self.hi, target)
        } else {
            linear_ticks(self.lo, self.hi, target)
        }
    }
}

/// The transformed value of a raw data value: itself, or its `log10` on a log axis;
/// `None` for non-finite values and for non-positive values on a log axis.
pub(crate) fn transform(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() {
        None
    } else if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

/// One labelled tick: where it sits (transformed value) and what it says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub(crate) at: f64,
    pub(crate) label: String,
}

fn usable(lo: f64, hi: f64) -> bool {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return false;
    }
    let half = hi * 0.5 - lo * 0.5;
    half >= MIN_HALF_SPAN && half >= lo.abs().max(hi.abs()) * MIN_RELATIVE_SPAN
}

fn clamp_finite(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(-f64::MAX, f64::MAX)
    }
}

/// `10^k` computed so that negative powers are as exact as the positive ones.
fn pow10(k: i32) -> f64 {
    if k >= 0 {
        10f64.powi(k)
    } else {
        1.0 / 10f64.powi(-k)
    }
}

/// A 1-2-5 step near `rough`, as `(mantissa, exponent)` with the step `mantissa · 10^exponent`.
fn nice_step(rough: f64) -> Option<(f64, i32)> {
    if !(rough.is_finite() && rough > 0.0) {
        return None;
    }
    // `rough` is bounded well inside f64's range here, so the exponent fits comfortably in i32.
    let mut k = rough.log10().floor() as i32;
    let f = rough / pow10(k);
    let m = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        k += 1;
        1.0
    };
    Some((m, k))
}

/// Ticks at multiples of a 1-2-5 step inside `lo..=hi`, about `target` of them (at least two
/// when the range allows), labelled with as few digits as the step needs.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    let Some(scale) = Scale::new(lo, hi, false) else {
        return Vec::new();
    };
    let target = target.max(2);
    let half = scale.hi * 0.5 - scale.lo * 0.5;
    let Some((m, k)) = nice_step(half / target as f64 * 2.0) else {
        return Vec::new();
    };
    let step = m * pow10(k);
    if !(step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    // Tolerate rounding at the ends so that 0..1 by 0.2 includes 1.0.
    let first = (lo / step - 1e-9).ceil();
    let last = (hi / step + 1e-9).floor();
    if !(first.is_finite() && last.is_finite()) || last < first || last - first > 100.0 {
        return Vec::new();
    }
    let values: Vec<f64> = (0..=(last - first) as usize)
        // `+ 0.0` turns -0.0 into 0.0 so no label reads "-0".
        .map(|i| (first + i as f64) * step + 0.0)
        .filter(|t| t.is_finite())
        .collect();
    let max_abs = values.iter().fold(0.0f64, |a, t| a.max(t.abs()));
    values
        .into_iter()
        .map(|t| (t, format_tick(t, k, max_abs)))
        .collect()
}

/// Formats `t`, a multiple of a step `m · 10^k`, compactly: fixed-point with just the decimals the
/// step needs for moderate magnitudes, otherwise scientific (`2.5e-7`, `1e12`).
fn format_tick(t: f64, k: i32, max_abs: f64) -> String {
    if t == 0.0 {
        return "0".to_string();
    }
    if k >= -4 && max_abs < 1e7 {
        let decimals = (-k).max(0) as usize;
        return format!("{t:.decimals$}");
    }
    // Digits after the mantissa's point: enough to tell neighbouring ticks apart.
    let e = t.abs().log10().floor() as i32;
    let digits = (e - k).clamp(0, 16) as usize;
    let s = format!("{t:.digits$e}");
    trim_mantissa(&s)
}

/// `"2.50e-7"` → `"2.5e-7"`, `"1.0e3"` → `"1e3"`.
fn trim_mantissa(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exp}")
        }
        _ => s.to_string(),
    }
}

fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    nice_ticks(lo, hi, target)
        .into_iter()
        .map(|(at, label)| Tick { at, label })
        .collect()
}

/// Ticks for a log axis spanning `lo..=hi` decades: powers of ten when at least three fit
/// (thinned to about `target`), else 1-2-5 multiples of powers of ten, else linear ticks.
fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    let target = target.max(2);
    let (kmin, kmax) = (lo.ceil(), hi.floor());
    if kmax - kmin >= 2.0 {
        let count = kmax - kmin + 1.0;
        let stride = (count / target as f64).ceil().max(1.0);
        let first = (kmin / stride).ceil() * stride;
        return (0..)
            .map(|i| first + i as f64 * stride)
            .take_while(|&k| k <= kmax)
            .take(200)
            .map(|k| Tick {
                at: k,
                label: log_label(1, k as i32),
            })
            .collect();
    }
    // Fewer than three decades: at most about ten 1-2-5 ticks.
    let mut ticks = Vec::new();
    for k in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for m in [1u8, 2, 5] {
            let at = f64::from(m).log10() + f64::from(k);
            if at >= lo - 1e-12 && at <= hi + 1e-12 {
                ticks.push(Tick {
                    at,
                    label: log_label(m, k),
                });
            }
        }
    }
    if ticks.len() >= 2 {
        return ticks;
    }
    let (vlo, vhi) = (10f64.powf(lo), 10f64.powf(hi));
    nice_ticks(vlo, vhi, target)
        .into_iter()
        .filter(|(t, _)| *t > 0.0)
        .map(|(t, label)| Tick {
            at: t.log10(),
            label,
        })
        .collect()
}

/// Label of `m · 10^k`: plain digits for moderate magnitudes, else `me k` (`1e-7`, `5e12`).
fn log_label(m: u8, k: i32) -> String {
    if (-4..7).contains(&k) {
        let decimals = (-k).max(0) as usize;
        format!("{:.decimals$}", f64::from(m) * pow10(k))
    } else {
        format!("{m}e{k}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(lo: f64, hi: f64, target: usize) -> Vec<f64> {
        nice_ticks(lo, hi, target)
            .into_iter()
            .map(|t| t.0)
            .collect()
    }

    fn labels(lo: f64, hi: f64, target: usize) -> Vec<String> {
        nice_ticks(lo, hi, target)
            .into_iter()
            .map(|t| t.1)
            .collect()
    }

    #[test]
    fn unit_interval_ticks_by_fifths() {
        let v = values(0.0, 1.0, 5);
        assert_eq!(v.len(), 6);
        for (i, t) in v.iter().enumerate() {
            assert!((t - 0.2 * i as f64).abs() < 1e-12, "{v:?}");
        }
        assert_eq!(
            labels(0.0, 1.0, 5),
            ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
    }

    #[test]
    fn zero_to_37_steps_by_5_or_10() {
        for target in [4, 5, 6, 8] {
            let v = values(0.0, 37.0, target);
            let step = v[1] - v[0];
            assert!(step == 5.0 || step == 10.0, "target {target}: {v:?}");
            assert_eq!(v[0], 0.0);
            assert!(*v.last().unwrap() <= 37.0);
        }
    }

    #[test]
    fn steps_are_1_2_5_times_a_power_of_ten() {
        let ranges = [
            (0.0, 1e-6),
            (-3.7, 12.1),
            (1e5, 3e9),
            (-1e300, 1e300),
            (0.001, 0.0013),
        ];
        for (lo, hi) in ranges {
            let v = values(lo, hi, 5);
            assert!(v.len() >= 2, "{lo}..{hi}: {v:?}");
            let step = v[1] - v[0];
            let m = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0, 10.0].iter().any(|n| (m - n).abs() < 1e-6),
                "{lo}..{hi}: step {step}"
            );
            assert!(v
                .iter()
                .all(|t| *t >= lo - 1e-9 * step && *t <= hi + 1e-9 * step));
            assert!(v.len() <= 13, "{lo}..{hi}: {v:?}");
        }
    }

    #[test]
    fn labels_are_compact() {
        assert_eq!(labels(0.0, 37.0, 5), ["0", "10", "20", "30"]);
        assert_eq!(labels(-1.0, 1.0, 4), ["-1.0", "-0.5", "0", "0.5", "1.0"]);
        assert_eq!(labels(0.0, 4e-7, 4), ["0", "1e-7", "2e-7", "3e-7", "4e-7"]);
        assert_eq!(labels(0.0, 3e9, 3), ["0", "1e9", "2e9", "3e9"]);
        let l = labels(0.0, 2.5e-6, 5);
        assert_eq!(l[1], "5e-7");
        assert!(l.iter().all(|s| s.len() <= 7), "{l:?}");
    }

    #[test]
    fn degenerate_ranges_give_no_ticks() {
        assert!(nice_ticks(1.0, 1.0, 5).is_empty());
        assert!(nice_ticks(2.0, 1.0, 5).is_empty());
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert!(nice_ticks(0.0, f64::INFINITY, 5).is_empty());
        assert!(nice_ticks(0.0, 5e-324, 5).is_empty());
    }

    #[test]
    fn automatic_scale_pads_and_widens() {
        let s = Scale::around(0.0, 1.0, false).unwrap();
        assert!(s.lo < 0.0 && s.hi > 1.0 && s.lo > -0.1 && s.hi < 1.1);
        let c = Scale::around(3.0, 3.0, false).unwrap();
        assert!(c.lo < 3.0 && c.hi > 3.0);
        let z = Scale::around(0.0, 0.0, false).unwrap();
        assert_eq!((z.lo, z.hi), (-1.0, 1.0));
        let huge = Scale::around(-f64::MAX, f64::MAX, false).unwrap();
        assert!(huge.unit(0.0).is_finite() && (huge.unit(0.0) - 0.5).abs() < 1e-12);
        let big = Scale::around(f64::MAX, f64::MAX, false).unwrap();
        assert!(big.hi.is_finite() && big.lo < big.hi);
        assert!(Scale::around(f64::NAN, 1.0, false).is_none());
    }

    #[test]
    fn unit_maps_range_onto_unit_interval() {
        let s = Scale::new(-2.0, 6.0, false).unwrap();
        assert_eq!(s.unit(-2.0), 0.0);
        assert_eq!(s.unit(6.0), 1.0);
        assert_eq!(s.unit(2.0), 0.5);
    }

    #[test]
    fn log_ticks_are_decades_or_1_2_5() {
        let t = log_ticks(-3.2, 0.5, 6);
        let l: Vec<_> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(l, ["0.001", "0.01", "0.1", "1"]);
        let wide = log_ticks(-300.0, 300.0, 6);
        assert!(wide.len() >= 2 && wide.len() <= 8, "{wide:?}");
        assert!(
            wide.iter().all(|t| t.label == "1" || t.label.contains('e')),
            "{wide:?}"
        );
        let narrow: Vec<_> = log_ticks(-0.9, -0.1, 5)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(narrow, ["0.2", "0.5"]);
        let two_decades: Vec<_> = log_ticks(-2.4, -0.2, 5)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(
            two_decades,
            ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5"]
        );
        let tiny = log_ticks(0.1, 0.2, 5);
        assert!(tiny.len() >= 2, "{tiny:?}");
        assert!(tiny
            .iter()
            .all(|t| t.at >= 0.1 - 1e-9 && t.at <= 0.2 + 1e-9));
    }
}

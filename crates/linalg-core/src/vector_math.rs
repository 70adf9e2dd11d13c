//! Branch-free `exp` and `ln(1 + x)` on the ranges the log loss needs, so that a loop over a slice of
//! logits compiles to SIMD instructions instead of one libm call per element.
//!
//! Both follow fdlibm (`e_exp.c`, `s_log1p.c`): the same range reduction, the same minimax
//! polynomials and the same correction terms, with the branches replaced by selects. Each is
//! within 1 ulp of the correctly rounded result (the tests compare them with `std` over tens of
//! millions of points and at the edges). There is no fused multiply-add anywhere, so the result is
//! the same bit pattern whatever instructions the compiler picks.

// fdlibm's constants digit for digit, so they can be checked against its source; each literal
// rounds to the f64 fdlibm means.
#![allow(clippy::excessive_precision)]

/// 1.5·2⁵²: adding and subtracting it rounds an f64 below 2⁵¹ in magnitude to an integer.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
/// 2⁵², whose bit pattern holds a small non-negative integer in its low mantissa bits.
const TWO_52: f64 = 4_503_599_627_370_496.0;
/// 2⁻⁵⁴, the second half of the scaling in `exp_nonpositive`.
const TWO_MINUS_54: f64 = 5.551_115_123_125_783e-17;
/// ln 2 split so that `k · LN2_HI` is exact for |k| < 2²¹ (fdlibm's ln2HI / ln2LO).
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// Below this, e^x rounds to 0 (e^−746 < 2⁻¹⁰⁷⁵, half the smallest subnormal).
const EXP_ZERO_BELOW: f64 = -746.0;

// fdlibm's polynomial for exp on [−ln2/2, ln2/2].
const P1: f64 = 1.666_666_666_666_660_190_37e-01;
const P2: f64 = -2.777_777_777_701_559_338_42e-03;
const P3: f64 = 6.613_756_321_437_934_361_17e-05;
const P4: f64 = -1.653_390_220_546_525_153_90e-06;
const P5: f64 = 4.138_136_797_057_238_460_39e-08;

// fdlibm's polynomial for ln(1 + f) on √2/2 − 1 ≤ f ≤ √2 − 1.
const LP1: f64 = 6.666_666_666_666_735_130e-01;
const LP2: f64 = 3.999_999_999_940_941_908e-01;
const LP3: f64 = 2.857_142_874_366_239_149e-01;
const LP4: f64 = 2.222_219_843_214_978_396e-01;
const LP5: f64 = 1.818_357_216_161_805_012e-01;
const LP6: f64 = 1.531_383_769_920_937_332e-01;
const LP7: f64 = 1.479_819_860_511_658_591e-01;
const SQRT2_MINUS_1: f64 = 0.414_213_562_373_095_03;

/// 2^k for an integral k in [−1022, 1023], written straight into the exponent field.
#[inline(always)]
fn pow2i(k: f64) -> f64 {
    // k + 1023 + 2⁵² has k + 1023 in its low mantissa bits; shifting by 52 moves them into the
    // exponent field and drops 2⁵²'s own exponent.
    f64::from_bits((k + (1023.0 + TWO_52)).to_bits() << 52)
}

/// e^x for x ≤ 0, within 1 ulp; exactly 1 at 0, 0 below −746 (and for −∞), NaN for NaN.
#[inline(always)]
pub(crate) fn exp_nonpositive(x: f64) -> f64 {
    // The comparison is false for NaN, which therefore passes through to the result.
    let x = if x < EXP_ZERO_BELOW {
        EXP_ZERO_BELOW
    } else {
        x
    };
    // x = k·ln2 + r with |r| ≤ ln2/2, r carried as hi − lo.
    let k = (x * std::f64::consts::LOG2_E + ROUND_MAGIC) - ROUND_MAGIC;
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    // The polynomial by Estrin's scheme: a shorter dependency chain than Horner's, and the
    // term is small enough that the different rounding stays far below an ulp of the result.
    let t2 = t * t;
    let c = r - t * ((P1 + t * P2) + t2 * ((P3 + t * P4) + t2 * P5));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // −1076 ≤ k ≤ 0: scaling by 2^(k+54) is exact (the result is normal), and then by 2⁻⁵⁴
    // rounds once, into the subnormals when the result is that small.
    y * pow2i(k + 54.0) * TWO_MINUS_54
}

/// ln(1 + x) for 0 ≤ x ≤ 1, within 1 ulp, given `u = 1.0 + x` and `inv_u = 1.0 / u` (the caller
/// usually needs them too).
#[inline(always)]
pub(crate) fn ln_1p_unit(x: f64, u: f64, inv_u: f64) -> f64 {
    // Below √2 − 1, ln(1 + f) with f = x directly; above, ln 2 + ln(1 + f) with f = u/2 − 1 and
    // c correcting for the rounding of 1 + x (c is below ulp(x), so c·(1/u) for c/u is harmless).
    let small = x < SQRT2_MINUS_1;
    let f = if small { x } else { 0.5 * u - 1.0 };
    let k = if small { 0.0 } else { 1.0 };
    let c = if small { 0.0 } else { (x - (u - 1.0)) * inv_u };
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let z2 = z * z;
    let z4 = z2 * z2;
    let r = z * (((LP1 + z * LP2) + z2 * (LP3 + z * LP4)) + z4 * ((LP5 + z * LP6) + z2 * LP7));
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f)
}

/// softplus(t) = ln(1 + eᵗ) and σ(t) = 1/(1 + e⁻ᵗ) together, sharing one exponential and written
/// without branches so that a loop calling it vectorizes.
///
/// Both are within 2 ulps of [`softplus`](crate::softplus) and [`sigmoid`](crate::sigmoid) and keep
/// their behaviour at the extremes: `softplus_sigmoid(1e300) == (1e300, 1.0)`,
/// `softplus_sigmoid(-1e300) == (0.0, 0.0)`, ±∞ likewise, NaN gives NaN for both.
///
/// ```
/// use logreg_linalg_core::softplus_sigmoid;
/// assert_eq!(softplus_sigmoid(0.0), (std::f64::consts::LN_2, 0.5));
/// assert_eq!(softplus_sigmoid(1e300), (1e300, 1.0));
/// ```
#[inline(always)]
pub fn softplus_sigmoid(t: f64) -> (f64, f64) {
    let e = exp_nonpositive(-t.abs());
    let u = 1.0 + e;
    let inv_u = 1.0 / u;
    // `t > 0.0` is false for NaN, so NaN reaches the sum through ln_1p_unit(NaN) instead of
    // being dropped by a max.
    let softplus = (if t > 0.0 { t } else { 0.0 }) + ln_1p_unit(e, u, inv_u);
    let sigmoid = (if t >= 0.0 { 1.0 } else { e }) * inv_u;
    (softplus, sigmoid)
}

/// The logistic curvature σ(z)·σ(−z) = e/(1 + e)² with e = e^−|z|, branch-free so that a loop
/// calling it vectorizes; within 3 ulps of `sigmoid(z) * sigmoid(-z)`, 0 for |z| = ∞, NaN for NaN.
///
/// ```
/// use logreg_linalg_core::sigmoid_curvature;
/// assert_eq!(sigmoid_curvature(0.0), 0.25);
/// assert_eq!(sigmoid_curvature(-1e300), 0.0);
/// ```
#[inline(always)]
pub fn sigmoid_curvature(z: f64) -> f64 {
    let e = exp_nonpositive(-z.abs());
    let inv_u = 1.0 / (1.0 + e);
    e * inv_u * inv_u
}

dispatch! {
    /// [`softplus_sigmoid`] over a slice: each `t[i]` is replaced by `σ(t[i])` and `softplus[i]`
    /// receives `softplus(t[i])` (the slices must be equally long; extra elements of the longer
    /// are left alone). Runs with AVX2 when the CPU has it, with the same bits as without.
    ///
    /// ```
    /// let mut t = [0.0, 1e300];
    /// let mut sp = [0.0; 2];
    /// logreg_linalg_core::softplus_sigmoid_in_place(&mut t, &mut sp);
    /// assert_eq!((t, sp), ([0.5, 1.0], [std::f64::consts::LN_2, 1e300]));
    /// ```
    pub fn softplus_sigmoid_in_place(t: &mut [f64], softplus: &mut [f64]) -> () {
        // Eight elements go through at once as independent chains, which keeps the vector units
        // busy where one chain would wait on its own divisions.
        let mut groups_t = t.chunks_exact_mut(LANES);
        let mut groups_s = softplus.chunks_exact_mut(LANES);
        for (gt, gs) in (&mut groups_t).zip(&mut groups_s) {
            for k in 0..LANES {
                let (sp, sg) = softplus_sigmoid(gt[k]);
                gs[k] = sp;
                gt[k] = sg;
            }
        }
        for (ti, si) in groups_t
            .into_remainder()
            .iter_mut()
            .zip(groups_s.into_remainder())
        {
            let (sp, sg) = softplus_sigmoid(*ti);
            *si = sp;
            *ti = sg;
        }
    }
}

dispatch! {
    /// [`sigmoid_curvature`] of every element, in place; AVX2 when the CPU has it, same bits.
    ///
    /// ```
    /// let mut z = [0.0, -1e300];
    /// logreg_linalg_core::sigmoid_curvature_in_place(&mut z);
    /// assert_eq!(z, [0.25, 0.0]);
    /// ```
    pub fn sigmoid_curvature_in_place(z: &mut [f64]) -> () {
        for zk in z.iter_mut() {
            *zk = sigmoid_curvature(*zk);
        }
    }
}

/// Elements per group in [`softplus_sigmoid_in_place`].
const LANES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    /// |a − b| in units of b's last place (subnormals measured against the smallest normal's ulp).
    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        (a - b).abs() / (b.abs().max(f64::MIN_POSITIVE) * f64::EPSILON)
    }

    /// SplitMix64 in [0, 1).
    fn uniform(state: &mut u64) -> f64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn exp_within_one_ulp_of_std_over_the_whole_range() {
        let mut s = 1;
        let mut worst = 0.0f64;
        for i in 0..400_000 {
            let u = uniform(&mut s);
            // Uniform on [−746, 0], on [−2, 0], and log-uniform magnitudes 2⁻⁴⁰…2²⁰.
            let x = match i % 3 {
                0 => -746.0 * u,
                1 => -2.0 * u,
                _ => -(u * 60.0 - 40.0).exp2(),
            };
            let (got, want) = (exp_nonpositive(x), x.exp());
            if want >= f64::MIN_POSITIVE {
                worst = worst.max(ulps(got, want));
            } else {
                // Subnormal results: at most one unit of the smallest subnormal apart.
                assert!(
                    (got - want).abs() <= 5e-324,
                    "exp({x}) = {got:e}, std {want:e}"
                );
            }
        }
        assert!(worst <= 1.0, "worst {worst} ulps");
    }

    #[test]
    fn exp_edges() {
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-0.0), 1.0);
        assert_eq!(exp_nonpositive(-1.0), (-1.0f64).exp());
        assert_eq!(exp_nonpositive(-745.0), (-745.0f64).exp()); // 5e-324, the smallest subnormal
        assert_eq!(exp_nonpositive(-708.5), (-708.5f64).exp()); // just below the normal range
        assert_eq!(exp_nonpositive(-746.0), 0.0);
        assert_eq!(exp_nonpositive(-1e300), 0.0);
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(f64::NAN).is_nan());
    }

    #[test]
    fn ln_1p_within_one_ulp_of_std_on_the_unit_interval() {
        let mut s = 2;
        let mut worst = 0.0f64;
        for i in 0..400_000 {
            let u = uniform(&mut s);
            let x = match i % 3 {
                0 => u,
                1 => (u * 1000.0 - 1000.0).exp2(),
                _ => SQRT2_MINUS_1 + (u - 0.5) * 1e-9,
            };
            worst = worst.max(ulps(ln_1p_unit(x, 1.0 + x, 1.0 / (1.0 + x)), x.ln_1p()));
        }
        assert!(worst <= 1.0, "worst {worst} ulps");
        assert_eq!(ln_1p_unit(0.0, 1.0, 1.0), 0.0);
        assert_eq!(ln_1p_unit(1.0, 2.0, 0.5), std::f64::consts::LN_2);
        assert_eq!(ln_1p_unit(1e-300, 1.0, 1.0), 1e-300);
        assert_eq!(ln_1p_unit(5e-324, 1.0, 1.0), 5e-324);
        assert!(ln_1p_unit(f64::NAN, f64::NAN, f64::NAN).is_nan());
    }

    #[test]
    fn softplus_sigmoid_within_two_ulps_of_the_scalar_functions() {
        let mut s = 3;
        let (mut worst_sp, mut worst_sg) = (0.0f64, 0.0f64);
        for i in 0..400_000 {
            let u = uniform(&mut s) - 0.5;
            let t = if i % 2 == 0 { 80.0 * u } else { 1600.0 * u };
            let (sp, sg) = softplus_sigmoid(t);
            let (want_sp, want_sg) = (crate::softplus(t), crate::sigmoid(t));
            if want_sp >= f64::MIN_POSITIVE {
                worst_sp = worst_sp.max(ulps(sp, want_sp));
            }
            if want_sg >= f64::MIN_POSITIVE {
                worst_sg = worst_sg.max(ulps(sg, want_sg));
            }
        }
        assert!(worst_sp <= 2.0 && worst_sg <= 2.0, "{worst_sp} {worst_sg}");
    }

    #[test]
    fn sigmoid_curvature_within_three_ulps() {
        let mut s = 4;
        let mut worst = 0.0f64;
        for i in 0..400_000 {
            let u = uniform(&mut s) - 0.5;
            let z = if i % 2 == 0 { 80.0 * u } else { 1600.0 * u };
            let want = crate::sigmoid(z) * crate::sigmoid(-z);
            if want >= f64::MIN_POSITIVE {
                worst = worst.max(ulps(sigmoid_curvature(z), want));
            }
        }
        assert!(worst <= 3.0, "{worst}");
        assert_eq!(sigmoid_curvature(f64::INFINITY), 0.0);
        assert!(sigmoid_curvature(f64::NAN).is_nan());
    }

    #[test]
    fn softplus_sigmoid_extremes() {
        assert_eq!(softplus_sigmoid(0.0), (std::f64::consts::LN_2, 0.5));
        assert_eq!(softplus_sigmoid(-0.0), (std::f64::consts::LN_2, 0.5));
        assert_eq!(softplus_sigmoid(1e300), (1e300, 1.0));
        assert_eq!(softplus_sigmoid(-1e300), (0.0, 0.0));
        assert_eq!(softplus_sigmoid(f64::INFINITY), (f64::INFINITY, 1.0));
        assert_eq!(softplus_sigmoid(f64::NEG_INFINITY), (0.0, 0.0));
        assert_eq!(softplus_sigmoid(745.0), (745.0, 1.0));
        assert_eq!(softplus_sigmoid(-745.0), (5e-324, 5e-324));
        let (sp, sg) = softplus_sigmoid(f64::NAN);
        assert!(sp.is_nan() && sg.is_nan());
        // Deep in the left tail both are e^t to full relative precision.
        let (sp, sg) = softplus_sigmoid(-40.0);
        let want = (-40.0f64).exp();
        assert!(ulps(sp, want) <= 1.0 && ulps(sg, want) <= 1.0);
    }
}

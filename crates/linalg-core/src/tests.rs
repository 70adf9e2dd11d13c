//! Tests of the scalar functions and of every pass on every storage.

use super::*;
use proptest::prelude::*;

#[test]
fn sigmoid_limits_and_symmetry_points() {
    assert_eq!(sigmoid(0.0), 0.5);
    assert_eq!(sigmoid(f64::INFINITY), 1.0);
    assert_eq!(sigmoid(f64::NEG_INFINITY), 0.0);
    assert_eq!(sigmoid(1e300), 1.0);
    assert_eq!(sigmoid(-1e300), 0.0);
    assert_eq!(sigmoid(f64::MAX), 1.0);
    assert_eq!(sigmoid(-f64::MAX), 0.0);
    // Deep in the tail σ(z) ≈ e^z with full relative precision (no 1 − x cancellation).
    let z: f64 = -700.0;
    assert!((sigmoid(z) / z.exp() - 1.0).abs() < 1e-15);
}

#[test]
fn sigmoid_within_a_few_ulps_of_high_precision_values() {
    // σ(z) from mpmath at 50 digits, rounded to f64: python3 -c "import mpmath as m;
    // m.mp.dps=50; print([float(1/(1+m.exp(-m.mpf(z)))) for z in (1,-1,5,-20,36.5,-36.5)])"
    let cases = [
        (1.0, 0.731_058_578_630_004_9),
        (-1.0, 0.268_941_421_369_995_1),
        (5.0, 0.993_307_149_075_715_2),
        (-20.0, 2.061_153_618_190_203_7e-9),
        (36.5, 0.999_999_999_999_999_9),
        (-36.5, 1.406_861_712_446_146_7e-16),
    ];
    for (z, want) in cases {
        let got: f64 = sigmoid(z);
        let ulp = f64::EPSILON * want;
        assert!(
            (got - want).abs() <= 4.0 * ulp,
            "σ({z}) = {got:e}, want {want:e}"
        );
    }
}

#[test]
fn softplus_and_log_sigmoid_extremes() {
    assert_eq!(softplus(1e300), 1e300);
    assert_eq!(softplus(-1e300), 0.0);
    assert_eq!(log_sigmoid(-1e300), -1e300);
    assert_eq!(log_sigmoid(1e300), 0.0);
    assert_eq!(log_one_minus_sigmoid(1e300), -1e300);
    assert_eq!(softplus(0.0), std::f64::consts::LN_2);
    // softplus(−40) = ln(1 + e^−40) ≈ e^−40 to full relative precision.
    let want = (-40.0f64).exp();
    assert!((softplus(-40.0) / want - 1.0).abs() < 1e-15);
    // ln σ(40) = −ln(1 + e^−40) ≈ −e^−40, where 1 − σ would be 0.
    assert!((log_sigmoid(40.0) / -want - 1.0).abs() < 1e-15);
}

#[test]
fn dot_matches_naive_and_rejects_mismatch() {
    let a: Vec<f64> = (0..37).map(|i| i as f64 * 0.5 - 3.0).collect();
    let b: Vec<f64> = (0..37).map(|i| (i as f64).sin()).collect();
    let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    assert!((dot(&a, &b).unwrap() - naive).abs() < 1e-12);
    assert_eq!(dot(&[], &[]).unwrap(), 0.0);
    assert_eq!(
        dot(&a, &b[..3]),
        Err(LinalgError::LengthMismatch {
            operation: "dot",
            expected: 37,
            found: 3
        })
    );
}

#[test]
fn matrix_products_match_nalgebra_and_check_shapes() {
    let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let w = DVector::from_vec(vec![0.5, -1.0]);
    assert_eq!(mul_vec(&x, &w).unwrap().as_slice(), &[-1.5, -2.5, -3.5]);
    let r = DVector::from_vec(vec![1.0, 0.0, -1.0]);
    assert_eq!(tr_mul_vec(&x, &r).unwrap().as_slice(), &[-4.0, -4.0]);
    assert!(mul_vec(&x, &r).is_err());
    assert!(tr_mul_vec(&x, &w).is_err());
}

/// A tiny LCG keeps these tests free of extra dependencies: values in [−2, 2).
fn random_values(len: usize, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 2.0
        })
        .collect()
}

fn dense(n: usize, d: usize, seed: u64) -> Design<'static> {
    Design::from(Dense::new(random_values(n * d, seed), n, d).unwrap())
}

/// A sparse matrix with about `density` of its cells stored (values in [−2, 2)).
fn sparse(n: usize, d: usize, density: f64, seed: u64) -> Design<'static> {
    let u = random_values(n * d, seed);
    let v = random_values(n * d, seed + 1);
    let rows: Vec<Vec<(u32, f64)>> = (0..n)
        .map(|i| {
            (0..d)
                .filter(|&j| (u[i * d + j] + 2.0) / 4.0 < density)
                .map(|j| (j as u32, v[i * d + j]))
                .collect()
        })
        .collect();
    Design::from(Csr::from_rows(d, rows).unwrap())
}

/// The same matrix densely, as f64.
fn densified(x: &Design<'_>) -> Design<'static> {
    let m = x.to_dmatrix(None).unwrap();
    Design::from_dmatrix(&m).unwrap()
}

/// Reference sums by the textbook loops over `rows`.
fn reference_pass(x: &Design<'_>, rows: &[usize], w: &[f64], b: f64) -> (f64, Vec<f64>, f64) {
    let d = x.n_cols();
    let (mut value, mut grad, mut gb) = (0.0, vec![0.0; d], 0.0);
    for (pos, &i) in rows.iter().enumerate() {
        let z: f64 = (0..d).map(|j| x.get(i, j).unwrap() * w[j]).sum::<f64>() + b;
        let (l, r) = (z * z, z + pos as f64 * 1e-6);
        value += l;
        gb += r;
        for (j, g) in grad.iter_mut().enumerate() {
            *g += r * x.get(i, j).unwrap();
        }
    }
    (value, grad, gb)
}

fn test_pass(x: &Design<'_>, rows: Rows<'_>, w: &[f64], b: f64) -> PassSums {
    x.fused_pass(rows, w, b, |first, z, l| {
        for (k, (zk, lk)) in z.iter_mut().zip(l.iter_mut()).enumerate() {
            *lk = *zk * *zk;
            *zk += (first + k) as f64 * 1e-6;
        }
    })
    .unwrap()
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-10 * scale.max(1.0)
}

#[test]
fn every_storage_and_selection_matches_the_textbook_pass() {
    let (n, d) = (3_001, 13);
    let w: Vec<f64> = (0..d).map(|j| (j as f64 - 6.0) * 0.1).collect();
    let subset: Vec<usize> = (0..n).rev().step_by(3).chain([5, 5, 0]).collect();
    let all: Vec<usize> = (0..n).collect();
    let designs = [
        dense(n, d, 7),
        Design::from(match dense(n, d, 7) {
            Design::Dense(x) => x.to_f32(),
            _ => unreachable!(),
        }),
        sparse(n, d, 0.3, 9),
        match sparse(n, d, 0.3, 9) {
            Design::Sparse(x) => Design::from(
                x.with_standardization(
                    (0..d).map(|j| j as f64 * 0.01).collect(),
                    (0..d).map(|j| 1.0 + j as f64 * 0.1).collect(),
                )
                .unwrap(),
            ),
            _ => unreachable!(),
        },
    ];
    for x in &designs {
        for rows in [&all[..], &subset[..]] {
            let sel = x.rows(Some(rows)).unwrap();
            let got = test_pass(x, sel, &w, 0.25);
            let (v, g, gb) = reference_pass(x, rows, &w, 0.25);
            let storage = x.storage().name();
            assert!(close(got.value, v, v), "{storage}: {} vs {v}", got.value);
            assert!(close(got.grad_bias, gb, gb), "{storage}");
            for (j, gj) in g.iter().enumerate() {
                assert!(close(got.grad[j], *gj, gj.abs()), "{storage} column {j}");
            }
            let mut z = vec![0.0; rows.len()];
            x.logits(sel, &w, 0.25, &mut z).unwrap();
            for (pos, &i) in rows.iter().enumerate() {
                let want: f64 = (0..d).map(|j| x.get(i, j).unwrap() * w[j]).sum::<f64>() + 0.25;
                assert!(close(z[pos], want, want.abs()), "{storage} logit {pos}");
            }
        }
    }
}

#[test]
fn gram_on_every_storage_matches_the_dense_formula() {
    for (n, d) in [(2_000, 6), (500, 240)] {
        let c: Vec<f64> = (0..n).map(|i| 0.1 + (i % 7) as f64 * 0.05).collect();
        for x in [dense(n, d, 11), sparse(n, d, 0.2, 3)] {
            for x in [
                x.clone(),
                match &x {
                    Design::Sparse(s) => Design::from(
                        s.clone()
                            .with_standardization(vec![0.3; d], vec![2.0; d])
                            .unwrap(),
                    ),
                    other => other.clone(),
                },
            ] {
                let m = x.to_dmatrix(None).unwrap();
                let mut xa = DMatrix::from_element(n, d + 1, 1.0);
                xa.view_mut((0, 0), (n, d)).copy_from(&m);
                let want =
                    xa.transpose() * DMatrix::from_diagonal(&DVector::from_vec(c.clone())) * &xa;
                let got = x.weighted_gram(x.all_rows(), &c, true).unwrap();
                assert!(
                    (&got - &want).amax() <= 1e-9 * want.amax(),
                    "{}",
                    x.storage().name()
                );
                let no_b = x.weighted_gram(x.all_rows(), &c, false).unwrap();
                assert!((no_b - want.view((0, 0), (d, d))).amax() <= 1e-9 * want.amax());
            }
        }
    }
}

#[test]
fn multi_pass_equals_one_pass_per_output() {
    let (n, d, k) = (1_500, 9, 3);
    let w: Vec<f64> = (0..k * d)
        .map(|j| ((j * 7 % 11) as f64 - 5.0) * 0.1)
        .collect();
    let b = [0.1, -0.2, 0.3];
    for x in [dense(n, d, 2), sparse(n, d, 0.4, 5)] {
        let rows = x.all_rows();
        let multi = x
            .multi_pass(rows, &w, &b, |_, z, l| {
                for (r, lr) in l.iter_mut().enumerate() {
                    *lr = z[r * 3];
                }
            })
            .unwrap();
        let mut total = 0.0;
        for c in 0..k {
            let one = x
                .fused_pass(rows, &w[c * d..(c + 1) * d], b[c], |_, _z, l| l.fill(0.0))
                .unwrap();
            assert!(close(
                one.grad_bias,
                multi.grad_bias[c],
                one.grad_bias.abs()
            ));
            for j in 0..d {
                assert!(close(one.grad[j], multi.grad[c * d + j], one.grad[j].abs()));
            }
            if c == 0 {
                total = one.grad_bias;
            }
        }
        assert!(close(multi.value, total, total.abs()));
        let mut z = vec![0.0; n * k];
        x.multi_logits(rows, &w, &b, &mut z).unwrap();
        let mut z0 = vec![0.0; n];
        x.logits(rows, &w[d..2 * d], b[1], &mut z0).unwrap();
        for i in 0..n {
            assert_eq!(z[i * k + 1], z0[i]);
        }
    }
}

#[test]
fn column_moments_match_two_pass_formulas() {
    let (n, d) = (2_000, 5);
    let weights: Vec<f64> = (0..n).map(|i| 1.0 + (i % 3) as f64).collect();
    for x in [dense(n, d, 4), sparse(n, d, 0.3, 4)] {
        let m = x.to_dmatrix(None).unwrap();
        let got = x.column_moments(x.all_rows(), Some(&weights)).unwrap();
        let s: f64 = weights.iter().sum();
        for j in 0..d {
            let mean: f64 = (0..n).map(|i| weights[i] * m[(i, j)]).sum::<f64>() / s;
            let var: f64 = (0..n)
                .map(|i| weights[i] * (m[(i, j)] - mean).powi(2))
                .sum::<f64>()
                / s;
            assert!((got.mean[j] - mean).abs() < 1e-12, "{}", x.storage().name());
            assert!((got.var[j] - var).abs() < 1e-12);
        }
    }
    // Far from zero, the variance keeps its digits.
    let v: Vec<f64> = (0..1000).map(|i| 1e6 + (i % 2) as f64).collect();
    let x = Design::from(Dense::new(v, 1000, 1).unwrap());
    let got = x.column_moments(x.all_rows(), None).unwrap();
    assert!((got.var[0] - 0.25).abs() < 1e-9);
}

/// Every pass of the crate on one design, as bits.
fn all_passes(x: &Design<'_>, w: &[f64], b: f64, c: &[f64]) -> Vec<u64> {
    let rows = x.all_rows();
    let mut out = vec![x.sum_all(rows).to_bits()];
    let mut z = vec![0.0; x.n_rows()];
    x.logits(rows, w, b, &mut z).unwrap();
    out.extend(z.iter().map(|v| v.to_bits()));
    let sums = x
        .fused_pass(rows, w, b, |first, z, l| {
            for (k, (zk, lk)) in z.iter_mut().zip(l.iter_mut()).enumerate() {
                *lk = softplus(*zk);
                *zk = sigmoid(*zk) - ((first + k) % 2) as f64;
            }
        })
        .unwrap();
    out.push(sums.value.to_bits());
    out.push(sums.grad_bias.to_bits());
    out.extend(sums.grad.iter().map(|v| v.to_bits()));
    if x.n_cols() < MAX_SPARSE_GRAM {
        let gram = x
            .fused_gram(rows, Some((w, b)), true, |_, z| {
                sigmoid_curvature_in_place(z)
            })
            .unwrap();
        out.extend(gram.iter().map(|v| v.to_bits()));
        let gram = x.weighted_gram(rows, c, false).unwrap();
        out.extend(gram.iter().map(|v| v.to_bits()));
    }
    out
}

fn weights_for(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.05 + (i % 13) as f64 * 0.02).collect()
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    // Many blocks (and a ragged last one) for the tiles, a wide set for the GEMM path, f32, and
    // sparse sets with many blocks.
    let designs: Vec<Design<'static>> = vec![
        dense(40_003, 13, 5),
        dense(700, 230, 5),
        match dense(20_001, 7, 1) {
            Design::Dense(x) => Design::from(x.to_f32()),
            _ => unreachable!(),
        },
        sparse(30_000, 40, 0.2, 8),
    ];
    for x in &designs {
        let d = x.n_cols();
        let w: Vec<f64> = (0..d).map(|j| ((j * 7 % 11) as f64 - 5.0) * 0.1).collect();
        let c = weights_for(x.n_rows());
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| all_passes(x, &w, 0.3, &c))
        };
        let one = run(1);
        assert_eq!(one, run(3), "{}", x.storage().name());
        assert_eq!(one, run(2), "{}", x.storage().name());
    }
}

#[test]
fn avx2_and_portable_kernels_give_the_same_bits() {
    // Odd widths exercise every remainder: rows per quad, features per group of 8, padding.
    for (n, d) in [
        (5_001, 50),
        (301, 7),
        (97, 1),
        (3, 9),
        (1_000, 133),
        (300, 250),
    ] {
        for x in [
            dense(n, d, 9),
            match dense(n, d, 9) {
                Design::Dense(x) => Design::from(x.to_f32()),
                _ => unreachable!(),
            },
        ] {
            let w: Vec<f64> = (0..d).map(|j| ((j * 7 % 11) as f64 - 5.0) * 0.1).collect();
            let c = weights_for(n);
            let fast = all_passes(&x, &w, -0.2, &c);
            blocks::FORCE_PORTABLE.store(true, std::sync::atomic::Ordering::Relaxed);
            let portable = all_passes(&x, &w, -0.2, &c);
            blocks::FORCE_PORTABLE.store(false, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(fast, portable, "{n} x {d} {}", x.storage().name());
        }
    }
}

#[test]
fn f32_design_is_the_f64_design_of_its_rounded_values() {
    let x64 = dense(2_000, 11, 3);
    let x32 = match &x64 {
        Design::Dense(x) => Design::from(x.to_f32()),
        _ => unreachable!(),
    };
    let rounded = match &x32 {
        Design::DenseF32(x) => Design::from(x.to_f64()),
        _ => unreachable!(),
    };
    let w: Vec<f64> = (0..11).map(|j| j as f64 * 0.05).collect();
    let c = weights_for(2_000);
    // Same values, summed in other blocks (an f32 block holds twice the rows): equal to rounding.
    let a = all_passes(&x32, &w, 0.1, &c);
    let b = all_passes(&rounded, &w, 0.1, &c);
    assert_eq!(a.len(), b.len());
    for (u, v) in a.iter().zip(&b) {
        let (u, v) = (f64::from_bits(*u), f64::from_bits(*v));
        assert!((u - v).abs() <= 1e-12 * v.abs().max(1.0), "{u} vs {v}");
    }
}

#[test]
fn sparse_passes_equal_dense_passes_of_the_same_matrix() {
    let x = sparse(5_000, 30, 0.1, 12);
    let xd = densified(&x);
    let w: Vec<f64> = (0..30).map(|j| (j as f64 - 15.0) * 0.03).collect();
    let a = test_pass(&x, x.all_rows(), &w, 0.5);
    let b = test_pass(&xd, xd.all_rows(), &w, 0.5);
    assert!(close(a.value, b.value, b.value));
    assert!((&a.grad - &b.grad).amax() < 1e-9);
}

#[test]
fn passes_without_features_see_only_the_intercept() {
    let x = Design::from(Dense::new(Vec::<f64>::new(), 10, 0).unwrap());
    let sums = x.fused_pass(x.all_rows(), &[], 0.5, |_, z, l| {
        l.copy_from_slice(z);
        z.fill(1.0);
    });
    let sums = sums.unwrap();
    assert_eq!(
        (sums.value, sums.grad_bias, sums.grad.len()),
        (5.0, 10.0, 0)
    );
    let h = x
        .fused_gram(x.all_rows(), Some((&[], 0.0)), true, |_, z| z.fill(2.0))
        .unwrap();
    assert_eq!(h, DMatrix::from_element(1, 1, 20.0));
    assert_eq!(
        x.weighted_gram(x.all_rows(), &[1.0; 10], false)
            .unwrap()
            .shape(),
        (0, 0)
    );
}

#[test]
fn selections_are_checked_once_and_bound_to_their_design() {
    let x = dense(10, 3, 1);
    let w = [1.0, 2.0, 3.0];
    assert_eq!(
        x.rows(Some(&[10])),
        Err(LinalgError::RowOutOfRange {
            row: 10,
            n_rows: 10
        })
    );
    let other = dense(11, 3, 1);
    let sel = other.rows(Some(&[0, 1])).unwrap();
    assert!(x.fused_pass(sel, &w, 0.0, |_, _, _| {}).is_err());
    assert!(x
        .fused_pass(x.all_rows(), &w[..2], 0.0, |_, _, _| {})
        .is_err());
    let mut short = [0.0; 3];
    assert!(x.logits(x.all_rows(), &w, 0.0, &mut short).is_err());
    let wide = sparse(3, MAX_SPARSE_GRAM, 0.01, 1);
    assert!(matches!(
        wide.weighted_gram(wide.all_rows(), &[1.0; 3], true),
        Err(LinalgError::TooWide { .. })
    ));
}

#[test]
fn sum_all_is_the_sum_of_every_element() {
    let x = dense(30_001, 11, 4);
    let m = x.to_dmatrix(None).unwrap();
    assert!((x.sum_all(x.all_rows()) - m.sum()).abs() <= 1e-9 * m.abs().sum());
    let s = sparse(3_000, 20, 0.2, 2);
    let ms = s.to_dmatrix(None).unwrap();
    assert!((s.sum_all(s.all_rows()) - ms.sum()).abs() <= 1e-9 * ms.abs().sum());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sigmoid_is_bounded_monotone_and_symmetric(z in prop::num::f64::NORMAL | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL) {
        let s = sigmoid(z);
        prop_assert!((0.0..=1.0).contains(&s));
        prop_assert!(!s.is_nan());
        // σ(−z) = 1 − σ(z) to rounding of the larger one.
        prop_assert!((sigmoid(-z) - (1.0 - s)).abs() <= 2.0 * f64::EPSILON);
        let next = sigmoid(z + z.abs().max(1e-300) * 1e-3);
        prop_assert!(next >= s);
    }

    #[test]
    // For z > 2 the direct ln σ(z) itself loses digits (σ ≈ 1), which is why log_sigmoid exists.
    fn log_sigmoid_matches_direct_form_where_that_is_accurate(z in -30.0f64..2.0) {
        let direct = sigmoid(z).ln();
        prop_assert!((log_sigmoid(z) - direct).abs() <= 1e-14 * direct.abs().max(1e-300) + 1e-16);
        prop_assert!(log_sigmoid(z) <= 0.0);
        prop_assert!(softplus(z) >= z.max(0.0));
    }

    #[test]
    fn softplus_is_finite_for_every_finite_input(z in prop::num::f64::NORMAL) {
        let v = softplus(z);
        prop_assert!(v.is_finite() && v >= 0.0);
    }

    #[test]
    fn csr_construction_never_panics(
        n in 0usize..5,
        d in 0usize..5,
        indptr in prop::collection::vec(0usize..8, 0..7),
        indices in prop::collection::vec(0u32..6, 0..8),
        values in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(1e200), -3.0f64..3.0], 0..8),
    ) {
        let _ = Csr::new(n, d, indptr, indices, values);
    }
}

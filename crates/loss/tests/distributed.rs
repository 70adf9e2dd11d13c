//! A loss split over ranks (threads, `InProcess`) sums to the single-process loss: value,
//! gradient, Hessian, Hessian products and the Hessian's diagonal, for the binary and the
//! multinomial loss, identical on every rank; mini-batches are refused.

use logreg_collective::{assign_rows, Collective, InProcess};
use logreg_linalg_core::{Dense, Design};
use logreg_loss::{LogLoss, LossError, MultinomialLogLoss};
use nalgebra::DVector;
use std::thread;

fn data(n: usize, d: usize) -> (Vec<f64>, Vec<f64>, Vec<usize>, Vec<f64>) {
    let x: Vec<f64> = (0..n * d)
        .map(|k| ((k * 7919) % 1013) as f64 / 101.3 - 5.0 + (k % d) as f64)
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from((i * 31) % 7 < 3)))
        .collect();
    let classes: Vec<usize> = (0..n).map(|i| (i * 13) % 3).collect();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 4) as f64).collect();
    (x, y, classes, w)
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (x - y).abs() <= 1e-12 * (1.0 + y.abs()))
}

#[test]
fn binary_and_multinomial_sums_over_ranks_are_the_single_process_sums() {
    let (n, d) = (1000, 4);
    let (x, y, classes, w) = data(n, d);
    let full = Design::from(Dense::new(&x[..], n, d).unwrap());
    let theta = DVector::from_fn(d + 1, |i, _| 0.1 * i as f64 - 0.2);
    let v = DVector::from_fn(d + 1, |i, _| 1.0 - 0.3 * i as f64);
    let single = LogLoss::new(&full, &y)
        .unwrap()
        .with_sample_weight(&w)
        .unwrap()
        .with_l2(0.01)
        .unwrap();
    let mut g = DVector::zeros(d + 1);
    let value = single.value_grad(&theta, &mut g).unwrap();
    let h = single.hessian(&theta).unwrap();
    let op = single.hessian_operator(&theta).unwrap();
    let (hv, diag) = (op.apply(&v).unwrap(), op.diagonal().unwrap());
    let multi = MultinomialLogLoss::new(&full, &classes, 3).unwrap();
    let mtheta = DVector::from_fn(multi.dim(), |i, _| 0.05 * i as f64 - 0.3);
    let mut mg = DVector::zeros(multi.dim());
    let mvalue = multi.value_grad(&mtheta, &mut mg).unwrap();
    let mh = multi.hessian(&mtheta).unwrap();

    let group = InProcess::group(3).unwrap();
    let results: Vec<Vec<f64>> = thread::scope(|s| {
        let handles: Vec<_> = group
            .into_iter()
            .map(|rank| {
                let (x, y, classes, w, theta, v, mtheta) =
                    (&x, &y, &classes, &w, &theta, &v, &mtheta);
                s.spawn(move || {
                    let r = assign_rows(n, rank.size(), rank.rank()).unwrap();
                    let local =
                        Design::from(Dense::new(&x[r.start * d..r.end * d], r.len(), d).unwrap());
                    let loss = LogLoss::new(&local, &y[r.clone()])
                        .unwrap()
                        .with_collective(&rank)
                        .unwrap()
                        .with_sample_weight(&w[r.clone()])
                        .unwrap()
                        .with_l2(0.01)
                        .unwrap();
                    assert_eq!(loss.weight_sum(), w.iter().sum::<f64>());
                    let mut g = DVector::zeros(d + 1);
                    let mut out = vec![loss.value_grad(theta, &mut g).unwrap()];
                    out.extend(g.iter());
                    out.extend(loss.hessian(theta).unwrap().iter());
                    let op = loss.hessian_operator(theta).unwrap();
                    out.extend(op.apply(v).unwrap().iter());
                    out.extend(op.diagonal().unwrap().iter());
                    assert!(matches!(
                        loss.value_grad_rows(theta, &[0], &mut g),
                        Err(LossError::NotDistributed { .. })
                    ));
                    let multi = MultinomialLogLoss::new(&local, &classes[r], 3)
                        .unwrap()
                        .with_collective(&rank)
                        .unwrap();
                    let mut mg = DVector::zeros(multi.dim());
                    out.push(multi.value_grad(mtheta, &mut mg).unwrap());
                    out.extend(mg.iter());
                    out.extend(multi.hessian(mtheta).unwrap().iter());
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut expected = vec![value];
    expected.extend(g.iter());
    expected.extend(h.iter());
    expected.extend(hv.iter());
    expected.extend(diag.iter());
    expected.push(mvalue);
    expected.extend(mg.iter());
    expected.extend(mh.iter());
    for r in &results {
        assert_eq!(r.len(), expected.len());
        assert!(close(r, &expected));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(r), bits(&results[0]), "every rank holds the same bits");
    }
}

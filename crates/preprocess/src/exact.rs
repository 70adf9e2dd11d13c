//! Serde helpers that save `f64` exactly.
//!
//! serde_json's default float parser may be one ulp off on reading, which would break
//! "bit-identical transform after a save/load round trip". So fitted numbers are written as JSON
//! strings holding Rust's shortest round-trip representation (`"41.23"`, `"1e-7"`), which
//! `str::parse` reads back exactly. Plain JSON numbers are accepted too, for hand-written files.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

struct F64Visitor;

impl<'de> Visitor<'de> for F64Visitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a string holding a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse::<f64>()
            .map_err(|_| E::custom(format!("cannot read {v:?} as a number")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
}

/// `#[serde(with = "crate::exact::num")]`
pub(crate) mod num {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{x:?}"))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(F64Visitor)
    }
}

/// `#[serde(with = "crate::exact::nums")]`
pub(crate) mod nums {
    use super::*;
    use serde::ser::SerializeSeq;

    pub(crate) fn serialize<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(xs.len()))?;
        for x in xs {
            seq.serialize_element(&format!("{x:?}"))?;
        }
        seq.end()
    }

    struct Elem(f64);

    impl<'de> serde::Deserialize<'de> for Elem {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(F64Visitor).map(Elem)
        }
    }

    struct VecVisitor;

    impl<'de> Visitor<'de> for VecVisitor {
        type Value = Vec<f64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of numbers")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut out = Vec::new();
            while let Some(Elem(x)) = seq.next_element()? {
                out.push(x);
            }
            Ok(out)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_seq(VecVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct S {
        #[serde(with = "super::num")]
        x: f64,
        #[serde(with = "super::nums")]
        v: Vec<f64>,
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..10_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f64::from_bits(state);
            if !x.is_finite() {
                continue;
            }
            let s = S {
                x,
                v: vec![x, -x / 3.0],
            };
            let back: S = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back.x.to_bits(), x.to_bits());
            assert_eq!(back.v[1].to_bits(), (-x / 3.0).to_bits());
        }
    }

    #[test]
    fn accepts_plain_numbers() {
        let s: S = serde_json::from_str(r#"{"x": 2, "v": [1.5, "-3", -4]}"#).unwrap();
        assert_eq!(
            s,
            S {
                x: 2.0,
                v: vec![1.5, -3.0, -4.0]
            }
        );
        assert!(serde_json::from_str::<S>(r#"{"x": "abc", "v": []}"#).is_err());
    }
}

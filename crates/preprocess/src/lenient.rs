//! Reading fitted numbers from pipeline files of every version.
//!
//! Numbers are saved as JSON numbers: serde_json (with `float_roundtrip`, which the workspace
//! enables) writes the shortest text that reads back to the same bits. Files written before that
//! hold the numbers as strings (`"41.23"`); these deserializers accept both, so old files load.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::Deserializer;

struct Number;

impl Visitor<'_> for Number {
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

/// `#[serde(deserialize_with = "crate::lenient::number")]`
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(Number)
}

struct Numbers;

impl<'de> Visitor<'de> for Numbers {
    type Value = Vec<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of numbers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
        struct Element(f64);
        impl<'de> serde::Deserialize<'de> for Element {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                number(d).map(Element)
            }
        }
        let mut out = Vec::new();
        while let Some(Element(x)) = seq.next_element()? {
            out.push(x);
        }
        Ok(out)
    }
}

/// `#[serde(deserialize_with = "crate::lenient::numbers")]`
pub(crate) fn numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    d.deserialize_seq(Numbers)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct S {
        #[serde(deserialize_with = "super::number")]
        x: f64,
        #[serde(deserialize_with = "super::numbers")]
        v: Vec<f64>,
    }

    #[test]
    fn plain_json_numbers_round_trip_bit_for_bit() {
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
            let text = serde_json::to_string(&s).unwrap();
            assert!(!text.contains("\"x\":\""), "numbers, not strings: {text}");
            let back: S = serde_json::from_str(&text).unwrap();
            assert_eq!(back.x.to_bits(), x.to_bits());
            assert_eq!(back.v[1].to_bits(), (-x / 3.0).to_bits());
        }
    }

    #[test]
    fn reads_numbers_saved_as_strings() {
        let s: S = serde_json::from_str(r#"{"x": "0.1", "v": [1.5, "-3", -4, "1e-7"]}"#).unwrap();
        assert_eq!(
            s,
            S {
                x: 0.1,
                v: vec![1.5, -3.0, -4.0, 1e-7]
            }
        );
        assert!(serde_json::from_str::<S>(r#"{"x": "abc", "v": []}"#).is_err());
    }
}

//! One cell's meaning: missing (an NA token), a number, or text.
//!
//! The rules are the reader's (see [`crate::read`]): a cell is missing if it is blank or equals
//! an NA token as written or trimmed; a number is what `str::parse::<f64>` accepts after
//! trimming. The fast path below recognises plain decimal numbers without building a `&str`,
//! and hands anything else to those rules.

use std::collections::HashSet;

use crate::read::options::{CsvOptions, DEFAULT_NA_VALUES};

/// The tokens that mean "missing".
#[derive(Debug)]
pub(crate) struct NaSet {
    tokens: HashSet<Box<[u8]>>,
    /// Bit `min(len, 63)` of entry `b` is set when a token of that length starts with byte `b`:
    /// most cells are ruled out by two loads, without hashing.
    first_byte_lengths: Box<[u64; 256]>,
}

impl NaSet {
    pub(crate) fn new(options: &CsvOptions) -> NaSet {
        let mut tokens: HashSet<Box<[u8]>> = options
            .extra_na_values()
            .iter()
            .map(|s| s.as_bytes().into())
            .collect();
        if options.keeps_default_na() {
            tokens.extend(DEFAULT_NA_VALUES.iter().map(|s| s.as_bytes().into()));
        }
        let mut first_byte_lengths = Box::new([0u64; 256]);
        for t in &tokens {
            if let Some(&b) = t.first() {
                first_byte_lengths[b as usize] |= 1 << t.len().min(63);
            }
        }
        NaSet {
            tokens,
            first_byte_lengths,
        }
    }

    /// Whether `cell`, as written, can be an NA token (false means certainly not).
    #[inline(always)]
    pub(crate) fn may_be_token(&self, cell: &[u8]) -> bool {
        match cell.first() {
            None => true,
            Some(&b) => self.first_byte_lengths[b as usize] >> cell.len().min(63) & 1 == 1,
        }
    }

    /// [`is_na`](Self::is_na) on the bytes of a cell known to be UTF-8: without building a
    /// `&str` or trimming when the cell neither starts nor ends with what `str::trim` removes.
    #[inline]
    pub(crate) fn is_na_utf8(&self, cell: &[u8]) -> bool {
        // What str::trim removes, among ASCII bytes (vertical tab too); other bytes may start a
        // Unicode space, so those cells take the general path.
        let plain =
            |b: u8| b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
        match (cell.first(), cell.last()) {
            (Some(&a), Some(&b)) if plain(a) && plain(b) => {
                self.may_be_token(cell) && self.tokens.contains(cell)
            }
            _ => std::str::from_utf8(cell).is_ok_and(|c| self.is_na(c)),
        }
    }

    /// Whether a cell is missing: blank, or an NA token as written or trimmed.
    pub(crate) fn is_na(&self, cell: &str) -> bool {
        let trimmed = cell.trim();
        trimmed.is_empty()
            || (self.may_be_token(cell.as_bytes()) && self.tokens.contains(cell.as_bytes()))
            || (self.may_be_token(trimmed.as_bytes()) && self.tokens.contains(trimmed.as_bytes()))
    }
}

/// Why a cell is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// `str::parse::<f64>` refuses it: the column is not numeric.
    NotANumber,
    /// It parses, but to ±∞ or NaN (`inf`, `1e999`).
    NotFinite,
}

/// The number in a (non-missing) cell, surrounding whitespace ignored.
pub(crate) fn parse_number(cell: &str) -> Result<f64, NumberError> {
    match cell.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(NumberError::NotFinite),
        Err(_) => Err(NumberError::NotANumber),
    }
}

/// A plain decimal number at the start of `input` (`-`, `.` or a digit first; digits, point and
/// exponent after) and how many bytes it takes; `None` for anything else (signs `+`, words such
/// as `inf`, overflow), which the caller reads by the rules instead. The caller must check that
/// the field ends right after it.
///
/// fast-float2 implements the same grammar and correct rounding as the standard library's parser
/// (which was ported from the same algorithm), on bytes and without a UTF-8 check; the property
/// test below checks the two agree.
#[inline(always)]
pub(crate) fn fast_number(input: &[u8]) -> Option<(f64, usize)> {
    let first = *input.first()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'.') {
        return None;
    }
    match fast_float2::parse_partial::<f64, _>(input) {
        Ok((x, n)) if x.is_finite() => Some((x, n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn na_tokens_match_pandas_and_trim() {
        let na = NaSet::new(&CsvOptions::new().na_values(["?"]));
        for t in [
            "", "  ", "NA", " NA ", "nan", "NULL", "#N/A", "?", "None", "-1.#IND",
        ] {
            assert!(na.is_na(t), "{t:?}");
        }
        for t in ["unknown", "0", "na", "none", "NAN", "1.#INDX"] {
            assert!(!na.is_na(t), "{t:?}");
        }
        let bare = NaSet::new(&CsvOptions::new().keep_default_na(false));
        assert!(bare.is_na("") && !bare.is_na("NA"));
        for t in [
            "",
            " ",
            "NA",
            "\u{b}NA",
            "NA\u{a0}",
            "x",
            "N A",
            "\u{3000}null",
        ] {
            assert_eq!(na.is_na_utf8(t.as_bytes()), na.is_na(t), "{t:?}");
        }
        let numbers = NaSet::new(&CsvOptions::new().na_values(["-999"]));
        assert!(numbers.may_be_token(b"-999") && numbers.is_na(" -999"));
        assert!(!numbers.may_be_token(b"-998.5"));
    }

    #[test]
    fn fast_path_leaves_the_odd_cases_to_the_rules() {
        assert_eq!(fast_number(b"1.5,2"), Some((1.5, 3)));
        assert_eq!(fast_number(b"-0.25e-3\n"), Some((-0.25e-3, 8)));
        for odd in [
            &b"+1"[..],
            b"inf",
            b"-inf",
            b"1e999",
            b"nan",
            b" 1",
            b"",
            b"-nan",
        ] {
            assert_eq!(fast_number(odd), None, "{:?}", String::from_utf8_lossy(odd));
        }
        // Stops where the grammar stops; the caller sees "e" is no field end.
        assert_eq!(fast_number(b"1e"), Some((1.0, 1)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Whatever the fast path accepts as a whole cell, the standard parser accepts with the
        /// same bits.
        #[test]
        fn fast_path_agrees_with_std(text in "[-+.eE0-9]{1,30}") {
            if let Some((x, n)) = fast_number(text.as_bytes()) {
                if n == text.len() {
                    let std: f64 = text.parse().map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
                    prop_assert_eq!(std.to_bits(), x.to_bits(), "{}", text);
                }
            }
        }

        /// The byte-level NA check is the `&str` one.
        #[test]
        fn na_fast_path_agrees(text in "[ \t\u{b}\u{a0}\u{3000}NAaul#/?-]{0,6}") {
            let na = NaSet::new(&CsvOptions::new().na_values(["?", " A"]));
            prop_assert_eq!(na.is_na_utf8(text.as_bytes()), na.is_na(&text), "{:?}", text);
        }

        /// Long digit strings (more than the 19 significant digits of the fast algorithm).
        #[test]
        fn long_mantissas_agree(int in "[1-9][0-9]{0,25}", frac in "[0-9]{0,30}", exp in -330i32..310) {
            let text = format!("{int}.{frac}e{exp}");
            if let Some((x, n)) = fast_number(text.as_bytes()) {
                prop_assert_eq!(n, text.len());
                prop_assert_eq!(text.parse::<f64>().map(f64::to_bits).ok(), Some(x.to_bits()));
            } else {
                prop_assert!(!text.parse::<f64>().is_ok_and(f64::is_finite), "{}", text);
            }
        }
    }
}

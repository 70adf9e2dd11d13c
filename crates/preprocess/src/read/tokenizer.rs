//! Splitting CSV text into records and fields, exactly as the `csv` crate (csv-core) does with
//! its defaults: any of `\r`, `\n`, `\r\n` ends a record, line ends at the start of a record are
//! skipped (so empty lines vanish), a quote opens a quoted field only as a field's first byte,
//! `""` inside quotes is one quote, text after a closing quote is kept literally, and input
//! that ends inside quotes ends the field there.
//!
//! The differential test in this module checks these rules against csv-core on random text.

use memchr::{memchr, memchr3, memrchr2};

/// What ended a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldEnd {
    /// The delimiter: another field of the same record follows.
    Delimiter,
    /// A line end: the record is complete.
    Terminator,
    /// The end of the input: the record ends here (complete only if the input is).
    Eof,
}

/// Where a field's bytes are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The bytes are the raw quoted form (from the opening quote) and must be unescaped.
    pub(crate) escaped: bool,
}

/// The delimiter and quote of a CSV dialect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tokenizer {
    pub(crate) delimiter: u8,
    pub(crate) quote: u8,
}

#[inline(always)]
pub(crate) fn is_line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

impl Tokenizer {
    /// Moves `pos` past the line ends before a record; false if the input has no record left.
    #[inline]
    pub(crate) fn start_record(&self, input: &[u8], pos: &mut usize) -> bool {
        while *pos < input.len() && is_line_end(input[*pos]) {
            *pos += 1;
        }
        *pos < input.len()
    }

    /// What ends a field at `end` (a field whose bytes were found another way, e.g. by parsing a
    /// number), if something does: the delimiter, a line end or the end of input.
    #[inline(always)]
    pub(crate) fn end_at(&self, input: &[u8], end: usize) -> Option<FieldEnd> {
        match input.get(end) {
            None => Some(FieldEnd::Eof),
            Some(&b) if b == self.delimiter => Some(FieldEnd::Delimiter),
            Some(&b) if is_line_end(b) => Some(FieldEnd::Terminator),
            Some(_) => None,
        }
    }

    /// Where reading resumes after a field that ends at `end` with `how`.
    #[inline(always)]
    pub(crate) fn resume(end: usize, how: FieldEnd) -> usize {
        match how {
            FieldEnd::Eof => end,
            FieldEnd::Delimiter | FieldEnd::Terminator => end + 1,
        }
    }

    /// The unquoted run from `from` to the next delimiter or line end.
    #[inline]
    fn unquoted(&self, input: &[u8], from: usize) -> (usize, FieldEnd) {
        match memchr3(self.delimiter, b'\n', b'\r', &input[from..]) {
            None => (input.len(), FieldEnd::Eof),
            Some(k) => {
                let end = from + k;
                let how = if input[end] == self.delimiter {
                    FieldEnd::Delimiter
                } else {
                    FieldEnd::Terminator
                };
                (end, how)
            }
        }
    }

    /// One field starting at `pos` (the start of a field); moves `pos` past what ended it.
    pub(crate) fn field(&self, input: &[u8], pos: &mut usize) -> (Span, FieldEnd) {
        let start = *pos;
        if input.get(start) != Some(&self.quote) {
            let (end, how) = self.unquoted(input, start);
            *pos = Self::resume(end, how);
            let span = Span {
                start,
                end,
                escaped: false,
            };
            return (span, how);
        }
        let mut from = start + 1;
        let mut escaped = false;
        loop {
            let Some(k) = memchr(self.quote, &input[from..]) else {
                // Input ends inside the quotes: the field is what was read.
                *pos = input.len();
                let span = Span {
                    start: if escaped { start } else { start + 1 },
                    end: input.len(),
                    escaped,
                };
                return (span, FieldEnd::Eof);
            };
            let q = from + k;
            let span = |end: usize, escaped: bool| {
                if escaped {
                    Span {
                        start,
                        end,
                        escaped,
                    }
                } else {
                    Span {
                        start: start + 1,
                        end: q,
                        escaped,
                    }
                }
            };
            match input.get(q + 1) {
                None => {
                    *pos = input.len();
                    return (span(q + 1, escaped), FieldEnd::Eof);
                }
                Some(&b) if b == self.quote => {
                    escaped = true;
                    from = q + 2;
                }
                Some(&b) if b == self.delimiter => {
                    *pos = q + 2;
                    return (span(q + 1, escaped), FieldEnd::Delimiter);
                }
                Some(&b) if is_line_end(b) => {
                    *pos = q + 2;
                    return (span(q + 1, escaped), FieldEnd::Terminator);
                }
                Some(_) => {
                    // Text after the closing quote is literal up to the field's end.
                    let (end, how) = self.unquoted(input, q + 1);
                    *pos = Self::resume(end, how);
                    return (span(end, true), how);
                }
            }
        }
    }

    /// A field's text: a slice of the input, or unescaped into `scratch`.
    pub(crate) fn text<'a>(
        &self,
        input: &'a [u8],
        span: Span,
        scratch: &'a mut Vec<u8>,
    ) -> &'a [u8] {
        let raw = &input[span.start..span.end];
        if !span.escaped {
            return raw;
        }
        scratch.clear();
        // raw[0] is the opening quote.
        let mut i = 1;
        while i < raw.len() {
            let b = raw[i];
            if b != self.quote {
                scratch.push(b);
                i += 1;
            } else if raw.get(i + 1) == Some(&self.quote) {
                scratch.push(self.quote);
                i += 2;
            } else {
                // The closing quote: everything after it is literal.
                scratch.extend_from_slice(&raw[i + 1..]);
                break;
            }
        }
        scratch
    }

    /// The length of the longest prefix of `input` (which starts at a record) that holds only
    /// complete records: everything when `at_eof`, else up to the end of the last record a line
    /// end closes. Quote-aware, so a quoted line end never splits a record.
    pub(crate) fn complete_prefix(&self, input: &[u8], at_eof: bool) -> usize {
        if at_eof {
            return input.len();
        }
        let Some(first_quote) = memchr(self.quote, input) else {
            return memrchr2(b'\n', b'\r', input).map_or(0, |i| i + 1);
        };
        // Before the first quote every line end ends a record; start from the last of them.
        let mut pos = memrchr2(b'\n', b'\r', &input[..first_quote]).map_or(0, |i| i + 1);
        let mut complete = pos;
        loop {
            if !self.start_record(input, &mut pos) {
                return pos;
            }
            loop {
                match self.field(input, &mut pos).1 {
                    FieldEnd::Delimiter => {}
                    FieldEnd::Terminator => {
                        complete = pos;
                        break;
                    }
                    FieldEnd::Eof => return complete,
                }
            }
        }
    }

    /// Every record of `input` as fields (for tests and the header).
    #[cfg(test)]
    pub(crate) fn records(&self, input: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut scratch = Vec::new();
        while self.start_record(input, &mut pos) {
            let mut record = Vec::new();
            loop {
                let (span, how) = self.field(input, &mut pos);
                record.push(self.text(input, span, &mut scratch).to_vec());
                if how != FieldEnd::Delimiter {
                    break;
                }
            }
            out.push(record);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TOK: Tokenizer = Tokenizer {
        delimiter: b',',
        quote: b'"',
    };

    /// What csv-core (through the `csv` crate, as the reader used it before) makes of `input`.
    fn csv_crate(input: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        let mut out = Vec::new();
        for record in reader.byte_records() {
            let record = record.expect("in-memory input cannot fail");
            out.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    #[test]
    fn quoting_rules() {
        let input = b"a,\"b,c\",\"d\"\"e\"\n\r\n\"f\"g\"h,i\r\"j\nk\"\n\"unterminated";
        let want: Vec<Vec<&[u8]>> = vec![
            vec![b"a", b"b,c", b"d\"e"],
            vec![b"fg\"h", b"i"],
            vec![b"j\nk"],
            vec![b"unterminated"],
        ];
        assert_eq!(TOK.records(input), want);
        assert_eq!(csv_crate(input, b','), TOK.records(input));
    }

    #[test]
    fn complete_prefix_never_splits_quotes() {
        let input = b"a,b\n\"x\ny\",z\n1,\"2";
        assert_eq!(TOK.complete_prefix(input, false), 12);
        assert_eq!(TOK.complete_prefix(input, true), input.len());
        assert_eq!(TOK.complete_prefix(b"abc", false), 0);
        assert_eq!(TOK.complete_prefix(b"a\r", false), 2);
        // A closing quote at the very end could still be the first half of `""`.
        assert_eq!(TOK.complete_prefix(b"1\n\"a\"", false), 2);
    }

    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let atoms = prop::sample::select(vec![
            "a", "b", ",", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", "1", " ", "x\"y", "\u{e9}",
        ]);
        prop::collection::vec(atoms, 0..60).prop_map(|parts| parts.concat().into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The records are csv-core's, byte for byte, for any delimiter.
        #[test]
        fn same_records_as_csv_core(input in csvish(), delimiter in prop::sample::select(vec![b',', b';'])) {
            let tok = Tokenizer { delimiter, quote: b'"' };
            prop_assert_eq!(tok.records(&input), csv_crate(&input, delimiter));
        }

        /// Cutting at `complete_prefix` and reading the two parts gives the records of the whole.
        #[test]
        fn complete_prefix_is_a_record_boundary(input in csvish(), cut in 0usize..80) {
            let cut = cut.min(input.len());
            let split = TOK.complete_prefix(&input[..cut], false);
            let mut both = TOK.records(&input[..split]);
            both.extend(TOK.records(&input[split..]));
            prop_assert_eq!(both, TOK.records(&input));
        }
    }
}

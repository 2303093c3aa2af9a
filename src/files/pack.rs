//! [`PackedFile`]: a [`FileResult`] held as a few bytes between extraction and output.
//!
//! A large repository has thousands of files with facts, and a report needs every one of them
//! until its output is written. Decoded, a file's facts are vectors of structs of strings
//! (some 400 bytes a reference); packed, they are one boxed byte string of variable-length
//! integers and string bytes, about a quarter of that. A report unpacks one file at a time
//! ([`crate::engine::Report`]), so memory holds the packed files and one file unpacked.
//!
//! The encoding is private to one run: it is never written to disk, so it needs no version.
//! Unpacking never panics; a property test holds `unpack(pack(f))` equal to `f` on every
//! fixture and on mutated files (`tests/fuzz.rs`).

use super::FileResult;
use crate::catalog::Resolution;
use crate::date::Date;
use crate::diagnostic::Span;
use crate::extract::{
    Directive, DirectiveKind, FileFacts, LimitRef, ModelRef, SiteFact, TableModel, UsageHint, Via,
};
use crate::lang::Lang;
use std::ops::Range;

/// A [`FileResult`] packed: its path as is (to sort and look up by), the rest encoded.
#[derive(Debug, Clone)]
pub struct PackedFile {
    /// The path as reported ([`FileResult::path`]).
    pub path: String,
    bytes: Box<[u8]>,
}

impl PackedFile {
    /// Packs `file`.
    pub fn pack(file: FileResult) -> PackedFile {
        let FileResult {
            path,
            policy_path,
            lang,
            facts,
        } = file;
        let mut w = Writer(Vec::with_capacity(256));
        w.opt_str(policy_path.as_deref());
        w.uint(lang_code(lang));
        w.facts(&facts);
        PackedFile {
            path,
            bytes: w.0.into_boxed_slice(),
        }
    }

    /// The file as it was packed.
    pub fn unpack(&self) -> FileResult {
        let mut r = Reader(&self.bytes);
        let policy_path = r.opt_string();
        let lang = Lang::ALL
            .get(r.uint() as usize)
            .copied()
            .unwrap_or(Lang::Python);
        let facts = r.facts();
        FileResult {
            path: self.path.clone(),
            policy_path,
            lang,
            facts,
        }
    }
}

/// `lang`'s place in [`Lang::ALL`]; the match makes a new format a compile error here.
fn lang_code(lang: Lang) -> u64 {
    match lang {
        Lang::Python => 0,
        Lang::JavaScript => 1,
        Lang::TypeScript => 2,
        Lang::Tsx => 3,
        Lang::Yaml => 4,
        Lang::Json => 5,
        Lang::Env => 6,
        Lang::Dockerfile => 7,
    }
}

struct Writer(Vec<u8>);

impl Writer {
    /// LEB128: seven bits a byte, low first.
    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn bool(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.bool(true);
                self.str(s);
            }
            None => self.bool(false),
        }
    }

    fn opt_uint(&mut self, v: Option<u64>) {
        match v {
            Some(v) => {
                self.bool(true);
                self.uint(v);
            }
            None => self.bool(false),
        }
    }

    fn span(&mut self, s: &Span) {
        let Span {
            line,
            column,
            end_line,
            end_column,
            start_byte,
            end_byte,
        } = *s;
        self.uint(u64::from(line));
        self.uint(u64::from(column));
        self.uint(u64::from(end_line));
        self.uint(u64::from(end_column));
        self.uint(start_byte as u64);
        self.uint(end_byte as u64);
    }

    fn range(&mut self, r: &Range<usize>) {
        self.uint(r.start as u64);
        self.uint(r.end as u64);
    }

    fn resolution(&mut self, r: &Resolution) {
        match r {
            Resolution::Exact { id } => {
                self.uint(0);
                self.str(id);
            }
            Resolution::Approximate { id, why } => {
                self.uint(1);
                self.str(id);
                self.str(why);
            }
            Resolution::Deployment { name, id } => {
                self.uint(2);
                self.str(name);
                self.str(id);
            }
            Resolution::Unknown => self.uint(3),
        }
    }

    fn via(&mut self, v: &Via) {
        match v {
            Via::Literal => self.uint(0),
            Via::Constant { name, line } => {
                self.uint(1);
                self.str(name);
                self.uint(u64::from(*line));
            }
            Via::EnvDefault { var } => {
                self.uint(2);
                self.str(var);
            }
            Via::Call { callee } => {
                self.uint(3);
                self.str(callee);
            }
        }
    }

    fn facts(&mut self, f: &FileFacts) {
        let FileFacts {
            refs,
            limits,
            sites,
            directives,
            problems,
            dynamic_models,
            had_syntax_errors,
        } = f;
        self.uint(refs.len() as u64);
        for ModelRef {
            text,
            span,
            resolution,
        } in refs
        {
            self.str(text);
            self.span(span);
            self.resolution(resolution);
        }
        self.uint(limits.len() as u64);
        for LimitRef {
            param,
            value,
            value_line,
            conditional,
            table_model,
            span,
            bound,
        } in limits
        {
            self.str(param);
            self.opt_uint(*value);
            self.opt_uint(value_line.map(u64::from));
            self.bool(*conditional);
            match table_model {
                Some(TableModel { text, line }) => {
                    self.bool(true);
                    self.str(text);
                    self.uint(u64::from(*line));
                }
                None => self.bool(false),
            }
            self.span(span);
            self.bool(*bound);
        }
        self.uint(sites.len() as u64);
        for SiteFact {
            span,
            key,
            model,
            via,
            limit,
            enclosing,
        } in sites
        {
            self.span(span);
            self.opt_str(key.as_deref());
            self.uint(*model as u64);
            self.via(via);
            self.opt_uint(limit.map(|l| l as u64));
            self.opt_str(enclosing.as_deref());
        }
        self.uint(directives.len() as u64);
        for Directive { kind, span, covers } in directives {
            match kind {
                DirectiveKind::Ignore {
                    checks,
                    reason,
                    until,
                } => {
                    self.uint(0);
                    self.uint(checks.len() as u64);
                    for c in checks {
                        self.str(c);
                    }
                    self.opt_str(reason.as_deref());
                    match until {
                        Some(d) => {
                            self.bool(true);
                            self.int(d.days());
                        }
                        None => self.bool(false),
                    }
                }
                DirectiveKind::Usage(UsageHint {
                    calls_per_day,
                    input_tokens,
                    cached_input_tokens,
                }) => {
                    self.uint(1);
                    self.opt_uint(*calls_per_day);
                    self.opt_uint(*input_tokens);
                    self.opt_uint(*cached_input_tokens);
                }
            }
            self.span(span);
            self.uint(covers.len() as u64);
            for r in covers {
                self.range(r);
            }
        }
        self.uint(problems.len() as u64);
        for (span, message) in problems {
            self.span(span);
            self.str(message);
        }
        self.uint(u64::from(*dynamic_models));
        self.bool(*had_syntax_errors);
    }
}

/// Reads what [`Writer`] wrote. Past the end it reads zeros and empty strings, so that it
/// cannot panic; it is only ever given a [`Writer`]'s bytes.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        v
    }

    fn u32(&mut self) -> u32 {
        u32::try_from(self.uint()).unwrap_or(u32::MAX)
    }

    fn usize(&mut self) -> usize {
        usize::try_from(self.uint()).unwrap_or(usize::MAX)
    }

    fn int(&mut self) -> i64 {
        let v = self.uint();
        ((v >> 1) as i64) ^ -((v & 1) as i64)
    }

    fn bool(&mut self) -> bool {
        self.byte() != 0
    }

    fn string(&mut self) -> String {
        let len = self.usize().min(self.0.len());
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8_lossy(s).into_owned()
    }

    fn opt_string(&mut self) -> Option<String> {
        self.bool().then(|| self.string())
    }

    fn opt_uint(&mut self) -> Option<u64> {
        self.bool().then(|| self.uint())
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    fn count(&mut self) -> usize {
        self.usize().min(self.0.len())
    }

    fn span(&mut self) -> Span {
        Span {
            line: self.u32(),
            column: self.u32(),
            end_line: self.u32(),
            end_column: self.u32(),
            start_byte: self.usize(),
            end_byte: self.usize(),
        }
    }

    fn range(&mut self) -> Range<usize> {
        let start = self.usize();
        start..self.usize()
    }

    fn resolution(&mut self) -> Resolution {
        match self.uint() {
            0 => Resolution::Exact { id: self.string() },
            1 => Resolution::Approximate {
                id: self.string(),
                why: self.string(),
            },
            2 => Resolution::Deployment {
                name: self.string(),
                id: self.string(),
            },
            _ => Resolution::Unknown,
        }
    }

    fn via(&mut self) -> Via {
        match self.uint() {
            1 => Via::Constant {
                name: self.string(),
                line: self.u32(),
            },
            2 => Via::EnvDefault { var: self.string() },
            3 => Via::Call {
                callee: self.string(),
            },
            _ => Via::Literal,
        }
    }

    fn facts(&mut self) -> FileFacts {
        let refs = (0..self.count())
            .map(|_| ModelRef {
                text: self.string(),
                span: self.span(),
                resolution: self.resolution(),
            })
            .collect();
        let limits = (0..self.count())
            .map(|_| LimitRef {
                param: self.string(),
                value: self.opt_uint(),
                value_line: self
                    .opt_uint()
                    .map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
                conditional: self.bool(),
                table_model: self.bool().then(|| TableModel {
                    text: self.string(),
                    line: self.u32(),
                }),
                span: self.span(),
                bound: self.bool(),
            })
            .collect();
        let sites = (0..self.count())
            .map(|_| SiteFact {
                span: self.span(),
                key: self.opt_string(),
                model: self.usize(),
                via: self.via(),
                limit: self
                    .opt_uint()
                    .map(|l| usize::try_from(l).unwrap_or(usize::MAX)),
                enclosing: self.opt_string(),
            })
            .collect();
        let directives = (0..self.count())
            .map(|_| {
                let kind = match self.uint() {
                    0 => DirectiveKind::Ignore {
                        checks: (0..self.count()).map(|_| self.string()).collect(),
                        reason: self.opt_string(),
                        until: self.bool().then(|| Date::from_days(self.int())),
                    },
                    _ => DirectiveKind::Usage(UsageHint {
                        calls_per_day: self.opt_uint(),
                        input_tokens: self.opt_uint(),
                        cached_input_tokens: self.opt_uint(),
                    }),
                };
                Directive {
                    kind,
                    span: self.span(),
                    covers: (0..self.count()).map(|_| self.range()).collect(),
                }
            })
            .collect();
        let problems = (0..self.count())
            .map(|_| (self.span(), self.string()))
            .collect();
        FileFacts {
            refs,
            limits,
            sites,
            directives,
            problems,
            dynamic_models: self.u32(),
            had_syntax_errors: self.bool(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_code() {
        for (i, lang) in Lang::ALL.iter().enumerate() {
            assert_eq!(lang_code(*lang), i as u64);
        }
    }

    #[test]
    fn integers_round_trip_at_their_limits() {
        let mut w = Writer(Vec::new());
        for v in [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
            w.uint(v);
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            w.int(v);
        }
        let mut r = Reader(&w.0);
        for v in [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.uint(), v);
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.int(), v);
        }
        assert!(r.0.is_empty());
    }

    #[test]
    fn reading_past_the_end_gives_empty_facts() {
        let mut r = Reader(&[0xff, 0xff]);
        let facts = r.facts();
        assert!(facts.refs.is_empty() && facts.sites.is_empty());
    }
}

//! The outline of a JavaScript, TypeScript or Python file: the bodies that hold nothing
//! extraction could report are blanked (every byte but line breaks and tabs becomes a space), so
//! tree-sitter parses the code around the prefilter's marks and the structure above them
//! instead of the whole file. Bodies are those of braces (`js.rs`), and in Python the indented
//! bodies of `def`, `class`, `if`… (`python.rs`).
//!
//! A large test file spends most of its bytes on mocks and assertions; its model names sit in a
//! handful of calls. Parsing `describe(…, () => {   …spaces…   })` costs a fraction of parsing
//! the bodies, and offsets, lines and columns stay those of the file.
//!
//! A body is kept when it holds a model or limit token (whether the prefilter counted it or
//! not), a `costlint:` directive, or a model key whose value could lead to a model. A model key
//! is weighed on its text: `modelId: 'mock-model-id'` (a string that names no model) and
//! `model: new MockModel({ … })` (a call whose first argument is an object) lead nowhere, as
//! extraction follows only strings, names, calls' first arguments and fallbacks.
//!
//! An outline never changes what extraction reports: the caller falls back to the whole file
//! when the outline parses with a syntax error (a brace read wrongly, say in an unusual regex
//! literal) or when extraction looked up a name that a blanked body may define (a constant it
//! might have followed).

mod js;
mod python;

use crate::lang::Lang;
use crate::prefilter::{key_span, Hits};
use crate::rules::ExtractRules;
use std::ops::Range;

/// When a file is worth an outline, and which bodies are worth blanking.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Smaller files are parsed whole: scanning them would cost more than it saves.
    pub file: usize,
    /// Shorter bodies stay: blanking them saves next to nothing.
    pub body: usize,
    /// An outline must blank at least this part of its file (1/`share`), or the file is parsed
    /// whole.
    pub share: usize,
}

impl Default for Sizes {
    fn default() -> Sizes {
        Sizes {
            file: 1024,
            body: 16,
            share: 8,
        }
    }
}

pub struct Skeleton<'t> {
    /// The file with the blanked bodies: what tree-sitter parses.
    pub text: String,
    original: &'t str,
    blanked: Vec<Range<usize>>,
    /// Python: a name at the start of a line followed by `:` is an annotated definition.
    python: bool,
}

impl<'t> Skeleton<'t> {
    /// The outline of `src` given the prefilter's `hits`; `None` when there is little to blank
    /// or the brackets do not balance. `is_model` tells whether a string names a model.
    pub fn new(
        src: &'t str,
        lang: Lang,
        hits: &Hits,
        is_model: impl Fn(&str) -> bool,
        sizes: Sizes,
    ) -> Option<Skeleton<'t>> {
        let python = match lang {
            Lang::Python => true,
            // JSON is read as JavaScript: it has no regex or template to mislead the scan.
            Lang::JavaScript | Lang::TypeScript | Lang::Json => false,
            _ => return None,
        };
        if src.len() < sizes.file {
            return None;
        }
        // A file that was not valid UTF-8 is read with replacement characters, which the parser
        // takes for syntax errors: a blanked body would hide one, and the whole file's parse
        // may recover from it differently. Such files are rare; they are parsed whole.
        if src.contains(char::REPLACEMENT_CHARACTER) {
            return None;
        }
        let bytes = src.as_bytes();
        let mut marks = hits.marks.clone();
        let mut calls = Vec::new();
        let rules = ExtractRules::get();
        let mut last_key = usize::MAX;
        for &w in &hits.words {
            let key = key_span(bytes, w);
            if key.start == last_key {
                continue;
            }
            last_key = key.start;
            let is_key =
                std::str::from_utf8(&bytes[key.clone()]).is_ok_and(|k| rules.is_model_key(k));
            if !is_key {
                continue;
            }
            match weigh(bytes, key.end, &is_model) {
                Weight::Nothing => {}
                Weight::Something => marks.push(key.start),
                Weight::Call(open) => calls.push(open),
            }
        }
        marks.sort_unstable();
        calls.sort_unstable();
        let bodies = if python {
            python::bodies(bytes, &marks, &calls, sizes.body)?
        } else {
            js::bodies(bytes, &marks, &calls, sizes.body)?
                .into_iter()
                .map(|range| Body { range, stub: None })
                .collect()
        };
        let saved: usize = bodies.iter().map(|b| b.range.len()).sum();
        if saved == 0 || saved < src.len() / sizes.share.max(1) {
            return None;
        }
        let mut text = bytes.to_vec();
        for b in &bodies {
            for c in &mut text[b.range.clone()] {
                // Tabs stay: the Python parser counts a tab as eight columns, so a
                // stub indented with spaces would leave its body.
                if !matches!(*c, b'\n' | b'\r' | b'\t') {
                    *c = b' ';
                }
            }
            if let Some(at) = b.stub {
                text[at] = b'0';
            }
        }
        // Every body starts and ends next to an ASCII byte (a bracket, a line break): whole
        // characters were replaced.
        let text = String::from_utf8(text).ok()?;
        Some(Skeleton {
            text,
            original: src,
            blanked: bodies.into_iter().map(|b| b.range).collect(),
            python,
        })
    }

    /// May a blanked body assign `name` a value (`name = …`, `const name: T = …`)? Extraction
    /// follows same-file constants, and the whole file might give it another definition.
    pub fn hides(&self, name: &str) -> bool {
        let finder = memchr::memmem::Finder::new(name.as_bytes());
        let src = self.original.as_bytes();
        let word = |at: Option<usize>| at.and_then(|i| src.get(i)).is_some_and(|&b| is_ident(b));
        self.blanked.iter().any(|r| {
            finder.find_iter(&src[r.clone()]).any(|i| {
                let at = r.start + i;
                let end = at + name.len();
                if word(at.checked_sub(1)) || word(Some(end)) {
                    return false;
                }
                let next = skip_blanks(src, end);
                match src.get(next) {
                    Some(b'=') => !matches!(src.get(next + 1), Some(b'=' | b'>')),
                    // A type annotation, in a declaration (`let a: A, b: B = …`, in Python
                    // `LIMIT: int = …` anywhere: after a syntax error on its line the parser
                    // still reads it as one).
                    Some(b':' | b'!') => {
                        let before = src[..at].trim_ascii_end();
                        before.ends_with(b",")
                            || self.python
                            || [&b"const"[..], b"let", b"var"].iter().any(|k| {
                                before.ends_with(k) && !word(before.len().checked_sub(k.len() + 1))
                            })
                    }
                    _ => false,
                }
            })
        })
    }
}

/// A body to blank, and where a blanked indented Python body keeps a `0` statement.
struct Body {
    range: Range<usize>,
    stub: Option<usize>,
}

/// What a model key may lead extraction to.
#[derive(Debug, PartialEq)]
enum Weight {
    /// Not a key (`model.doGenerate()`, `{ model }`), or a value that names no model.
    Nothing,
    /// A value that may lead to a model, or one too complex to tell: its body is kept.
    Something,
    /// A call whose first argument is an object, an array or nothing (`new MockModel({ … })`):
    /// nothing, unless the call is part of a larger value (`f({ … }) || 'acme-7'`). Holds the
    /// offset of the call's `(`, which the scan resolves at the matching `)`.
    Call(usize),
}

/// Weighs the model key that ends at `end`.
fn weigh(src: &[u8], end: usize, is_model: &impl Fn(&str) -> bool) -> Weight {
    let mut i = end;
    if matches!(src.get(i), Some(b'"' | b'\'')) {
        i += 1; // a quoted key: `"model": …`
    }
    i = skip_blanks(src, i);
    match src.get(i) {
        Some(b':') if src.get(i + 1) != Some(&b':') => {}
        Some(b'=') if !matches!(src.get(i + 1), Some(b'=' | b'>')) => {}
        // A typed declaration: `model?: string = …`; or a line break or a comment before the
        // `=` (`model  # the default\n= "x-7"`), not read here.
        Some(b'?' | b'!' | b'\n' | b'\r' | b'#' | b'/') => return Weight::Something,
        // The name used, not given a value.
        _ => return Weight::Nothing,
    }
    let v = skip_blanks(src, i + 1);
    match src.get(v) {
        Some(&quote @ (b'"' | b'\'')) => {
            let Some(len) = src[v + 1..]
                .iter()
                .position(|&b| b == quote || b == b'\\' || b == b'\n')
            else {
                return Weight::Something;
            };
            let close = v + 1 + len;
            let plain = src[close] == quote
                && std::str::from_utf8(&src[v + 1..close]).is_ok_and(|s| !is_model(s));
            if plain && value_ends(src, close + 1) {
                Weight::Nothing
            } else {
                Weight::Something
            }
        }
        Some(&b) if is_ident(b) && !b.is_ascii_digit() => {
            let mut j = v;
            if src[j..].starts_with(b"new") && src.get(j + 3).is_some_and(|b| *b == b' ') {
                j = skip_blanks(src, j + 3);
            }
            let callee = j;
            loop {
                let start = j;
                while src.get(j).is_some_and(|&b| is_ident(b)) {
                    j += 1;
                }
                if j == start {
                    return Weight::Something;
                }
                if src.get(j) != Some(&b'.') {
                    break;
                }
                j += 1;
            }
            let env = std::str::from_utf8(&src[callee..j])
                .is_ok_and(|c| ExtractRules::get().is_env_getter(c));
            if src.get(j) != Some(&b'(') || env {
                return Weight::Something;
            }
            let first = skip_space(src, j + 1);
            if matches!(src.get(first), Some(b'{' | b'[' | b')')) {
                Weight::Call(j)
            } else {
                Weight::Something
            }
        }
        _ => Weight::Something,
    }
}

/// Does a value end at `i` (after white space): a `,`, a closing bracket, a `;` or the file's
/// end, not an operator that continues it (`|| 'acme-7'`)?
fn value_ends(src: &[u8], i: usize) -> bool {
    let i = skip_space(src, i);
    src.get(i)
        .is_none_or(|b| matches!(b, b',' | b'}' | b')' | b']' | b';'))
}

fn skip_blanks(src: &[u8], mut i: usize) -> usize {
    while matches!(src.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

fn skip_space(src: &[u8], mut i: usize) -> usize {
    while src.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$') || !b.is_ascii()
}

#[derive(Clone, Copy, PartialEq)]
enum Bracket {
    Brace,
    /// `${` in a template literal.
    Substitution,
    Paren,
    /// The `(` of a call weighed as [`Weight::Call`].
    Call,
}

struct Open {
    at: usize,
    bracket: Bracket,
    /// Holds a mark: the body stays.
    marked: bool,
}

/// What both languages' scans keep of brackets: the open ones, which of them hold a mark, the
/// outermost brace bodies of more than `min` bytes that hold none, and the calls weighed as
/// nothing whose value goes on past them. The scans only tell it where brackets are.
struct Brackets<'m> {
    marks: &'m [usize],
    calls: &'m [usize],
    min: usize,
    open: Vec<Open>,
    next_mark: usize,
    next_call: usize,
    /// The outermost unmarked brace bodies so far, in order.
    bodies: Vec<Range<usize>>,
    /// The `(` of each call weighed as nothing whose value goes on (`f({ … }) || 'acme-7'`).
    called: Vec<usize>,
}

impl<'m> Brackets<'m> {
    /// `marks` and `calls` are sorted.
    fn new(marks: &'m [usize], calls: &'m [usize], min: usize) -> Brackets<'m> {
        Brackets {
            marks,
            calls,
            min,
            open: Vec::new(),
            next_mark: 0,
            next_call: 0,
            bodies: Vec::new(),
            called: Vec::new(),
        }
    }

    /// Marks passed before `i` (a string or a name is skipped at once) are in the innermost
    /// open bracket.
    fn pass(&mut self, i: usize) {
        while self.marks.get(self.next_mark).is_some_and(|&m| m <= i) {
            if let Some(top) = self.open.last_mut() {
                top.marked = true;
            }
            self.next_mark += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// A `{`, `(` or `[` at `at`; a `(` weighed as a call is a [`Bracket::Call`].
    fn open(&mut self, at: usize, b: u8) {
        while self.calls.get(self.next_call).is_some_and(|&c| c < at) {
            self.next_call += 1;
        }
        let bracket = match b {
            b'{' => Bracket::Brace,
            b'(' if self.calls.get(self.next_call) == Some(&at) => Bracket::Call,
            _ => Bracket::Paren,
        };
        self.push(at, bracket);
    }

    /// The `{` of a template's `${` at `at`.
    fn open_substitution(&mut self, at: usize) {
        self.push(at, Bracket::Substitution);
    }

    fn push(&mut self, at: usize, bracket: Bracket) {
        self.open.push(Open {
            at,
            bracket,
            marked: false,
        });
    }

    /// Closes the innermost bracket with the `}`, `)` or `]` at `i`; what it was, or `None`
    /// when `b` does not close it.
    fn close(&mut self, src: &[u8], i: usize, b: u8) -> Option<Bracket> {
        let Open {
            at,
            bracket,
            mut marked,
        } = self.open.pop()?;
        match (b, bracket) {
            (b'}', Bracket::Brace) => {
                debug_assert!(
                    marked || {
                        let k = self.marks.partition_point(|&m| m <= at);
                        self.marks.get(k).is_none_or(|&m| m >= i)
                    },
                    "a mark inside an unmarked body"
                );
                if !marked && i - at > self.min {
                    while self.bodies.last().is_some_and(|r| r.start > at) {
                        self.bodies.pop();
                    }
                    self.bodies.push(at + 1..i);
                }
            }
            (b'}', Bracket::Substitution) | (b')' | b']', Bracket::Paren) => {}
            (b')', Bracket::Call) => {
                if !value_ends(src, i + 1) {
                    marked = true;
                    self.called.push(at);
                }
            }
            _ => return None,
        }
        if marked {
            if let Some(parent) = self.open.last_mut() {
                parent.marked = true;
            }
        }
        Some(bracket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_keys_are_weighed_on_their_values() {
        let is_model = |v: &str| v.contains('-') && v.bytes().any(|b| b.is_ascii_digit());
        let weight = |src: &str| {
            weigh(
                src.as_bytes(),
                src.find("model").unwrap_or(0) + 5,
                &is_model,
            )
        };
        for nothing in [
            "model.doGenerate()",
            "{ model }",
            "f(model)",
            "model === other",
            "model => 1",
            "model: 'mock-model'",
            "\"model\": \"mock\",",
            "model: 'mock'\n}",
        ] {
            assert_eq!(weight(nothing), Weight::Nothing, "{nothing}");
        }
        for something in [
            "model: 'acme-7'",
            "model: 'mock' || 'acme-7'",
            "model: 'mock' as const",
            "model: name",
            "model: openai(name)",
            "model: await load()",
            "model: os.getenv('M', 'x')",
            "model: env.get({ a: 1 })",
            "model?: string = 'x'",
            "model: string = 'x'",
            "model: `tpl`",
            "model: 'it\\'s'",
            "model:\n  'acme-7'",
        ] {
            assert_eq!(weight(something), Weight::Something, "{something}");
        }
        for call in [
            "model: new Mock({ a: 1 })",
            "model: createTestModel([])",
            "model = a.b.c()",
        ] {
            let open = call.find('(').unwrap_or(0);
            assert_eq!(weight(call), Weight::Call(open), "{call}");
        }
    }

    #[test]
    fn hides_finds_definitions_in_blanked_bodies() {
        let body = "const LIMIT = 100; let a: A, TYPED: number = 2; USE(x); o = { KEY: 1 };";
        let src = format!("f(() => {{ {body} }}); g({{ maxTokens: LIMIT, model: 'gpt-4o' }});");
        let hits = Hits {
            wanted: true,
            offsets: Vec::new(),
            marks: vec![src.find("maxTokens").unwrap_or(0)],
            words: Vec::new(),
        };
        let sizes = Sizes {
            file: 0,
            body: 0,
            share: usize::MAX,
        };
        let Some(sk) = Skeleton::new(&src, Lang::TypeScript, &hits, |_| false, sizes) else {
            panic!("expected an outline");
        };
        assert_eq!(sk.text.len(), src.len());
        assert!(sk.text.contains("g({ maxTokens: LIMIT"));
        assert!(!sk.text.contains("const"));
        assert!(sk.hides("LIMIT"));
        assert!(sk.hides("TYPED"));
        // Not whole words, not definitions, or not blanked.
        for name in ["IMIT", "USE", "KEY", "maxTokens", "g"] {
            assert!(!sk.hides(name), "{name}");
        }
    }

    #[test]
    fn a_python_annotation_may_define_a_name_after_a_syntax_error_on_its_line() {
        let src = "if ready:\n    // LIMIT: int = 640\n    other = 1\n\nask(model=\"gpt-4o\", max_tokens=LIMIT)\n";
        let hits = Hits {
            wanted: true,
            offsets: Vec::new(),
            marks: vec![src.find("max_tokens").unwrap_or(0)],
            words: Vec::new(),
        };
        let sizes = Sizes {
            file: 0,
            body: 0,
            share: usize::MAX,
        };
        let Some(sk) = Skeleton::new(src, Lang::Python, &hits, |_| false, sizes) else {
            panic!("expected an outline");
        };
        assert!(!sk.text.contains("LIMIT: int"), "{}", sk.text);
        assert!(sk.hides("LIMIT"));
        assert!(!sk.hides("ready"));
    }
}

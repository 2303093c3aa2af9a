//! The outline of a JavaScript or TypeScript file: the bodies of braces that hold nothing
//! extraction could report are blanked (every byte but line breaks becomes a space), so
//! tree-sitter parses the code around the prefilter's marks and the structure above them
//! instead of the whole file.
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
//! literal) or when extraction looked up a name that a blanked body mentions (a constant it
//! might have followed).

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
}

impl<'t> Skeleton<'t> {
    /// The outline of `src` given the prefilter's `hits`; `None` when there is little to blank
    /// or the brackets do not balance. `is_model` tells whether a string names a model.
    pub fn new(
        src: &'t str,
        hits: &Hits,
        is_model: impl Fn(&str) -> bool,
        sizes: Sizes,
    ) -> Option<Skeleton<'t>> {
        if src.len() < sizes.file {
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
        let blanked = unmarked_bodies(bytes, &marks, &calls, sizes.body)?;
        let saved: usize = blanked.iter().map(|r| r.len()).sum();
        if saved == 0 || saved < src.len() / sizes.share.max(1) {
            return None;
        }
        let mut text = bytes.to_vec();
        for r in &blanked {
            for b in &mut text[r.clone()] {
                if !matches!(*b, b'\n' | b'\r') {
                    *b = b' ';
                }
            }
        }
        // Every range starts after a `{` and ends before a `}`, both ASCII: whole characters
        // were replaced.
        let text = String::from_utf8(text).ok()?;
        Some(Skeleton {
            text,
            original: src,
            blanked,
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
                    // A type annotation, in a declaration (`let a: A, b: B = …`).
                    Some(b':' | b'!') => {
                        let before = src[..at].trim_ascii_end();
                        before.ends_with(b",")
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
        // A typed declaration: `model?: string = …`.
        Some(b'?' | b'!') => return Weight::Something,
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

/// The outermost brace bodies (`{` … `}`, not `${` … `}` in a template) of at least `min`
/// bytes holding no mark and no call weighed as something. Strings, template text, comments
/// and regex literals are skipped, so their brackets do not count. `None` when the brackets
/// do not balance. `marks` and `calls` are sorted.
fn unmarked_bodies(
    src: &[u8],
    marks: &[usize],
    calls: &[usize],
    min: usize,
) -> Option<Vec<Range<usize>>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let (mut next_mark, mut next_call) = (0, 0);
    let mut in_template = false;
    // What a `/` means depends on what came before it: a value (division) or not (a regex).
    let mut after_value = false;
    let mut i = 0;
    while i < src.len() {
        // Marks passed since the last step (a string or a name is skipped at once) are in the
        // innermost open bracket.
        while marks.get(next_mark).is_some_and(|&m| m <= i) {
            if let Some(top) = open.last_mut() {
                top.marked = true;
            }
            next_mark += 1;
        }
        let b = src[i];
        if in_template {
            match b {
                b'\\' => i += 1,
                b'`' => {
                    in_template = false;
                    after_value = true;
                }
                b'$' if src.get(i + 1) == Some(&b'{') => {
                    i += 1;
                    open.push(Open {
                        at: i,
                        bracket: Bracket::Substitution,
                        marked: false,
                    });
                    in_template = false;
                    after_value = false;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' | b'\'' => {
                i = string_end(src, i + 1, b);
                after_value = true;
                continue;
            }
            b'`' => in_template = true,
            b'/' if src.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |n| i + n + 4);
                continue;
            }
            b'/' if !after_value => {
                i = regex_end(src, i + 1);
                after_value = true;
                continue;
            }
            b'{' | b'(' => {
                while calls.get(next_call).is_some_and(|&c| c < i) {
                    next_call += 1;
                }
                let bracket = match b {
                    b'{' => Bracket::Brace,
                    _ if calls.get(next_call) == Some(&i) => Bracket::Call,
                    _ => Bracket::Paren,
                };
                open.push(Open {
                    at: i,
                    bracket,
                    marked: false,
                });
                after_value = false;
            }
            b'}' | b')' => {
                let Open {
                    at,
                    bracket,
                    mut marked,
                } = open.pop()?;
                match (b, bracket) {
                    (b'}', Bracket::Brace) => {
                        let k = marks.partition_point(|&m| m <= at);
                        debug_assert!(marks.get(k).is_none_or(|&m| m >= i) || marked);
                        if !marked && i - at > min {
                            while out.last().is_some_and(|r| r.start > at) {
                                out.pop();
                            }
                            out.push(at + 1..i);
                        }
                        // `}` ends a block more often than an object: a `/` after it starts a
                        // regex.
                        after_value = false;
                    }
                    (b'}', Bracket::Substitution) => in_template = true,
                    (b')', Bracket::Paren) => after_value = true,
                    (b')', Bracket::Call) => {
                        marked |= !value_ends(src, i + 1);
                        after_value = true;
                    }
                    _ => return None,
                }
                if marked {
                    if let Some(parent) = open.last_mut() {
                        parent.marked = true;
                    }
                }
            }
            b']' => after_value = true,
            b if is_ident(b) => {
                let start = i;
                while i < src.len() && is_ident(src[i]) {
                    i += 1;
                }
                // After a keyword such as `return`, a `/` starts a regex.
                after_value = !KEYWORDS_BEFORE_EXPRESSION.contains(&&src[start..i]);
                continue;
            }
            _ => after_value = false,
        }
        i += 1;
    }
    (open.is_empty() && !in_template).then_some(out)
}

const KEYWORDS_BEFORE_EXPRESSION: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"case",
    b"do",
    b"else",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"instanceof",
    b"yield",
    b"await",
];

/// Just past the closing `quote` (or the end of the line, for an unclosed string).
fn string_end(src: &[u8], mut i: usize, quote: u8) -> usize {
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// Just past a regex literal's closing `/` and flags (or the end of the line).
fn regex_end(src: &[u8], mut i: usize) -> usize {
    let mut class = false;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            b'[' => {
                class = true;
                i += 1;
            }
            b']' => {
                class = false;
                i += 1;
            }
            b'/' if !class => {
                i += 1;
                while i < src.len() && src[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return i;
            }
            _ => i += 1,
        }
    }
    src.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies<'s>(src: &'s str, marks: &[usize], calls: &[usize]) -> Vec<&'s str> {
        unmarked_bodies(src.as_bytes(), marks, calls, 0)
            .unwrap_or_default()
            .into_iter()
            .map(|r| src[r].trim())
            .collect()
    }

    #[test]
    fn blanks_the_outermost_bodies_without_marks() {
        let src = "describe('x', () => { it('y', () => { a(); { b(); } }); run({ model: m }); });";
        let mark = src.find("model").unwrap_or(0);
        // The `it` body goes; the options object holding the mark and its ancestors stay.
        assert_eq!(bodies(src, &[mark], &[]), ["a(); { b(); }"]);
        // Without marks, the whole `describe` body goes at once.
        assert_eq!(bodies(src, &[], &[]).len(), 1);
    }

    #[test]
    fn brackets_in_strings_comments_templates_and_regexes_do_not_count() {
        for tricky in [
            "'}'",
            "\"{\"",
            "`}`",
            "`${ {a: 1}.a }`",
            "/* } */",
            "// }\n",
            "/[}]/g",
            "x = /}/",
            "return /{/.test(s)",
            "'\\'}'",
        ] {
            let src = format!("f(() => {{ {tricky} }});");
            assert_eq!(bodies(&src, &[], &[]), [tricky.trim()], "{tricky}");
        }
        // A division is no regex: `a / b; } /` would swallow the brace.
        let src = "f(() => { x = a / b; }); g(1) / 2; h({ y: (c) / d })";
        assert_eq!(bodies(src, &[], &[]), ["x = a / b;", "y: (c) / d"]);
    }

    #[test]
    fn unbalanced_brackets_give_no_outline() {
        for src in ["f({ a: 1 ", "}", "`${ x `", "f({ a )}", "f(a"] {
            assert!(
                unmarked_bodies(src.as_bytes(), &[], &[], 0).is_none(),
                "{src}"
            );
        }
    }

    #[test]
    fn a_call_weighed_as_nothing_keeps_its_body_only_when_its_value_goes_on() {
        let keep = "t(() => { x({ model: mock({ a: 1 }) || 'acme-7' }); });";
        let open = keep.find("mock(").unwrap_or(0) + 4;
        // The mock's own argument goes; the body holding the fallback stays.
        assert_eq!(bodies(keep, &[], &[open]), ["a: 1"]);
        let blank = "t(() => { x({ model: mock({ a: 1 }), b: 2 }); });";
        let open = blank.find("mock(").unwrap_or(0) + 4;
        assert_eq!(bodies(blank, &[], &[open]).len(), 1);
    }

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
        let Some(sk) = Skeleton::new(&src, &hits, |_| false, sizes) else {
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
}

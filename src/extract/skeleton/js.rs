//! Brace bodies of JavaScript and TypeScript.

use super::{is_ident, Bracket, Brackets};
use std::ops::Range;

/// The outermost brace bodies (`{` … `}`, not `${` … `}` in a template) of at least `min`
/// bytes holding no mark and no call weighed as something. Strings, template text, comments
/// and regex literals are skipped, so their brackets do not count. `None` when the brackets
/// do not balance. `marks` and `calls` are sorted.
pub(super) fn bodies(
    src: &[u8],
    marks: &[usize],
    calls: &[usize],
    min: usize,
) -> Option<Vec<Range<usize>>> {
    let mut brackets = Brackets::new(marks, calls, min);
    let mut in_template = false;
    // What a `/` means depends on what came before it: a value (division) or not (a regex).
    let mut after_value = false;
    let mut i = 0;
    while i < src.len() {
        brackets.pass(i);
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
                    brackets.open_substitution(i);
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
                brackets.open(i, b);
                after_value = false;
            }
            b'}' | b')' => {
                after_value = match brackets.close(src, i, b)? {
                    Bracket::Substitution => {
                        in_template = true;
                        false
                    }
                    // `}` ends a block more often than an object: a `/` after it starts a
                    // regex.
                    Bracket::Brace => false,
                    Bracket::Paren | Bracket::Call => true,
                };
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
    (brackets.is_empty() && !in_template).then_some(brackets.bodies)
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

    fn blanked<'s>(src: &'s str, marks: &[usize], calls: &[usize]) -> Vec<&'s str> {
        bodies(src.as_bytes(), marks, calls, 0)
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
        assert_eq!(blanked(src, &[mark], &[]), ["a(); { b(); }"]);
        // Without marks, the whole `describe` body goes at once.
        assert_eq!(blanked(src, &[], &[]).len(), 1);
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
            assert_eq!(blanked(&src, &[], &[]), [tricky.trim()], "{tricky}");
        }
        // A division is no regex: `a / b; } /` would swallow the brace.
        let src = "f(() => { x = a / b; }); g(1) / 2; h({ y: (c) / d })";
        assert_eq!(blanked(src, &[], &[]), ["x = a / b;", "y: (c) / d"]);
    }

    #[test]
    fn unbalanced_brackets_give_no_outline() {
        for src in ["f({ a: 1 ", "}", "`${ x `", "f({ a )}", "f(a"] {
            assert!(bodies(src.as_bytes(), &[], &[], 0).is_none(), "{src}");
        }
    }

    #[test]
    fn a_call_weighed_as_nothing_keeps_its_body_only_when_its_value_goes_on() {
        let keep = "t(() => { x({ model: mock({ a: 1 }) || 'acme-7' }); });";
        let open = keep.find("mock(").unwrap_or(0) + 4;
        // The mock's own argument goes; the body holding the fallback stays.
        assert_eq!(blanked(keep, &[], &[open]), ["a: 1"]);
        let blank = "t(() => { x({ model: mock({ a: 1 }), b: 2 }); });";
        let open = blank.find("mock(").unwrap_or(0) + 4;
        assert_eq!(blanked(blank, &[], &[open]).len(), 1);
    }
}

//! Bodies of Python: the indented body of a `def`, `class`, `if`, `for`… and the contents of
//! `{…}` literals.
//!
//! An indented body cannot be empty, so a blanked one keeps a `0` (an expression statement of
//! one byte) where its first statement began: `def test_x():\n    0        \n`.

use super::{Body, Brackets};
use std::ops::Range;

/// A logical line: one statement or header, over one or more physical lines.
struct Line {
    /// Where its physical line starts.
    start: usize,
    /// Its first byte of code.
    code: usize,
    indent: usize,
    /// Just past its last physical line's line break (or the end of the file).
    end: usize,
    /// Its last token is a `:`: a compound statement's header.
    header: bool,
}

/// The outermost indented bodies and brace bodies of at least `min` bytes holding no mark and
/// no call weighed as something; `None` when the brackets do not balance, a string does not
/// end, code holds a byte that only strings and comments may (`?`, `$`, a backtick, a stray
/// `\\`), or a line's indentation is an error. `marks` and `calls` are sorted.
pub(super) fn bodies(
    src: &[u8],
    marks: &[usize],
    calls: &[usize],
    min: usize,
) -> Option<Vec<Body>> {
    let (lines, braces, called) = scan(src, marks, calls, min)?;
    // Marks, and calls whose value goes on, both keep an indented body.
    let mut kept: Vec<usize> = marks.iter().chain(&called).copied().collect();
    kept.sort_unstable();
    let marked = |r: &Range<usize>| {
        let k = kept.partition_point(|&m| m < r.start);
        kept.get(k).is_some_and(|&m| m < r.end)
    };
    let mut out: Vec<Body> = Vec::new();
    // Open headers: indentation, where the body starts, its first statement.
    let mut open: Vec<(usize, usize, Option<usize>)> = Vec::new();
    // Each open body's indentation, once its first statement is read.
    let mut levels: Vec<Option<usize>> = Vec::new();
    let mut close = |open: &mut Vec<(usize, usize, Option<usize>)>, end: usize| {
        let Some((_, start, first)) = open.pop() else {
            return;
        };
        let range = start..end;
        if range.len() > min && !marked(&range) {
            if let Some(first) = first {
                while out.last().is_some_and(|b| b.range.start >= start) {
                    out.pop();
                }
                out.push(Body {
                    range,
                    stub: Some(first),
                });
            }
        }
    };
    for line in &lines {
        while open
            .last()
            .is_some_and(|&(indent, _, _)| line.indent <= indent)
        {
            close(&mut open, line.start);
            // A header with no indented body under it is a syntax error.
            levels.pop().flatten()?;
        }
        // A line must sit at its body's indentation (or the module's): anything else is an
        // indentation error, which the parser may recover from in ways that reach past a
        // blanked body, so the file is read whole.
        let level = match levels.last_mut() {
            Some(level) => *level.get_or_insert(line.indent),
            None => 0,
        };
        if level != line.indent {
            return None;
        }
        if let Some(top) = open.last_mut() {
            top.2.get_or_insert(line.code);
        }
        if line.header {
            open.push((line.indent, line.end, None));
            levels.push(None);
        }
    }
    while !open.is_empty() {
        close(&mut open, src.len());
    }
    // Brace bodies inside a blanked indented body go with it.
    for r in braces {
        let k = out.partition_point(|b| b.range.end <= r.start);
        if out.get(k).is_none_or(|b| b.range.start > r.start) {
            out.insert(
                k,
                Body {
                    range: r,
                    stub: None,
                },
            );
        }
    }
    Some(out)
}

/// One pass: the logical lines, the unmarked brace bodies, and the calls whose value goes on.
type Scan = (Vec<Line>, Vec<Range<usize>>, Vec<usize>);

fn scan(src: &[u8], marks: &[usize], calls: &[usize], min: usize) -> Option<Scan> {
    let mut lines = Vec::new();
    let mut brackets = Brackets::new(marks, calls, min);
    // The logical line being read: its start, first code byte and indentation; and its last
    // token.
    let mut line: Option<(usize, usize, usize)> = None;
    let mut last = 0u8;
    let mut line_start = 0;
    let mut i = 0;
    while i < src.len() {
        brackets.pass(i);
        let b = src[i];
        if line.is_none()
            && brackets.is_empty()
            && !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'\x0c')
        {
            line = Some((line_start, i, indent_width(&src[line_start..i])));
        }
        match b {
            b'\n' => {
                if brackets.is_empty() {
                    if let Some((start, code, indent)) = line.take() {
                        lines.push(Line {
                            start,
                            code,
                            indent,
                            end: i + 1,
                            header: last == b':',
                        });
                    }
                }
                line_start = i + 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
                continue;
            }
            // A line continued: the next one belongs to this statement.
            b'\\' if src.get(i + 1) == Some(&b'\n') => {
                line_start = i + 2;
                i += 2;
                continue;
            }
            b'\\' if src.get(i + 1..i + 3) == Some(&b"\r\n"[..]) => {
                line_start = i + 3;
                i += 3;
                continue;
            }
            // Bytes that Python code holds only in strings and comments: a syntax error, which
            // the parser may recover from in ways that reach past a blanked body, so the file
            // is read whole.
            b'?' | b'$' | b'`' | b'\\' | b'\0' => return None,
            b'!' if src.get(i + 1) != Some(&b'=') => return None,
            b'"' | b'\'' => {
                i = string_end(src, i)?;
                last = b'"';
                continue;
            }
            b'(' | b'[' | b'{' => brackets.open(i, b),
            b')' | b']' | b'}' => {
                brackets.close(src, i, b)?;
            }
            _ => {}
        }
        last = b;
        i += 1;
    }
    if let Some((start, code, indent)) = line {
        lines.push(Line {
            start,
            code,
            indent,
            end: src.len(),
            header: last == b':',
        });
    }
    brackets
        .is_empty()
        .then_some((lines, brackets.bodies, brackets.called))
}

/// The width of a line's indentation as tree-sitter's Python scanner counts it: a space is one
/// column, a tab eight, and a carriage return or form feed starts again from zero. Counted in
/// bytes, `\t\tdef f():` followed by `    body` would look like a header and its body, where
/// the parser reads a dedent.
fn indent_width(indent: &[u8]) -> usize {
    indent.iter().fold(0, |width, b| match b {
        b'\t' => width + 8,
        b'\r' | b'\x0c' => 0,
        _ => width + 1,
    })
}

/// Just past the string literal whose opening quote is at `i` (prefixes such as `f` and `rb`
/// are read as names before it); `None` when it does not end.
fn string_end(src: &[u8], i: usize) -> Option<usize> {
    let quote = src[i];
    let triple = src.get(i + 1) == Some(&quote) && src.get(i + 2) == Some(&quote);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < src.len() {
        match src[j] {
            b'\\' => j += 2,
            b'\n' if !triple => return None,
            b if b == quote => {
                if !triple {
                    return Some(j + 1);
                }
                if src.get(j + 1) == Some(&quote) && src.get(j + 2) == Some(&quote) {
                    return Some(j + 3);
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blanked outline, with its `0` stubs.
    fn outline(src: &str, marks: &[usize]) -> String {
        let mut out = src.as_bytes().to_vec();
        for b in bodies(src.as_bytes(), marks, &[], 0).unwrap_or_default() {
            for c in &mut out[b.range.clone()] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
            if let Some(at) = b.stub {
                out[at] = b'0';
            }
        }
        String::from_utf8(out)
            .unwrap_or_default()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn indentation_is_counted_as_the_parser_counts_it() {
        assert_eq!(indent_width(b"    "), 4);
        assert_eq!(indent_width(b"\t\t"), 16);
        assert_eq!(indent_width(b"  \t"), 10);
        assert_eq!(indent_width(b"  \x0c  "), 2);
    }

    #[test]
    fn blanks_indented_bodies_without_marks_and_keeps_a_stub() {
        let src = "class T:\n    def test_a(self):\n        x = {'a': 1}\n        assert x\n\n    def test_b(self):\n        call(model='m')\n";
        let mark = src.find("model").unwrap_or(0);
        assert_eq!(
            outline(src, &[mark]),
            "class T:\n    def test_a(self):\n        0\n\n\n    def test_b(self):\n        call(model='m')"
        );
        assert_eq!(outline(src, &[]), "class T:\n    0\n\n\n\n\n");
    }

    #[test]
    fn a_file_with_a_syntax_error_the_outline_could_hide_gets_none() {
        let ok = "class T:\n    def a(self):\n        x = 1 if y != 2 else 3\n";
        assert!(bodies(ok.as_bytes(), &[], &[], 0).is_some());
        for broken in [
            // Bytes only strings and comments hold.
            "class T:\n    def a(self):\n        ?x = 1\n",
            "class T:\n    def a(self):\n        x = `1`\n",
            "class T:\n    def a(self):\n        x = $y\n",
            "class T:\n    def a(self):\n        x = !y\n",
            "class T:\n    def a(self):\n        x = 1 \\ 2\n",
            // A dedent to no open level, an unexpected indent, a header without a body.
            "class T:\n  def a(self):\n        x = 1\n\n    def b(self):\n        y = 2\n",
            "x = 1\n    y = 2\n",
            "class T:\n    def a(self):\n    x = 1\n",
        ] {
            assert!(bodies(broken.as_bytes(), &[], &[], 0).is_none(), "{broken}");
        }
    }

    #[test]
    fn headers_are_read_past_strings_comments_brackets_and_continuations() {
        let src = "if (a and\n        b):  # a comment: with a colon\n    run()\nx = {\n    'k': 'v:',\n}\ns = '''\nnot a header:\n'''\ny = a \\\n    if b else c\n";
        let out = outline(src, &[]);
        assert!(
            out.starts_with("if (a and\n        b):  # a comment: with a colon\n    0\n"),
            "{out}"
        );
        // The dict's contents go; the triple-quoted string and the continued line stay.
        assert!(out.contains("x = {\n\n}"), "{out}");
        assert!(out.contains("not a header:"), "{out}");
        assert!(out.ends_with("y = a \\\n    if b else c"), "{out}");
    }

    #[test]
    fn strings_with_quotes_and_prefixes() {
        for s in [
            "'it\\'s'",
            "\"\"\"a \" b\"\"\"",
            "rb'\\\\'",
            "f\"{x}\"",
            "'''x\n'''",
        ] {
            let src = format!("def f():\n    y = {s}\n");
            assert_eq!(outline(&src, &[]).lines().nth(1), Some("    0"), "{s}");
        }
        assert!(bodies(b"x = 'open\n", &[], &[], 0).is_none());
        assert!(bodies(b"x = (1\n", &[], &[], 0).is_none());
    }
}

//! Repository text made safe to print. File names, snippets, directive text, policy strings and
//! model names come from the scanned repository, which any pull request can change; printed as
//! they are, a newline in a file name could start an output line with `::error …` (a GitHub
//! Actions workflow command) and an escape byte could drive the terminal. Every human-output
//! path passes such text through [`escape`] (or [`escape_source`] for a snippet that keeps its
//! lines), and any format added later must too. JSON needs nothing more: its strings escape
//! every control character already.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a control character: C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F),
/// plus the line and paragraph separators (U+2028, U+2029), which some viewers break lines at.
pub fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `s` with every control character written as an escape: `\n`, `\r`, `\t`, `\\x1b` for ESC,
/// `\u{85}` for C1 and the separators. A backslash is left alone (paths on Windows, regexes).
/// Borrowed when there is nothing to escape, which is almost always.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// [`escape`] for text that may begin an output line (the first cell of a table row): a
/// leading `::` also has its first colon escaped (`\x3a:`), since a line starting with `::` is
/// a workflow command to GitHub Actions, and a file may well be named `::error …`.
pub fn escape_line_start(s: &str) -> Cow<'_, str> {
    let escaped = escape(s);
    if !escaped.starts_with("::") {
        return escaped;
    }
    Cow::Owned(format!("\\x3a{}", &escaped[1..]))
}

/// The source text of a snippet, escaped like [`escape`] except that its line breaks (`\n`,
/// and `\r\n`) and tabs stay: the snippet keeps its lines. Returns the text and a function
/// that maps a byte offset of `text` to the same place in the escaped text, for labels.
pub fn escape_source(text: &str) -> (String, impl Fn(usize) -> usize + '_) {
    let keep = |i: usize, c: char| {
        c == '\n' || c == '\t' || (c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    };
    let needs = text
        .char_indices()
        .any(|(i, c)| is_control(c) && !keep(i, c));
    // Offsets where the escaped text grows, with the growth so far, for the mapping.
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    let out = if needs {
        let mut out = String::with_capacity(text.len() + 16);
        for (i, c) in text.char_indices() {
            if is_control(c) && !keep(i, c) {
                push_escaped(&mut out, c);
                let grown = out.len() - (i + c.len_utf8());
                shifts.push((i + c.len_utf8(), grown));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        text.to_string()
    };
    let map = move |offset: usize| {
        let before = shifts.partition_point(|&(at, _)| at <= offset);
        offset + before.checked_sub(1).map_or(0, |k| shifts[k].1)
    };
    (out, map)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if !is_control(c) => out.push(c),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_character() {
        assert_eq!(escape("plain/path.py"), "plain/path.py");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape("x\n::error file=a::b\n.py"),
            "x\\n::error file=a::b\\n.py"
        );
        assert_eq!(escape("\u{1b}[31mred"), "\\x1b[31mred");
        assert_eq!(escape("a\u{7f}b\u{85}c\u{9b}d"), "a\\x7fb\\u{85}c\\u{9b}d");
        assert_eq!(escape("a\rb\tc\0"), "a\\rb\\tc\\x00");
        assert_eq!(escape("line\u{2028}sep"), "line\\u{2028}sep");
        assert_eq!(escape("C:\\dir"), "C:\\dir");
    }

    #[test]
    fn a_line_never_starts_with_two_colons() {
        assert_eq!(escape_line_start("::error x.py"), "\\x3a:error x.py");
        assert_eq!(escape_line_start("a::b"), "a::b");
        assert_eq!(escape_line_start(":x"), ":x");
    }

    #[test]
    fn source_keeps_lines_and_maps_offsets() {
        let text = "a = 1\r\nb = \"\u{1b}[2J\" # x\n\tc\rd\n";
        let (out, map) = escape_source(text);
        assert_eq!(out, "a = 1\r\nb = \"\\x1b[2J\" # x\n\tc\\rd\n");
        // `[2J` starts 4 bytes later once ESC is written as `\x1b`.
        let at = text.find("[2J").unwrap();
        assert_eq!(&out[map(at)..map(at) + 3], "[2J");
        let d = text.find('d').unwrap();
        assert_eq!(&out[map(d)..map(d) + 1], "d");
        assert_eq!(map(0), 0);
        assert_eq!(map(text.len()), out.len());
    }
}

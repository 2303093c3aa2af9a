//! Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`), read line by
//! line: the environment their `ENV` and `ARG` instructions set binds like a `.env` file (see
//! [`env::bind`]). `ENV KEY=VALUE …`, `ENV KEY VALUE` and `ARG KEY=default` give entries; an
//! `ARG KEY` without a default gives none. Other instructions are not read.

use super::env::{self, Entry, Lines};
use super::{directive, Context, FileFacts};
use std::ops::Range;

/// One instruction: its keyword (upper case) and the bytes of each physical line it spans,
/// without the line continuation (`\`) and the line end.
struct Instruction<'t> {
    keyword: String,
    /// (byte where the part starts, its text).
    parts: Vec<(usize, &'t str)>,
    /// From the keyword to the end of the last line, line end included.
    range: Range<usize>,
}

/// The facts of a Dockerfile: its `ENV` and `ARG` instructions as one environment, and the
/// `costlint:` directives in its comments.
pub(super) fn extract(text: &str, cx: &Context) -> FileFacts {
    let mut facts = FileFacts::default();
    let lines = Lines::new(text);
    let (instructions, comments) = read(text);
    let mut entries = Vec::new();
    for ins in &instructions {
        if ins.keyword == "ENV" || ins.keyword == "ARG" {
            entries.extend(entries_of(ins));
        }
    }
    for (comment, line) in comments {
        let body = text.get(comment.clone()).unwrap_or("");
        if !body.contains("costlint:") {
            continue;
        }
        let i = instructions.partition_point(|ins| ins.range.start < line.end);
        let next = instructions
            .get(i)
            .map_or(line.end..line.end, |ins| ins.range.clone());
        directive::parse(body, lines.span(comment), vec![line, next], &mut facts);
    }
    env::bind(text, &lines, &entries, cx, &mut facts);
    facts
}

/// The instructions of `text` and its comment lines (the comment, and its whole line).
#[allow(clippy::type_complexity)]
fn read(text: &str) -> (Vec<Instruction<'_>>, Vec<(Range<usize>, Range<usize>)>) {
    let mut instructions: Vec<Instruction> = Vec::new();
    let mut comments = Vec::new();
    let mut continued = false;
    let mut heredoc: Option<(String, bool)> = None; // (delimiter, tabs stripped)
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some((word, dash)) = &heredoc {
            let end = if *dash { line.trim_start() } else { line };
            if end == word {
                heredoc = None;
            }
            continue;
        }
        let body = line.trim_start();
        let at = start + (line.len() - body.len());
        if body.starts_with('#') {
            // A comment inside a continued instruction is dropped and does not end it.
            comments.push((at..start + line.len(), start..offset));
            continue;
        }
        let (content, continues) = match body.trim_end().strip_suffix('\\') {
            Some(c) => (c, true),
            None => (body, false),
        };
        if continued {
            if let Some(ins) = instructions.last_mut() {
                ins.parts.push((at, content));
                ins.range.end = offset;
            }
        } else if !body.is_empty() {
            let word = content.bytes().take_while(u8::is_ascii_alphabetic).count();
            instructions.push(Instruction {
                keyword: content[..word].to_ascii_uppercase(),
                parts: vec![(at + word, &content[word..])],
                range: at..offset,
            });
        }
        continued = continues;
        if !continues {
            heredoc = instructions
                .last()
                .filter(|ins| ins.range.end == offset)
                .filter(|ins| HEREDOC_KEYWORDS.contains(&ins.keyword.as_str()))
                .and_then(|ins| heredoc_word(ins.parts.iter().map(|p| p.1)));
        }
    }
    (instructions, comments)
}

/// Instructions that may open a heredoc.
const HEREDOC_KEYWORDS: &[&str] = &["RUN", "COPY", "ADD"];

/// The delimiter of a heredoc an instruction opens (`RUN <<EOF`, `COPY <<-"END" /x`), and
/// whether its closing line may be indented.
fn heredoc_word<'t>(parts: impl Iterator<Item = &'t str>) -> Option<(String, bool)> {
    for part in parts {
        let Some(at) = part.find("<<") else { continue };
        let rest = &part[at + 2..];
        let dash = rest.starts_with('-');
        let rest = rest.trim_start_matches('-').trim_start_matches(['"', '\'']);
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() {
            return Some((word, dash));
        }
    }
    None
}

/// The entries of an `ENV` or `ARG` instruction.
fn entries_of(ins: &Instruction) -> Vec<Entry> {
    let tokens: Vec<(usize, &str)> = ins
        .parts
        .iter()
        .flat_map(|&(at, part)| tokens(part).map(move |r| (at + r.start, &part[r])))
        .collect();
    let Some(&(first_at, first)) = tokens.first() else {
        return Vec::new();
    };
    let statement = ins.range.clone();
    if ins.keyword == "ENV" && !first.contains('=') {
        // `ENV KEY VALUE`: the value is the rest of the line.
        let Some(&(at, part)) = ins
            .parts
            .iter()
            .find(|(at, p)| (*at..*at + p.len()).contains(&first_at))
        else {
            return Vec::new();
        };
        let after = first_at - at + first.len();
        let value = env::trimmed(first_at + first.len(), &part[after..]);
        if value.is_empty() {
            return Vec::new();
        }
        let raw = &part[value.start - at..value.end - at];
        return vec![Entry {
            key: first_at..first_at + first.len(),
            value: env::unquoted(value.start, raw),
            whole: first_at..value.end,
            statement,
        }];
    }
    tokens
        .iter()
        .filter_map(|&(at, token)| {
            let eq = token.find('=')?;
            Some(Entry {
                key: at..at + eq,
                value: env::unquoted(at + eq + 1, &token[eq + 1..]),
                whole: at..at + token.len(),
                statement: statement.clone(),
            })
        })
        .collect()
}

/// The words of `s` separated by whitespace, a quoted run (`"a b"`, `'a b'`) counting as part
/// of its word; a backslash escapes the next character.
fn tokens(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        let mut quote = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                _ if b == b'\\' => i += 1,
                Some(q) if b == q => quote = None,
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                _ => {}
            }
            i += 1;
        }
        i = i.min(bytes.len());
        Some(start..i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Key and value of each entry of `text`'s `ENV` and `ARG` instructions.
    fn entries(text: &str) -> Vec<(&str, &str)> {
        let (instructions, _) = read(text);
        instructions
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
            .flat_map(entries_of)
            .map(|e| (&text[e.key], &text[e.value]))
            .collect()
    }

    #[test]
    fn env_and_arg_in_every_form() {
        let text = "FROM python:3.12\n\
                    ARG OPENAI_MODEL=gpt-4o\n\
                    ARG BUILD_ONLY\n\
                    env OPENAI_MAX_TOKENS 4000\n\
                    ENV A=1 B=\"two words\" \\\n    C='3'\n\
                    # a comment\n\
                    ENV LEGACY  \"quoted value\"  \n\
                    RUN echo ENV X=1\n";
        assert_eq!(
            entries(text),
            [
                ("OPENAI_MODEL", "gpt-4o"),
                ("OPENAI_MAX_TOKENS", "4000"),
                ("A", "1"),
                ("B", "two words"),
                ("C", "3"),
                ("LEGACY", "quoted value"),
            ]
        );
    }

    #[test]
    fn a_directive_covers_the_instruction_below_it() {
        let deployments = std::collections::BTreeMap::new();
        let cx = Context {
            catalog: crate::catalog::Catalog::builtin(),
            deployments: &deployments,
        };
        let text = "# costlint: usage calls_per_day=20\nENV A=1 \\\n    OPENAI_MODEL=gpt-4o\n";
        let facts = extract(text, &cx);
        let ([site], [directive]) = (&facts.sites[..], &facts.directives[..]) else {
            panic!("{facts:?}");
        };
        assert_eq!(site.span.line, 3);
        assert!(directive.covers(site.span.start_byte));
    }

    #[test]
    fn heredocs_and_comments_inside_instructions_are_skipped() {
        let text = "RUN <<EOF\nENV X=gpt-4o\nEOF\n\
                    ENV A=1 \\\n# note\n    B=2\n\
                    RUN <<-'END'\n\tENV Y=1\n\tEND\nENV Z=3\n";
        assert_eq!(entries(text), [("A", "1"), ("B", "2"), ("Z", "3")]);
    }
}

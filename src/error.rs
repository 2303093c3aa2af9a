//! Bad input: a policy file, a pricing file, a flag. Every such error is a miette report that
//! names the file and, where there is one, points at the line and key; the CLI exits with 2.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// Bad input, as a miette report: a message, optionally the file's text and the bytes to
/// underline in it, and a hint on how to fix it. Print it with [`InputError::escaped`]: its
/// texts may quote repository content.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(costlint::input))]
pub struct InputError {
    /// What is wrong, in one line.
    pub message: String,
    /// The file the error is in, with its text, when there is a place to point at.
    #[source_code]
    pub src: Option<NamedSource<String>>,
    /// The bytes of `src` to underline.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    /// The words under the underline.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
    /// The file the error is about when `src` does not say (an unreadable file, say).
    pub path: Option<String>,
}

impl InputError {
    /// An error about a whole file or a flag, with no place to point at.
    pub fn plain(message: impl Into<String>) -> InputError {
        InputError {
            message: message.into(),
            src: None,
            span: None,
            label: String::new(),
            help: None,
            path: None,
        }
    }

    /// An error at bytes `span` of the file `path` whose text is `text`.
    pub fn at(
        path: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> InputError {
        let end = floor_boundary(text, span.end.min(text.len()));
        let start = floor_boundary(text, span.start.min(end));
        // A line of thousands of characters (minified, or hostile) is shown up to a little
        // after the underline, and nothing after it.
        let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
        let shown = if line_end - start > CLIP {
            let cut = floor_boundary(text, end.max(start + 1) + CLIP / 2);
            format!("{} …", &text[..cut])
        } else {
            text.to_string()
        };
        let end = end.min(shown.len());
        InputError {
            message: message.into(),
            src: Some(NamedSource::new(path, shown)),
            span: Some((start, end - start).into()),
            label: label.into(),
            help: None,
            path: None,
        }
    }

    /// This error showing no line of its file but the one it points at: for files that are
    /// not the user's own words (a pricing file may be any file a policy names), so that a
    /// report never prints more of one than the line that is wrong.
    pub fn only_its_line(mut self) -> InputError {
        let (Some(src), Some(span)) = (&self.src, self.span) else {
            self.src = None;
            self.span = None;
            return self;
        };
        let text = src.inner();
        let start = floor_boundary(text, span.offset().min(text.len()));
        let end = floor_boundary(text, (span.offset() + span.len()).min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let end = end.min(line_end);
        let line_no = text[..line_start].matches('\n').count();
        let mut line = &text[line_start..line_end];
        let mut clipped = "";
        if line.len() > CLIP {
            line = &line[..floor_boundary(
                line,
                (end - line_start).max(start - line_start + 1) + CLIP / 2,
            )];
            clipped = " …";
        }
        let shown = format!("{}{line}{clipped}", "\n".repeat(line_no));
        let offset = line_no + (start - line_start);
        let len = (end - start).min(line.len().saturating_sub(start - line_start));
        self.src = Some(NamedSource::new(src.name(), shown));
        self.span = Some((offset, len).into());
        self
    }

    /// This error with a hint on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> InputError {
        self.help = Some(help.into());
        self
    }

    /// This error, about the file `path` (for an error without a source to point into).
    pub fn in_file(mut self, path: impl Into<String>) -> InputError {
        self.path = Some(path.into());
        self
    }

    /// The file the error is about, if any.
    pub fn file(&self) -> Option<&str> {
        match &self.src {
            Some(src) => Some(src.name()),
            None => self.path.as_deref(),
        }
    }

    /// The 1-based line and column (in characters) where the underline starts.
    pub fn position(&self) -> Option<(usize, usize)> {
        let (src, span) = (self.src.as_ref()?, self.span?);
        let text = src.inner();
        let at = span.offset().min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line = text[..at].matches('\n').count() + 1;
        Some((line, text[line_start..at].chars().count() + 1))
    }

    /// This error with every text escaped for a terminal or a CI log
    /// ([`crate::report::escape`]): a policy or pricing file is repository content, and so are
    /// the names it quotes.
    pub fn escaped(&self) -> InputError {
        use crate::report::escape::{escape, escape_source};
        let (src, span) = match (&self.src, self.span) {
            (Some(src), span) => {
                let (text, map) = escape_source(src.inner());
                let span = span.map(|s| {
                    let start = map(s.offset());
                    SourceSpan::from((start, map(s.offset() + s.len()) - start))
                });
                (Some(NamedSource::new(escape(src.name()), text)), span)
            }
            (None, span) => (None, span),
        };
        InputError {
            message: escape(&self.message).into_owned(),
            src,
            span,
            label: escape(&self.label).into_owned(),
            help: self.help.as_deref().map(|h| escape(h).into_owned()),
            path: self.path.as_deref().map(|p| escape(p).into_owned()),
        }
    }
}

/// Lines longer than this many bytes are cut in reports.
const CLIP: usize = 240;

/// The largest char boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// Byte offset of 1-based `line` and `column` (in characters) in `text`, clamped to the text.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(b, _)| b);
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
}

/// The nearest of `candidates` to `word`, if near enough to be a likely misspelling.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

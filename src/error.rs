//! Bad input: a policy file, a pricing file, a flag. Every such error is a miette report that
//! names the file and, where there is one, points at the line and key; the CLI exits with 2.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(costlint::input))]
pub struct InputError {
    pub message: String,
    #[source_code]
    pub src: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
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
        let end = span.end.min(text.len());
        let start = span.start.min(end);
        InputError {
            message: message.into(),
            src: Some(NamedSource::new(path, text.to_string())),
            span: Some((start, end - start).into()),
            label: label.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> InputError {
        self.help = Some(help.into());
        self
    }
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

//! Reporters: one file per output format, behind one enum. Reporters only read a finished
//! [`Report`]; nothing about formats leaks into extraction or pricing.

pub mod escape;
pub mod human;
pub mod json;
pub mod markdown;
pub mod table;

use crate::engine::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, a table of call sites, the total and the assumptions.
    Human,
    /// The versioned machine-readable contract (see the README).
    Json,
    /// The pull-request summary (with `--base`), for a PR comment or a job summary.
    Markdown,
}

/// What the command was: `check` shows diagnostics; `scan` is the inventory only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Scan,
}

pub struct Options<'a> {
    pub mode: Mode,
    pub color: bool,
    pub quiet: bool,
    /// Reads a scanned file again by its displayed path, for source snippets.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

/// The report in `format`, as one string.
pub fn render(format: Format, report: &Report, opts: &Options) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => json::render(report, opts),
        Format::Markdown => markdown::render(report, opts),
    }
}

/// The report in `format`, written to `out` as it is produced: the same bytes as [`render`],
/// without holding a whole repository's JSON in memory.
pub fn write(
    format: Format,
    report: &Report,
    opts: &Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => out.write_all(human::render(report, opts).as_bytes()),
        Format::Json => json::write(report, opts, out),
        Format::Markdown => out.write_all(markdown::render(report, opts).as_bytes()),
    }
}

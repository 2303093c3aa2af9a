//! The JSON contract, version 1. Field names are stable; additions are compatible, removals and
//! renames bump `version`. Paths are relative to the scanned root with `/`; lines and columns
//! are 1-based, columns in characters; money is a decimal string with two places.

use super::{Emitter, Mode, Options};
use crate::engine::{Reference, Report, Summary};
use crate::sites::{LimitEntry, SiteCost, SiteModel};
use crate::usage::AppliedUsage;
use serde::Serialize;
use std::io::{self, Write};

/// The version of the JSON contract, in every JSON object costlint prints.
pub const VERSION: u32 = 1;

/// The JSON format (`--format json`).
pub struct Json;

impl Emitter for Json {
    /// Serialises straight into `out`, through a buffer: the report is never held a second
    /// time as text (on a large repository the text is as large as the report).
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut w, &output(report, opts))?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    references: Lazy<'a, Reference>,
    sites: Sites<'a>,
    limits: Lazy<'a, LimitEntry>,
    diagnostics: Diagnostics<'a>,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a crate::diff::Diff>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct SiteOut<'a> {
    id: &'a str,
    site_key: &'a str,
    enclosing: Option<&'a str>,
    path: &'a str,
    line: u32,
    column: u32,
    key: Option<&'a str>,
    model: &'a SiteModel,
    limit: Option<LimitOut<'a>>,
    usage: &'a AppliedUsage,
    cost: Option<&'a SiteCost>,
}

#[derive(Serialize)]
struct LimitOut<'a> {
    param: &'a str,
    value: Option<u64>,
    line: u32,
}

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    check: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: Option<&'a str>,
}

/// The call sites, derived file by file and each written as it is serialised: no more than
/// one file's sites are held at a time.
struct Sites<'a>(&'a Report<'a>);

impl Serialize for Sites<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = ser.serialize_seq(None)?;
        for s in self.0.sites() {
            seq.serialize_element(&SiteOut {
                id: &s.id,
                site_key: &s.site_key,
                enclosing: s.enclosing.as_deref(),
                path: &s.path,
                line: s.span.line,
                column: s.span.column,
                key: s.key.as_deref(),
                model: &s.model,
                limit: s.limit.as_ref().map(|l| LimitOut {
                    param: &l.param,
                    value: l.value,
                    line: l.span.line,
                }),
                usage: &s.usage,
                cost: s.cost.as_ref(),
            })?;
        }
        seq.end()
    }
}

/// References or limits, derived file by file ([`Report::references`], [`Report::limits`])
/// and each written as it is serialised.
struct Lazy<'a, T>(
    &'a Report<'a>,
    fn(&'a Report<'a>) -> Box<dyn Iterator<Item = T> + 'a>,
);

impl<'a, T: Serialize> Serialize for Lazy<'a, T> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = ser.serialize_seq(None)?;
        for item in (self.1)(self.0) {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// The diagnostics (none in `scan`), each written as it is serialised.
struct Diagnostics<'a>(&'a [crate::diagnostic::Diagnostic]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.iter().map(|d| DiagnosticOut {
            check: d.check,
            severity: d.level.as_str(),
            message: &d.message,
            path: &d.path,
            line: d.span.line,
            column: d.span.column,
            end_line: d.span.end_line,
            end_column: d.span.end_column,
            help: d.help.as_deref(),
        }))
    }
}

fn output<'a>(report: &'a Report, opts: &Options) -> Output<'a> {
    let diagnostics = if opts.mode == Mode::Scan {
        &[][..]
    } else {
        &report.diagnostics[..]
    };
    Output {
        version: VERSION,
        tool: Tool {
            name: "costlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        references: Lazy(report, |r| Box::new(r.references())),
        sites: Sites(report),
        limits: Lazy(report, |r| Box::new(r.limits())),
        diagnostics: Diagnostics(diagnostics),
        summary: &report.summary,
        diff: report.diff.as_ref(),
    }
}

/// Bad input (exit 2) as a JSON object on stdout, so that a machine never has to read stderr:
/// `{"version": 1, "error": {"message", "path", "line", "column", "help"}}`. `path`, `line`,
/// `column` and `help` are `null` when the error has none.
pub fn error(e: &crate::error::InputError) -> String {
    #[derive(Serialize)]
    struct ErrorOut<'a> {
        version: u32,
        error: Fields<'a>,
    }
    #[derive(Serialize)]
    struct Fields<'a> {
        message: &'a str,
        path: Option<&'a str>,
        line: Option<usize>,
        column: Option<usize>,
        help: Option<&'a str>,
    }
    let position = e.position();
    let out = ErrorOut {
        version: VERSION,
        error: Fields {
            message: &e.message,
            path: e.file(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            help: e.help.as_deref(),
        },
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::Mode;

    #[test]
    fn check() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&super::Json, &report, Mode::Check));
    }
}

//! For people: each diagnostic as a miette report with the source snippet and a label on the
//! exact span, then a table of call sites, the monthly total and the assumptions behind it.
//! Every piece of repository text goes through [`super::escape`] on its way out.

use super::escape::{escape, escape_source};
use super::{Emitter, Mode, Options};
use crate::diagnostic::{Diagnostic, Level};
use crate::engine::Report;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity};
use std::fmt::{self, Write as _};
use std::io::{self, Write as _};

/// The human format (`--format human`, the default).
pub struct Human;

impl Emitter for Human {
    /// Diagnostics with snippets (`check` only), the call-site table (unless `quiet`), and the
    /// summary, written as they are made: the table's rows are derived twice (to size its
    /// columns, then to write them), never held.
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(1 << 16, out);
        out.write_all(diagnostics(report, opts).as_bytes())?;
        if report.diff.is_none() && (!opts.quiet || opts.mode == Mode::Scan) {
            sites_table(report, &mut out)?;
        }
        let mut rest = String::new();
        summary(report, opts, &mut rest);
        if let Some(diff) = &report.diff {
            diff_table(diff, &mut rest);
        }
        out.write_all(rest.as_bytes())?;
        out.flush()
    }
}

/// The diagnostics as miette reports with their snippets (`check` only).
fn diagnostics(report: &Report, opts: &Options) -> String {
    let mut out = String::new();
    if opts.mode == Mode::Check {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(110)
            .with_links(false);
        for d in &report.diagnostics {
            let text = (opts.read)(&d.path).unwrap_or_default();
            let (text, map) = escape_source(&text);
            let map: &dyn Fn(usize) -> usize = &map;
            let shown = Shown {
                d,
                src: NamedSource::new(escape(&d.path), text),
                map,
            };
            if handler.render_report(&mut out, &shown).is_err() {
                let _ = writeln!(
                    out,
                    "{}:{}:{}: {} [{}] {}",
                    escape(&d.path),
                    d.span.line,
                    d.span.column,
                    d.level,
                    d.check,
                    escape(&d.message)
                );
            }
            out.push('\n');
        }
    }
    out
}

/// The cost impact of a change: the headline, the changed sites as a table, the unchanged
/// total, the cost by model and the budget breaches.
fn diff_table(diff: &crate::diff::Diff, out: &mut String) {
    use super::markdown::{signed, signed_pct};
    use crate::diff::{ChangeKind, SiteState};
    let _ = writeln!(
        out,
        "\nCost impact: {}/month ({}), {} → {}; base {} ({}), head {}.",
        signed(diff.monthly_delta),
        diff.percent
            .as_deref()
            .map_or("new spend".to_string(), |p| format!("{}%", signed_pct(p))),
        diff.monthly_before,
        diff.monthly_after,
        diff.base.commit.get(..7).unwrap_or(&diff.base.commit),
        escape(&diff.base.rev),
        escape(&diff.head.rev),
    );
    if diff.changes.is_empty() {
        let _ = writeln!(out, "No call site changed.");
    } else {
        let both = |c: &crate::diff::SiteChange, f: &dyn Fn(&SiteState) -> String| match (
            &c.before, &c.after,
        ) {
            (Some(b), Some(a)) if f(b) == f(a) => f(a),
            (Some(b), Some(a)) => format!("{} → {}", f(b), f(a)),
            (Some(b), None) => format!("{} → -", f(b)),
            (None, Some(a)) => format!("- → {}", f(a)),
            (None, None) => String::new(),
        };
        let rows: Vec<Vec<String>> = diff
            .changes
            .iter()
            .map(|c| {
                let at = c
                    .shown()
                    .map_or(String::new(), |s| format!("{}:{}", s.path, s.line));
                let kind = match c.kind {
                    ChangeKind::Changed => format!("changed ({})", c.what.join(", ")),
                    ChangeKind::Moved => "moved".into(),
                    ChangeKind::Added => "added".into(),
                    ChangeKind::Removed => "removed".into(),
                };
                vec![
                    at,
                    kind,
                    both(c, &|s| s.model.clone()),
                    both(c, &|s| {
                        s.limit.map_or("none".to_string(), crate::cost::thousands)
                    }),
                    both(c, &|s| s.monthly.map_or("n/a".into(), |m| m.to_string())),
                    signed(c.monthly_delta),
                ]
            })
            .collect();
        super::table::render(
            &["call site", "change", "model", "limit", "monthly", "delta"],
            &rows,
            &[false, false, false, false, true, true],
            out,
        );
    }
    let _ = writeln!(
        out,
        "Unchanged: {} ({}/month).",
        plural(diff.unchanged_sites as u64, "call site"),
        diff.unchanged_monthly
    );
    for m in &diff.by_model {
        let _ = writeln!(out, "  {}: {} → {}", escape(&m.model), m.before, m.after);
    }
    for b in &diff.budget {
        let _ = writeln!(out, "Budget: {}", escape(b));
    }
}

fn sites_table(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if report.summary.sites == 0 {
        return writeln!(out, "No call sites found.");
    }
    let rows = || {
        report.sites().map(|s| {
            let model = match s.model.resolved.id() {
                Some(id) if id != s.model.text => format!("{} → {id}", s.model.text),
                Some(_) => s.model.text.clone(),
                None => format!("{} (unknown)", s.model.text),
            };
            let limit = match &s.limit {
                Some(l) => match l.value {
                    Some(v) => format!("{}={}", l.param, crate::cost::thousands(v)),
                    None => format!("{}=(run time)", l.param),
                },
                None => "none".to_string(),
            };
            let monthly = s
                .cost
                .as_ref()
                .map_or("n/a".to_string(), |c| c.monthly.to_string());
            vec![format!("{}:{}", s.path, s.span.line), model, limit, monthly]
        })
    };
    super::table::stream(
        &["call site", "model", "limit", "monthly"],
        rows,
        &[false, false, false, true],
        out,
    )
}

fn summary(report: &Report, opts: &Options, out: &mut String) {
    let s = &report.summary;
    let a = &s.assumptions;
    let _ = writeln!(
        out,
        "\n{} ({} priced), {} in {}; {} read, {} parsed.",
        plural(s.sites, "call site"),
        s.sites_priced,
        plural(s.references, "model reference"),
        plural(s.files_with_findings, "file"),
        plural(s.files_seen, "file"),
        s.files_parsed
    );
    let _ = writeln!(out, "Estimated monthly total: {}", s.monthly_total);
    if opts.mode == Mode::Check {
        let _ = writeln!(
            out,
            "{}, {}, {}{}",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            plural(s.notes, "note"),
            if s.suppressed > 0 {
                format!(" ({} suppressed in code)", s.suppressed)
            } else {
                String::new()
            }
        );
    }
    if let [_, _, ..] = a.policies.as_slice() {
        // Several policies: the common part once, then each policy with what it covered.
        let _ = writeln!(
            out,
            "Assumptions: output = {}; prices {}.",
            a.output_tokens, a.prices
        );
        for p in &a.policies {
            let paths: Vec<String> = p.paths.iter().map(|x| escape(x).into_owned()).collect();
            let _ = writeln!(
                out,
                "Policy {} for {}: {} calls/day, {} input tokens ({} cached) per call, {} days/month unless overridden{}.",
                escape(&p.policy),
                paths.join(", "),
                p.default_calls_per_day,
                p.default_input_tokens,
                p.default_cached_input_tokens,
                p.days_per_month,
                p.pricing_as_of.map(|d| format!("; prices as of {d}")).unwrap_or_default(),
            );
        }
    } else {
        let _ = writeln!(
            out,
            "Assumptions: {} calls/day, {} input tokens ({} cached) per call, {} days/month unless overridden; output = {}; prices {}{} ({}).",
            a.default_calls_per_day,
            a.default_input_tokens,
            a.default_cached_input_tokens,
            a.days_per_month,
            a.output_tokens,
            a.prices,
            a.pricing_as_of.map(|d| format!(", as of {d}")).unwrap_or_default(),
            escape(&a.policy),
        );
    }
    if s.dynamic_model_sites > 0 {
        let _ = writeln!(
            out,
            "Not priced: {} with a limit but a model chosen at run time.",
            plural(s.dynamic_model_sites, "place")
        );
    }
    for u in &s.unpriced {
        let _ = writeln!(
            out,
            "Not priced: {}:{} `{}`: {}",
            escape(&u.path),
            u.line,
            escape(&u.model),
            escape(&u.why)
        );
    }
    not_scanned(&s.not_scanned, out);
    for sk in &s.skipped {
        let _ = writeln!(out, "Skipped: {}: {}", escape(&sk.path), escape(&sk.reason));
    }
    for p in &s.invalid_utf8 {
        let _ = writeln!(out, "Read with invalid UTF-8 replaced: {}", escape(p));
    }
    for p in &s.syntax_errors {
        let _ = writeln!(out, "Partly parsed (syntax errors): {}", escape(p));
    }
}

/// How many files the human summary names in its "not scanned" line; JSON lists them all.
const NOT_SCANNED_SHOWN: usize = 10;

/// `Not scanned (support missing): 3 files (.ipynb 2, .go 1) name models: nb/demo.ipynb, …`,
/// formats by count, then by label; paths in order, the first [`NOT_SCANNED_SHOWN`] of them.
fn not_scanned(files: &[crate::engine::NotScanned], out: &mut String) {
    if files.is_empty() {
        return;
    }
    let mut formats: Vec<(&str, u64)> = Vec::new();
    for f in files {
        match formats.iter_mut().find(|(label, _)| *label == f.format) {
            Some((_, n)) => *n += 1,
            None => formats.push((f.format, 1)),
        }
    }
    formats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let formats: Vec<String> = formats.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let mut paths: Vec<String> = files
        .iter()
        .take(NOT_SCANNED_SHOWN)
        .map(|f| escape(&f.path).into_owned())
        .collect();
    if files.len() > NOT_SCANNED_SHOWN {
        paths.push(format!(
            "and {} more (all of them in --format json)",
            files.len() - NOT_SCANNED_SHOWN
        ));
    }
    let verb = if files.len() == 1 { "names" } else { "name" };
    let _ = writeln!(
        out,
        "Not scanned (support missing): {} ({}) {verb} models: {}",
        plural(files.len() as u64, "file"),
        formats.join(", "),
        paths.join(", ")
    );
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A diagnostic as miette sees it: its texts escaped, its source escaped, and its spans moved
/// to the same places in the escaped source by `map`.
struct Shown<'a> {
    d: &'a Diagnostic,
    src: NamedSource<String>,
    map: &'a dyn Fn(usize) -> usize,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.d.message))
    }
}

/// `denied-model: model `gpt-5.5-pro` is denied: …`, ruff-style: the check id leads.
impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.d.check, escape(&self.d.message))
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<Severity> {
        Some(match self.d.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note | Level::Off => Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(escape(h).into_owned()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.src.inner().len();
        let clamp = |s: usize, e: usize| {
            let s = (self.map)(s).min(len);
            (s, (self.map)(e).clamp(s, len) - s)
        };
        let (s, l) = clamp(self.d.span.start_byte, self.d.span.end_byte);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(escape(&self.d.label).into_owned()),
            (s, l),
        )];
        for extra in &self.d.labels {
            let (s, l) = clamp(extra.span.start_byte, extra.span.end_byte);
            labels.push(LabeledSpan::new_with_span(
                Some(escape(&extra.message).into_owned()),
                (s, l),
            ));
        }
        Some(Box::new(labels.into_iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::Mode;

    #[test]
    fn check() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&super::Human, &report, Mode::Check));
    }

    #[test]
    fn scan() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&super::Human, &report, Mode::Scan));
    }
}

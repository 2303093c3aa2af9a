//! One line per finding, for logs and for people who grep: in `check`,
//! `path:line:col: severity[check-id] message` per diagnostic; in `scan`,
//! `path:line:col: site model limit monthly` per call site; then one summary line. Paths and
//! messages are escaped, and a line never starts with `::`.

use super::escape::{escape, escape_line_start};
use super::human::plural;
use super::{Emitter, Mode, Options};
use crate::diagnostic::Diagnostic;
use crate::engine::Report;
use std::io;

/// The concise format (`--format concise`).
pub struct Concise;

impl Emitter for Concise {
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        let s = &report.summary;
        match opts.mode {
            Mode::Check => {
                for d in &report.diagnostics {
                    line(d, out)?;
                }
                writeln!(
                    out,
                    "{}, {}, {}{}; {} ({} priced), estimated monthly total {}.",
                    plural(s.errors, "error"),
                    plural(s.warnings, "warning"),
                    plural(s.notes, "note"),
                    if s.suppressed > 0 {
                        format!(" ({} suppressed in code)", s.suppressed)
                    } else {
                        String::new()
                    },
                    plural(s.sites, "call site"),
                    s.sites_priced,
                    s.monthly_total
                )
            }
            Mode::Scan => {
                for site in report.sites() {
                    let limit = match &site.limit {
                        Some(l) => match l.value {
                            Some(v) => format!("{}={v}", l.param),
                            None => format!("{}=(run time)", l.param),
                        },
                        None => "no limit".to_string(),
                    };
                    let monthly = site
                        .cost
                        .as_ref()
                        .map_or("not priced".to_string(), |c| format!("{}/month", c.monthly));
                    writeln!(
                        out,
                        "{}:{}:{}: site {} {} {}",
                        escape_line_start(&site.path),
                        site.span.line,
                        site.span.column,
                        escape(&site.model.text),
                        escape(&limit),
                        monthly
                    )?;
                }
                writeln!(
                    out,
                    "{} ({} priced), estimated monthly total {}.",
                    plural(s.sites, "call site"),
                    s.sites_priced,
                    s.monthly_total
                )
            }
        }
    }
}

/// One diagnostic as one line, `path:line:col: severity[check-id] message`, its text escaped
/// so that it never starts a workflow command or sends a control character.
pub(super) fn line(d: &Diagnostic, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(
        out,
        "{}:{}:{}: {}[{}] {}",
        escape_line_start(&d.path),
        d.span.line,
        d.span.column,
        d.level,
        d.check,
        escape(&d.message)
    )
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::Mode;

    #[test]
    fn check() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&super::Concise, &report, Mode::Check));
    }

    #[test]
    fn scan() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&super::Concise, &report, Mode::Scan));
    }

    #[test]
    fn a_line_never_starts_a_workflow_command() {
        let report = sample::report_of(&[(
            "\n::set-output name=a::b\n.py",
            "create(model=\"gpt-5.5-pro\\n::error::x\")\ncreate(model=\"gpt-4o\")\n",
        )]);
        let text = sample::emit(&super::Concise, &report, Mode::Check);
        assert!(!report.diagnostics.is_empty(), "{text}");
        assert!(text.lines().all(|l| !l.starts_with("::")), "{text}");
        assert_eq!(text.lines().count(), report.diagnostics.len() + 1, "{text}");
    }
}

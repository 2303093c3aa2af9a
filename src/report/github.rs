//! GitHub Actions workflow commands (`--format github`): one
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=costlint(check-id)::message` per
//! diagnostic, which the runner turns into an annotation on the pull request's line.
//!
//! The runner shows at most 10 annotations of each level per step and 50 per job, and drops
//! the rest. So errors come first, then warnings, then notes, at most [`PER_LEVEL`] of each and
//! [`PER_JOB`] in all; the diagnostics left out are printed as plain log lines, and a final
//! notice says how many there were and where to see them all. In a diff (`--base`), within
//! each level the diagnostics on lines the change touched come before the others.
//!
//! Everything from the repository is escaped as the runner decodes it: `%`, CR and LF in the
//! message, and also `:` and `,` in properties (file names); other control characters are
//! written as `\x1b`-style escapes. A file or a string holding `\n::set-output …` therefore
//! stays inside its own command, and a plain log line never starts with `::`.

use super::escape::{escape, is_control};
use super::{Emitter, Mode, Options};
use crate::diagnostic::{Diagnostic, Level};
use crate::engine::Report;
use std::io;

/// Annotations of one level the runner shows per step.
pub const PER_LEVEL: usize = 10;
/// Annotations the runner shows per job.
pub const PER_JOB: usize = 50;

/// The GitHub Actions format (`--format github`).
pub struct Github;

impl Emitter for Github {
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        if opts.mode == Mode::Scan {
            // The inventory has no diagnostics to annotate; its total is one notice.
            return writeln!(
                out,
                "::notice title=costlint::{} call sites, estimated monthly total {}",
                report.summary.sites, report.summary.monthly_total
            );
        }
        let mut ordered: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        // In a diff, the lines the change touched first within each level: those are the ones
        // a reviewer reads, and the runner keeps only the first of each level.
        let elsewhere = |d: &Diagnostic| {
            report
                .diff
                .as_ref()
                .is_some_and(|diff| !diff.touches(&d.path, d.span.line, d.span.end_line))
        };
        // Stable: within that, the report's order (path, line, column, check).
        ordered.sort_by_key(|d| (std::cmp::Reverse(d.level), elsewhere(d)));
        let mut shown = [0usize; 4];
        let mut total = 0;
        let mut left_out = Vec::new();
        for d in ordered {
            let level = d.level as usize;
            // One notice is kept back for the closing one, should anything be left out.
            let cap = if d.level == Level::Note {
                PER_LEVEL - 1
            } else {
                PER_LEVEL
            };
            if shown[level] < cap && total < PER_JOB - 1 {
                shown[level] += 1;
                total += 1;
                command(d, out)?;
            } else {
                left_out.push(d);
            }
        }
        if left_out.is_empty() {
            return Ok(());
        }
        // Listed in the log as `--format concise` lists them.
        for d in &left_out {
            super::concise::line(d, out)?;
        }
        writeln!(
            out,
            "::notice title=costlint::{} more {} not annotated (GitHub shows {PER_LEVEL} per level \
             in a step): they are listed above in this log; `--format sarif` or `--format json` \
             holds them all",
            left_out.len(),
            if left_out.len() == 1 {
                "diagnostic is"
            } else {
                "diagnostics are"
            }
        )
    }
}

/// One diagnostic as one workflow command.
fn command(d: &Diagnostic, out: &mut dyn io::Write) -> io::Result<()> {
    let kind = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note | Level::Off => "notice",
    };
    let mut message = data(&d.message);
    if let Some(help) = &d.help {
        message.push_str("%0Ahelp: ");
        message.push_str(&data(help));
    }
    writeln!(
        out,
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{message}",
        property(&d.path),
        d.span.line,
        d.span.column,
        d.span.end_line,
        d.span.end_column,
        property(&format!("costlint({})", d.check)),
    )
}

/// A command's message, escaped as the runner decodes it.
pub fn data(s: &str) -> String {
    encode(s, false)
}

/// A command's property value, escaped as the runner decodes it.
pub fn property(s: &str) -> String {
    encode(s, true)
}

fn encode(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_control(c) => out.push_str(&escape(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::Mode;
    use super::*;

    #[test]
    fn check() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&Github, &report, Mode::Check));
    }

    #[test]
    fn scan() {
        let report = sample::report();
        insta::assert_snapshot!(sample::emit(&Github, &report, Mode::Scan));
    }

    #[test]
    fn escapes_as_the_runner_decodes() {
        assert_eq!(data("50% off\r\nnext: a,b"), "50%25 off%0D%0Anext: a,b");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(data("\u{1b}[2J"), "\\x1b[2J");
    }

    #[test]
    fn injected_commands_stay_inside_their_own() {
        let report = sample::report_of(&[
            (
                "x\n::set-output name=a::b\n.py",
                "create(model=\"gpt-5.5-pro\", max_tokens=20000)\n",
            ),
            (
                "y.py",
                "create(model=\"acme-7\\n::set-output name=a::b\\r\\n::error::x\")\n\
                 # costlint: ignore[\u{b}::set-output name=a::b]\n\
                 create(model=\"gpt-4o\", max_tokens=10)\n",
            ),
            (
                "z.yaml",
                "model: \"gpt-5.5-pro\\n::set-output name=a::b\"\nmax_tokens: 10\n",
            ),
        ]);
        let text = sample::emit(&Github, &report, Mode::Check);
        assert!(report.diagnostics.len() >= 3, "{text}");
        // The scanned string reached a message, and the file name a property.
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("::set-output")),
            "{text}"
        );
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.path.contains("\n::set-output")),
            "{text}"
        );
        let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
        assert_eq!(commands.len(), report.diagnostics.len(), "{text}");
        assert_eq!(text.lines().count(), report.diagnostics.len(), "{text}");
        for c in commands {
            assert!(
                ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|k| c.starts_with(k)),
                "{c}"
            );
        }
        assert!(!text.contains("\n::set-output"), "{text}");
    }

    #[test]
    fn in_a_diff_the_changed_lines_come_first_within_each_level() {
        let mut files = Vec::new();
        for i in 0..12 {
            files.push((
                format!("w{i:02}.py"),
                "create(model=\"gpt-5-mini\")\ncreate(model=\"gpt-4o\")\n".to_string(),
            ));
        }
        files.push((
            "e.py".to_string(),
            "create(model=\"gpt-5.5-pro\", max_tokens=100)\n\
             create(model=\"gpt-5.5-pro\", max_tokens=100)\n"
                .to_string(),
        ));
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let mut report = sample::report_of(&files);
        let plain = sample::emit(&Github, &report, Mode::Check);
        let warnings = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with("::warning "))
                .map(|l| l.split(",col=").next().unwrap_or_default().to_string())
                .collect()
        };
        // Without a diff, the report's order: the last files' warnings are left out.
        assert!(
            !warnings(&plain).iter().any(|w| w.contains("file=w11.py")),
            "{plain}"
        );

        let mut changed = std::collections::HashMap::new();
        changed.insert("w11.py".to_string(), vec![(2, 2)]);
        changed.insert("w10.py".to_string(), vec![(1, 1)]);
        changed.insert("e.py".to_string(), vec![(2, 5)]);
        report.diff = Some(crate::diff::Diff {
            changed_lines: changed,
            ..crate::diff::Diff::default()
        });
        let text = sample::emit(&Github, &report, Mode::Check);
        let shown = warnings(&text);
        assert_eq!(shown.len(), PER_LEVEL, "{text}");
        let on_changed =
            |w: &str| w == "::warning file=w10.py,line=1" || w == "::warning file=w11.py,line=2";
        let n = report
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .filter(|d| {
                (d.path == "w10.py" && d.span.line == 1) || (d.path == "w11.py" && d.span.line == 2)
            })
            .count();
        assert!(n >= 2, "{text}");
        assert!(shown[..n].iter().all(|w| on_changed(w)), "{text}");
        assert!(!shown[n..].iter().any(|w| on_changed(w)), "{text}");
        assert!(shown.iter().any(|w| w.contains("file=w11.py")), "{text}");
        let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
        assert!(errors[0].starts_with("::error file=e.py,line=2,"), "{text}");
        assert!(errors[1].starts_with("::error file=e.py,line=1,"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let last_error = lines.iter().rposition(|l| l.starts_with("::error "));
        let first_warning = lines.iter().position(|l| l.starts_with("::warning "));
        assert!(last_error < first_warning, "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn errors_first_and_at_most_ten_of_each_level() {
        let mut files = Vec::new();
        for i in 0..14 {
            files.push((
                format!("e{i:02}.py"),
                "create(model=\"gpt-5.5-pro\", max_tokens=100)\n".to_string(),
            ));
            files.push((
                format!("w{i:02}.py"),
                "create(model=\"gpt-5-mini\")\n".to_string(),
            ));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let report = sample::report_of(&files);
        let text = sample::emit(&Github, &report, Mode::Check);
        let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
        let count = |k: &str| commands.iter().filter(|c| c.starts_with(k)).count();
        assert_eq!(count("::error "), PER_LEVEL, "{text}");
        assert_eq!(count("::warning "), PER_LEVEL, "{text}");
        assert_eq!(count("::notice "), 1, "{text}");
        let first_warning = commands.iter().position(|c| c.starts_with("::warning "));
        let last_error = commands.iter().rposition(|c| c.starts_with("::error "));
        assert!(last_error < first_warning, "{text}");
        let left = format!(
            "{} more diagnostics",
            report.diagnostics.len() - 2 * PER_LEVEL
        );
        assert!(commands.last().is_some_and(|c| c.contains(&left)), "{text}");
        insta::assert_snapshot!(text);
    }
}

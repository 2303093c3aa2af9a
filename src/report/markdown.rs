//! The pull-request summary (`--format markdown`), for a PR comment or a job summary: a
//! headline with the signed monthly delta, a table of changed call sites, the unchanged totals
//! folded away, a Mermaid chart of monthly cost by model before and after, the assumptions and
//! the verdict. It stays under GitHub's comment limit ([`MAX_CHARS`]) by cutting the table,
//! with a note. Without a diff (no `--base`), the same for the whole repository.
//!
//! Every piece of repository text is escaped for Markdown ([`md`]): a file name cannot open a
//! link, an HTML tag or a mention, nor break the table.

use super::escape::escape;
use super::{Emitter, Mode, Options};
use crate::cost::{thousands, Money};
use crate::diff::{ChangeKind, Diff, SiteChange, SiteState};
use crate::engine::Report;
use std::fmt::Write as _;

/// GitHub's limit on a comment's length, in characters.
pub const MAX_CHARS: usize = 65_536;

/// Room kept for everything but the table's rows.
const RESERVED: usize = 8_000;

/// The markdown format (`--format markdown`).
pub struct Markdown;

impl Emitter for Markdown {
    fn emit(
        &self,
        report: &Report,
        opts: &Options,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(render(report, opts).as_bytes())
    }
}

/// The summary of `report`.
pub fn render(report: &Report, opts: &Options) -> String {
    let Some(diff) = &report.diff else {
        return whole(report, opts);
    };
    let priced_change = diff.monthly_delta != Money::ZERO
        || diff.changes.iter().any(|c| c.monthly_delta != Money::ZERO);
    if !priced_change {
        return format!(
            "**costlint**: no change to the estimated monthly LLM spend ({}/month); {}.\n",
            diff.monthly_after,
            verdict_words(report, opts)
        );
    }
    let mut head = String::new();
    let _ = writeln!(
        head,
        "### costlint: {}/month ({})\n",
        signed(diff.monthly_delta),
        diff.percent
            .as_deref()
            .map_or("new spend".to_string(), |p| format!("{}%", signed_pct(p)))
    );
    let _ = writeln!(
        head,
        "Estimated monthly LLM spend: **{} → {}**, base {} → head {}.\n",
        diff.monthly_before,
        diff.monthly_after,
        revision(&diff.base),
        if diff.head.rev == "working tree" {
            "the working tree".to_string()
        } else {
            revision(&diff.head)
        }
    );
    for line in &diff.budget {
        let _ = writeln!(head, "> **Budget:** {}\n", md(line));
    }

    let mut tail = String::new();
    let _ = writeln!(
        tail,
        "<details><summary>Unchanged: {} call {}, {}/month</summary>\n",
        diff.unchanged_sites,
        if diff.unchanged_sites == 1 {
            "site"
        } else {
            "sites"
        },
        diff.unchanged_monthly
    );
    by_model_table(diff, &mut tail);
    let _ = writeln!(tail, "\n</details>\n");
    chart(diff, &mut tail);
    assumptions(report, &mut tail);
    let _ = writeln!(tail, "**Verdict:** {}.", verdict_words(report, opts));

    let mut rows = String::new();
    let _ = writeln!(
        rows,
        "| call site | change | model | limit | monthly | delta |\n| --- | --- | --- | --- | ---: | ---: |"
    );
    let budget = MAX_CHARS.saturating_sub(RESERVED + head.chars().count() + tail.chars().count());
    let mut shown = 0;
    for c in &diff.changes {
        let row = change_row(c);
        if rows.chars().count() + row.chars().count() > budget {
            break;
        }
        rows.push_str(&row);
        shown += 1;
    }
    if shown < diff.changes.len() {
        let _ = writeln!(
            rows,
            "\n*The table is cut to fit a comment: {} more changed call sites are not shown (all of them in `--format json`).*",
            diff.changes.len() - shown
        );
    }
    format!("{head}{rows}\n{tail}")
}

fn change_row(c: &SiteChange) -> String {
    let site = c
        .shown()
        .map_or(String::new(), |s| md(&format!("{}:{}", s.path, s.line)));
    let kind = match c.kind {
        ChangeKind::Changed => format!("changed ({})", c.what.join(", ")),
        ChangeKind::Moved => match (&c.before, &c.after) {
            (Some(b), Some(a)) if b.path != a.path => format!("moved from {}", md(&b.path)),
            (Some(b), _) => format!("moved from line {}", b.line),
            _ => "moved".into(),
        },
        ChangeKind::Added => "added".into(),
        ChangeKind::Removed => "removed".into(),
    };
    let model = |s: &SiteState| md(&s.model);
    let limit = |s: &SiteState| match (&s.limit_param, s.limit) {
        (Some(_), Some(v)) => thousands(v),
        (Some(_), None) => "run time".into(),
        (None, _) => "none".into(),
    };
    let money = |s: &SiteState| s.monthly.map_or("n/a".to_string(), |m| m.to_string());
    let both = |f: &dyn Fn(&SiteState) -> String| match (&c.before, &c.after) {
        (Some(b), Some(a)) => {
            let (b, a) = (f(b), f(a));
            if b == a {
                a
            } else {
                format!("{b} → {a}")
            }
        }
        (Some(b), None) => format!("{} → –", f(b)),
        (None, Some(a)) => format!("– → {}", f(a)),
        (None, None) => String::new(),
    };
    format!(
        "| {site} | {kind} | {} | {} | {} | {} |\n",
        both(&model),
        both(&limit),
        both(&money),
        signed(c.monthly_delta)
    )
}

fn by_model_table(diff: &Diff, out: &mut String) {
    if diff.by_model.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| model | monthly before | monthly after |\n| --- | ---: | ---: |"
    );
    for m in &diff.by_model {
        let _ = writeln!(out, "| {} | {} | {} |", md(&m.model), m.before, m.after);
    }
}

/// A Mermaid bar chart of monthly cost by model, before and after (GitHub renders it).
fn chart(diff: &Diff, out: &mut String) {
    if diff.by_model.is_empty() {
        return;
    }
    let shown: Vec<_> = diff.by_model.iter().take(12).collect();
    let names: Vec<String> = shown
        .iter()
        .map(|m| format!("\"{}\"", mermaid_name(&m.model)))
        .collect();
    let dollars = |m: Money| {
        let c = m.cents();
        format!("{}.{:02}", c / 100, (c % 100).abs())
    };
    let before: Vec<String> = shown.iter().map(|m| dollars(m.before)).collect();
    let after: Vec<String> = shown.iter().map(|m| dollars(m.after)).collect();
    let _ = writeln!(
        out,
        "Monthly cost by model, before (first bar) and after (second bar), USD:\n\n```mermaid\nxychart-beta\n    x-axis [{}]\n    y-axis \"USD per month\"\n    bar [{}]\n    bar [{}]\n```\n",
        names.join(", "),
        before.join(", "),
        after.join(", ")
    );
    if diff.by_model.len() > shown.len() {
        let _ = writeln!(
            out,
            "*The chart shows the first {} of {} models.*\n",
            shown.len(),
            diff.by_model.len()
        );
    }
}

fn assumptions(report: &Report, out: &mut String) {
    let a = &report.summary.assumptions;
    let _ = writeln!(
        out,
        "**Assumptions** (policy {}): {} calls/day, {} input tokens ({} cached) per call, {} days/month unless overridden (each site's usage says where its figures came from); output = {}; prices {}{}. Base and head are priced under the head's policy.\n",
        md(&a.policy),
        a.default_calls_per_day,
        a.default_input_tokens,
        a.default_cached_input_tokens,
        a.days_per_month,
        a.output_tokens,
        a.prices,
        a.pricing_as_of
            .map(|d| format!(", as of {d}"))
            .unwrap_or_default(),
    );
}

fn verdict_words(report: &Report, opts: &Options) -> String {
    let s = &report.summary;
    let findings = format!(
        "{} {}, {} {}",
        s.errors,
        if s.errors == 1 { "error" } else { "errors" },
        s.warnings,
        if s.warnings == 1 {
            "warning"
        } else {
            "warnings"
        }
    );
    // As the exit code decides: at or above `--fail-on`.
    let failed = matches!((opts.fail_on, report.max_level()), (Some(t), Some(m)) if m >= t);
    match opts.mode {
        Mode::Scan => format!("inventory only ({findings})"),
        Mode::Check if failed => format!("❌ fails the policy: {findings}"),
        Mode::Check => format!("✅ passes the policy: {findings}"),
    }
}

/// Without a diff: the total and the costliest call sites.
fn whole(report: &Report, opts: &Options) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### costlint: {}/month estimated LLM spend\n\n{} call sites ({} priced) in {} files.\n",
        s.monthly_total, s.sites, s.sites_priced, s.files_with_findings
    );
    let _ = writeln!(
        out,
        "| call site | model | limit | monthly |\n| --- | --- | --- | ---: |"
    );
    let mut shown = 0;
    for site in report.sites() {
        let row = format!(
            "| {} | {} | {} | {} |\n",
            md(&format!("{}:{}", site.path, site.span.line)),
            md(&site.model.text),
            site.limit
                .as_ref()
                .and_then(|l| l.value)
                .map_or("none".to_string(), thousands),
            site.cost
                .as_ref()
                .map_or("n/a".to_string(), |c| c.monthly.to_string())
        );
        if out.chars().count() + row.chars().count() > MAX_CHARS - RESERVED {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if shown < report.summary.sites {
        let _ = writeln!(
            out,
            "\n*The table is cut to fit a comment: {} more call sites are not shown.*",
            report.summary.sites - shown
        );
    }
    out.push('\n');
    assumptions(report, &mut out);
    let _ = writeln!(out, "**Verdict:** {}.", verdict_words(report, opts));
    out
}

/// `+$1,800.00`, `-$12.30`, `$0.00`.
pub fn signed(m: Money) -> String {
    if m > Money::ZERO && m.cents() > 0 {
        format!("+{m}")
    } else {
        m.to_string()
    }
}

/// `+100`, `-12.5` from a percent figure as [`Diff::percent`] writes it (`100.0`).
pub fn signed_pct(p: &str) -> String {
    let p = p.strip_suffix(".0").unwrap_or(p);
    if p.starts_with('-') || p == "0" {
        p.to_string()
    } else {
        format!("+{p}")
    }
}

/// `` `abc1234` (main) ``: a commit and the name it was given by, unless that name is the
/// commit itself (as the GitHub Action passes the pull request's base).
fn revision(r: &crate::diff::Revision) -> String {
    let given_as_hash = r.rev.len() >= 7 && r.commit.starts_with(&r.rev);
    if given_as_hash {
        format!("`{}`", short(&r.commit))
    } else {
        format!("`{}` ({})", short(&r.commit), md(&r.rev))
    }
}

/// The first 7 characters of a commit hash.
fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// Repository text for Markdown: control characters escaped, then every ASCII punctuation that
/// Markdown or HTML reads backslash-escaped (`|` included, so a cell stays a cell), `<` and `>`
/// as entities and `@` as an entity (no mentions).
pub fn md(s: &str) -> String {
    let s = escape(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A model id for a Mermaid label: letters, digits and `.-_/:` kept, anything else `_`.
fn mermaid_name(s: &str) -> String {
    s.chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_/:".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_text_cannot_break_the_markdown() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(md("@team"), "&#64;team");
        assert_eq!(md("x\ny"), "x\\\\ny");
        assert_eq!(mermaid_name("gpt\"];x"), "gpt___x");
    }

    #[test]
    fn the_verdict_follows_fail_on() {
        use crate::diagnostic::Level;
        let report = crate::report::sample::report_of(&[("w.py", "create(model=\"gpt-5.4\")\n")]);
        assert!(report.summary.errors == 0 && report.summary.warnings > 0);
        let verdict = |fail_on: Option<Level>| {
            let read = |_: &str| None;
            let opts = Options {
                mode: Mode::Check,
                color: false,
                quiet: false,
                read: &read,
                fail_on,
                docs_url: None,
            };
            let text = render(&report, &opts);
            text.lines()
                .find(|l| l.starts_with("**Verdict:**"))
                .unwrap_or_default()
                .to_string()
        };
        assert!(verdict(Some(Level::Error)).contains("✅ passes"));
        assert!(verdict(Some(Level::Warning)).contains("❌ fails"));
        assert!(verdict(None).contains("✅ passes"));
    }

    #[test]
    fn signs() {
        assert_eq!(signed(Money::from_cents(180_000)), "+$1,800.00");
        assert_eq!(signed(Money::from_cents(-5)), "-$0.05");
        assert_eq!(signed(Money::ZERO), "$0.00");
        assert_eq!(signed_pct("100.0"), "+100");
        assert_eq!(signed_pct("-12.5"), "-12.5");
    }
}

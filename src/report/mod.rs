//! Reporters: one file per output format, each an [`Emitter`]. Emitters only read a finished
//! [`Report`]; nothing about formats leaks into extraction or pricing, and which formats a user
//! can ask for is the command line's business (`cli::Format`), not the library's.

pub mod concise;
pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod statistics;
pub mod table;

use crate::diagnostic::Diagnostic;
use crate::engine::Report;
use crate::sites::Site;
use std::collections::{HashMap, HashSet};
use std::io;

/// Writes a finished report in one format. Emitters hold no state of their own: everything a
/// run decides (check or scan, colour, snippets) comes in [`Options`].
pub trait Emitter {
    /// Writes `report` to `out`. The only errors are `out`'s own.
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()>;
}

/// What the command was: `check` shows diagnostics; `scan` is the inventory only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `costlint check`: diagnostics, the call sites and the summary.
    Check,
    /// `costlint scan`: the inventory, without diagnostics.
    Scan,
}

/// What a run decides about its output, beside the report itself.
pub struct Options<'a> {
    /// Check or scan.
    pub mode: Mode,
    /// Colours in human output (never in files, never in machine formats).
    pub color: bool,
    /// Human output without the call-site table.
    pub quiet: bool,
    /// Reads a scanned file again by its displayed path, for source snippets.
    pub read: &'a dyn Fn(&str) -> Option<String>,
    /// The lowest level that fails the run (`check --fail-on`); `None`: nothing fails it.
    /// Reports that give a verdict (markdown) give the run's.
    pub fail_on: Option<crate::diagnostic::Level>,
    /// The address of costlint's README, for links to the documentation of checks (SARIF's
    /// `helpUri`); `None`: no link is written.
    pub docs_url: Option<&'a str>,
}

/// The call site a diagnostic is about, when it is about one: the site whose call, model text
/// or limit starts where the diagnostic does. Built once per report, for the emitters that
/// name sites (SARIF fingerprints, statistics per model); it holds only the sites that some
/// diagnostic, reported or suppressed, is about.
pub struct SiteIndex {
    by_path: HashMap<String, HashMap<usize, Site>>,
}

impl SiteIndex {
    /// Indexes the sites of `report` by the places a diagnostic about them starts at; the
    /// first site (in report order) wins a place several share, such as one constant's text.
    pub fn new(report: &Report) -> SiteIndex {
        let wanted: HashSet<(&str, usize)> = report
            .diagnostics
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.diagnostic))
            .map(|d| (d.path.as_str(), d.span.start_byte))
            .collect();
        let mut by_path: HashMap<String, HashMap<usize, Site>> = HashMap::new();
        if wanted.is_empty() {
            return SiteIndex { by_path };
        }
        for s in report.sites() {
            let limit = s.limit.as_ref().map(|l| l.span.start_byte);
            for at in [
                Some(s.span.start_byte),
                Some(s.model.span.start_byte),
                limit,
            ]
            .into_iter()
            .flatten()
            {
                if wanted.contains(&(s.path.as_str(), at)) {
                    by_path
                        .entry(s.path.clone())
                        .or_default()
                        .entry(at)
                        .or_insert_with(|| s.clone());
                }
            }
        }
        SiteIndex { by_path }
    }

    /// The site `d` is about, if any.
    pub fn site(&self, d: &Diagnostic) -> Option<&Site> {
        self.by_path.get(&d.path)?.get(&d.span.start_byte)
    }
}

#[cfg(test)]
pub(crate) mod sample {
    //! An in-memory report for the emitters' snapshot tests: a few files, built by the engine
    //! from text, checked on a fixed date, with no file system involved.

    use crate::config::Policy;
    use crate::date::Date;
    use crate::engine::{Engine, Report, Scan};
    use crate::extract::Extractor;

    const POLICY: &str = "version: 1
models:
  deny:
    - id: gpt-5.5-pro
      reason: needs platform approval
checks:
  max-tokens-ceiling: { level: error, max: 16000 }
";

    /// Files with a denied model, a missing limit, a limit over the ceiling, an unknown model,
    /// a suppressed finding and an invalid directive.
    pub const FILES: &[(&str, &str)] = &[
        (
            "app.py",
            "client.chat.completions.create(model=\"gpt-5.5-pro\", max_tokens=20000)\n\
             client.chat.completions.create(model=\"gpt-4o\")\n",
        ),
        (
            "svc/agent.ts",
            "// costlint: ignore[missing-max-tokens] reason=\"bounded upstream\"\n\
             await openai.chat.completions.create({ model: \"gpt-5-mini\" });\n\
             await generateText({ model: \"acme-7\", maxOutputTokens: 500 });\n\
             // costlint: ignroe[all]\n",
        ),
    ];

    /// The report of [`FILES`] under a policy that denies `gpt-5.5-pro` and caps limits.
    pub fn report() -> Report<'static> {
        report_of(FILES)
    }

    /// The report of `files` (path, text) under the sample policy. The policy and engine it
    /// borrows live as long as the test process.
    pub fn report_of(files: &[(&str, &str)]) -> Report<'static> {
        let policy = Policy::parse("costlint.yaml", POLICY, std::path::Path::new(""));
        let policy: &'static Policy = Box::leak(Box::new(
            policy.unwrap_or_else(|e| panic!("sample policy: {e}")),
        ));
        let engine = Engine::new(policy).unwrap_or_else(|e| panic!("sample engine: {e}"));
        let engine: &'static Engine<'static> = Box::leak(Box::new(engine));
        let mut extractor = Extractor::new();
        let files = files
            .iter()
            .filter_map(|(path, text)| engine.check_source(&mut extractor, path, text))
            .map(crate::files::PackedFile::pack)
            .collect();
        let scan = Scan {
            paths: vec![".".to_string()],
            files,
            ..Scan::default()
        };
        let today = Date::parse("2026-11-25").unwrap_or_else(|| panic!("sample date"));
        engine.evaluate(scan, today, true)
    }

    /// Reads a sample file by its path, for snippets.
    pub fn read(path: &str) -> Option<String> {
        FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.to_string())
    }

    /// `emitter`'s output for `report` as text.
    pub fn emit(emitter: &dyn super::Emitter, report: &Report, mode: super::Mode) -> String {
        let opts = super::Options {
            mode,
            color: false,
            quiet: false,
            read: &read,
            fail_on: Some(crate::diagnostic::Level::Error),
            docs_url: None,
        };
        let mut out = Vec::new();
        emitter
            .emit(report, &opts, &mut out)
            .unwrap_or_else(|e| panic!("emit: {e}"));
        String::from_utf8(out).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
    }
}

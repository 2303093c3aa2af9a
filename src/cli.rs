//! Commands and flags (clap derive).

use crate::report::{concise, github, human, json, markdown, sarif, Emitter};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "costlint",
    version,
    about = "CI policy checker for LLM spend",
    long_about = "costlint finds every LLM model ID and output-token limit in a repository's code and \
configs, binds each limit to its model at the call site, prices every call site against a pricing \
policy, and reports the result or fails the build.\n\n\
The policy is `costlint.yaml` in the scanned folder or the nearest parent up to the repository \
root; without one, an embedded default applies. costlint never uses the network and never runs \
anything from the scanned repository.\n\n\
Exit codes: 0 nothing at or above --fail-on; 1 policy violations; 2 bad input (flags, policy file, \
unreadable path).",
    after_help = "Examples:\n  costlint check                 check the current repository\n  \
costlint check --format json    the same, for machines\n  costlint scan services/        inventory of \
call sites and monthly estimates\n  costlint models 'gpt-5*'        look up prices\n  costlint explain \
missing-max-tokens"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Policy file to use instead of discovering costlint.yaml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colours in human output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Worker threads for scanning (default: the number of cores).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// Print only diagnostics and the summary (no call-site table).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The address of costlint's README, for links to each check's documentation in SARIF
    /// (`helpUri`); default: the COSTLINT_DOCS_URL environment variable, else none.
    #[arg(long, global = true, value_name = "URL")]
    pub docs_url: Option<String>,
}

/// The output formats: one emitter each (`src/report/`), chosen here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, a table of call sites, the total and the assumptions.
    Human,
    /// The versioned machine-readable contract (see the README).
    Json,
    /// One line per diagnostic: `path:line:col: severity[check-id] message`.
    Concise,
    /// GitHub Actions workflow commands: an annotation per diagnostic, errors first.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// The pull-request summary (with `--base`), for a PR comment or a job summary.
    Markdown,
}

impl Format {
    /// The emitter that writes this format.
    pub fn emitter(self) -> &'static dyn Emitter {
        match self {
            Format::Human => &human::Human,
            Format::Json => &json::Json,
            Format::Concise => &concise::Concise,
            Format::Github => &github::Github,
            Format::Sarif => &sarif::Sarif,
            Format::Markdown => &markdown::Markdown,
        }
    }
}

/// Where `--output` sends a report: `FILE` (the `--format` output, instead of standard output)
/// or `FORMAT=FILE` (that format, besides standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The format written there; `None`: the one `--format` names.
    pub format: Option<Format>,
    /// The file, created or truncated.
    pub path: PathBuf,
}

/// `sarif=out.sarif` or `out.txt`. A prefix before `=` that is not a format name is part of
/// the file name (write `./json=x` for a file named `json=x`).
fn parse_output(s: &str) -> Result<Output, String> {
    if let Some((name, path)) = s.split_once('=') {
        if let Ok(format) = Format::from_str(name, true) {
            if path.is_empty() {
                return Err(format!("`{name}=` needs a file name after `=`"));
            }
            return Ok(Output {
                format: Some(format),
                path: PathBuf::from(path),
            });
        }
    }
    if s.is_empty() {
        return Err("needs a file name".to_string());
    }
    Ok(Output {
        format: None,
        path: PathBuf::from(s),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Never fail on diagnostics (bad input still exits 2).
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan, price, check the policy: print diagnostics and a cost summary; exit 1 on violations.
    Check(CheckArgs),
    /// Inventory: every model reference and call site with its limit and monthly estimate.
    /// Never fails on policy.
    Scan(ScanArgs),
    /// The cost impact of a change: call sites changed, moved, added or removed between the
    /// base revision and the head, with before/after monthly cost and the budgets. Never fails
    /// on policy (`check --base` does).
    Diff(DiffArgs),
    /// Look up the pricing catalog: prices per 1M tokens, context window, maximum output,
    /// deprecation and replacement.
    Models(ModelsArgs),
    /// Write a commented starter costlint.yaml.
    Init(InitArgs),
    /// Show a check's documentation, or list the checks.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Files larger than this many bytes are skipped (and listed in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = crate::engine::DEFAULT_MAX_FILE_SIZE)]
    pub max_filesize: u64,
    /// Parse every file, whole, instead of only those whose bytes can hold a model or a limit
    /// and from their outline (slower; gives the same result: for checking and benchmarking
    /// costlint itself).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
    /// Write the report to FILE instead of standard output; `FORMAT=FILE` writes that format
    /// there besides the standard output (`--output sarif=costlint.sarif`). Repeatable.
    #[arg(long, value_name = "[FORMAT=]FILE", value_parser = parse_output)]
    pub output: Vec<Output>,
    /// Print counts per check and per model instead of the findings (JSON with --format json).
    #[arg(long)]
    pub statistics: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Lowest diagnostic level that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub change: ChangeArgs,
}

/// What a diff compares.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Compare against this revision (its merge-base with the head, as a pull request's diff):
    /// only findings the change brings fail, and the budgets apply.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The head revision (default: the working tree, staged and unstaged edits included).
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// With --base: report the findings of every call site, not only of added and changed ones.
    #[arg(long, requires = "base")]
    pub all: bool,
}

/// `costlint diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The folder of the repository to compare (one).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Compare against this revision (its merge-base with the head, as a pull request's diff).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The head revision (default: the working tree, staged and unstaged edits included).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Report the findings of every call site, not only of added and changed ones.
    #[arg(long)]
    pub all: bool,
    /// Files larger than this many bytes are skipped (and listed in the summary).
    #[arg(long, value_name = "BYTES", default_value_t = crate::engine::DEFAULT_MAX_FILE_SIZE)]
    pub max_filesize: u64,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// A glob (`gpt-5*`) or a substring (`sonnet`); a model name as written in code is resolved.
    pub pattern: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the policy.
    #[arg(default_value = "costlint.yaml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A check id, e.g. missing-max-tokens. Without it, every check is listed.
    pub check: Option<String>,
}

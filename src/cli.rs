//! Commands and flags (clap derive).

use crate::report::Format;
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

//! The policy file, `costlint.yaml`: where it is found, what it says, and strict parsing with an
//! error that underlines the offending key or value for every mistake.
//!
//! Parsing goes in two steps. serde_yaml reads the text into a plain YAML value (syntax errors come
//! out here, with a line and column). Then `parse.rs` converts that value by hand, section by
//! section, tracking the path of keys it is at; every mapping is checked against the keys it may
//! hold. When something is wrong, `span.rs` finds that path's key or value in the text with
//! tree-sitter-yaml so that the report points at exactly what the user wrote.

mod parse;
mod span;

pub use parse::{usage_bound, RawValue, Reader};
pub use span::{key_span, value_span};

use crate::error::InputError;
use globset::GlobSet;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The file names a policy may have, in order of preference.
pub const POLICY_FILE_NAMES: &[&str] = &["costlint.yaml", ".costlint.yaml"];

/// `policy`, found in `dir`, when its real path (symbolic links resolved) is inside the
/// repository that holds `dir` (or, outside any repository, under `dir`): a link named
/// `costlint.yaml` may not make costlint read, and quote in its errors, a file from elsewhere
/// (`/proc/self/environ`).
fn inside_repository(dir: &Path, policy: PathBuf) -> Result<Option<PathBuf>, InputError> {
    let root = dir
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir);
    let real = policy.canonicalize().unwrap_or_else(|_| policy.clone());
    if real.starts_with(root) {
        return Ok(Some(policy));
    }
    Err(InputError::plain(format!(
        "policy file `{}` is a link to `{}`, outside the repository (`{}`)",
        policy.display(),
        real.display(),
        root.display()
    ))
    .in_file(policy.display().to_string())
    .with_help("keep the policy inside the repository it governs, or pass it with `--config`"))
}

/// Names a user may give a policy that costlint does not read: finding one is an error that
/// says which name to use, not a silent run with the default policy.
pub const MISNAMED_POLICY_FILES: &[&str] = &["costlint.yml", ".costlint.yml"];

/// `costlint.yaml or .costlint.yaml`, for messages.
fn names_in_words() -> String {
    POLICY_FILE_NAMES
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// What a file that is not a regular file is, in words.
pub(crate) fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Daily volume assumed for a call site when neither the policy nor the code says otherwise.
pub const DEFAULT_CALLS_PER_DAY: u64 = 500;
/// Input tokens per call assumed by default.
pub const DEFAULT_INPUT_TOKENS: u64 = 2000;
/// Cached input tokens per call assumed by default.
pub const DEFAULT_CACHED_INPUT_TOKENS: u64 = 0;
/// Days in a month for monthly figures, by default.
pub const DEFAULT_DAYS_PER_MONTH: u32 = 30;
/// The most calls per day a policy or a `costlint: usage` directive may assume (10^9).
pub const MAX_CALLS_PER_DAY: u64 = 1_000_000_000;
/// The most input (or cached input) tokens per call a policy or a directive may assume (10^8).
pub const MAX_TOKENS: u64 = 100_000_000;

const DEFAULT_POLICY: &str = include_str!("../rules/default.yaml");
/// How errors name the embedded default policy.
const EMBEDDED_NAME: &str = "<built-in default policy>";
const STARTER_POLICY: &str = include_str!("../rules/init.yaml");

/// A parsed policy file.
#[derive(Debug, Clone)]
pub struct Policy {
    pub version: u32,
    /// Where prices come from; a later source overrides an earlier one for the same model.
    pub pricing: Vec<PricingSource>,
    /// Private model names (Azure deployments and other aliases) mapped to catalog model ids.
    pub deployments: BTreeMap<String, String>,
    pub usage: UsagePolicy,
    pub models: ModelsPolicy,
    /// What the file says under `checks:`, as written and in file order: only the checks it
    /// mentions. The check registry, which knows the checks and their options, reads and
    /// validates these values (with [`Policy::reader`]); the policy knows none of them.
    pub checks: Vec<CheckEntry>,
    pub budget: Budget,
    pub ignore: IgnorePolicy,
    pub origin: PolicyOrigin,
    /// The file's text and where some of its values are, for errors about them found once
    /// the policy is in use; `None` for the embedded default.
    pub source: Option<PolicySource>,
}

/// A policy file's text, kept for reports that point into it after parsing.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// The policy file as reports name it.
    pub display_path: String,
    /// Its text.
    pub text: std::sync::Arc<str>,
    /// Byte ranges of the values checked later (`pricing[1].file`, `deployments.chat-prod`),
    /// by key path as users read it.
    pub places: BTreeMap<String, std::ops::Range<usize>>,
}

impl PolicySource {
    /// An error underlining the value at `key` (`pricing[1].file`), or about the whole file when
    /// the place is not known.
    pub fn error_at(
        &self,
        key: &str,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> InputError {
        match self.places.get(key) {
            Some(span) => {
                InputError::at(&self.display_path, &self.text, span.clone(), message, label)
            }
            None => InputError::plain(message).in_file(self.display_path.clone()),
        }
    }
}

/// Where a policy's errors point: at `key` in its file when it has one, else nowhere.
pub fn policy_error(
    policy: &Policy,
    key: &str,
    message: impl Into<String>,
    label: impl Into<String>,
) -> InputError {
    match &policy.source {
        Some(src) => src.error_at(key, message, label),
        None => InputError::plain(message),
    }
}

/// One source of prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PricingSource {
    /// The catalog bundled with costlint.
    Builtin,
    /// A costlint pricing file; the path is already joined to the policy file's folder.
    File(PathBuf),
    /// A LiteLLM `model_prices_and_context_window.json`; the path is already joined to the policy
    /// file's folder.
    Litellm(PathBuf),
}

/// Volume assumptions used to turn per-call prices into monthly figures.
#[derive(Debug, Clone)]
pub struct UsagePolicy {
    pub days_per_month: u32,
    pub default: Usage,
    /// Tried in order; the first whose globs match a file's path applies.
    pub overrides: Vec<UsageOverride>,
    /// Usage of single call sites, keyed by the site key `costlint scan` prints (`site_key`):
    /// laid over the default and the path override, under an in-code hint.
    pub sites: BTreeMap<String, UsageChange>,
}

impl Default for UsagePolicy {
    fn default() -> Self {
        UsagePolicy {
            days_per_month: DEFAULT_DAYS_PER_MONTH,
            default: Usage::default(),
            overrides: Vec::new(),
            sites: BTreeMap::new(),
        }
    }
}

/// How much one call site is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub calls_per_day: u64,
    /// Input tokens per call, cached ones included.
    pub input_tokens: u64,
    /// Of `input_tokens`, how many are read from the provider's prompt cache.
    pub cached_input_tokens: u64,
}

impl Default for Usage {
    fn default() -> Self {
        Usage {
            calls_per_day: DEFAULT_CALLS_PER_DAY,
            input_tokens: DEFAULT_INPUT_TOKENS,
            cached_input_tokens: DEFAULT_CACHED_INPUT_TOKENS,
        }
    }
}

/// Usage for the files whose path (relative to the folder holding the policy) matches one of
/// `paths`. Fields left out keep the default's value.
#[derive(Debug, Clone)]
pub struct UsageOverride {
    pub paths: Vec<String>,
    pub calls_per_day: Option<u64>,
    pub input_tokens: Option<u64>,
    pub cached_input_tokens: Option<u64>,
    matcher: Globs,
}

impl UsageOverride {
    /// Whether this override applies to `rel_path` (relative to the policy's folder,
    /// `/`-separated).
    pub fn matches(&self, rel_path: &str) -> bool {
        self.matcher.0.is_match(normalize(rel_path))
    }

    /// `base` with this override's fields laid over it.
    pub fn apply(&self, base: Usage) -> Usage {
        Usage {
            calls_per_day: self.calls_per_day.unwrap_or(base.calls_per_day),
            input_tokens: self.input_tokens.unwrap_or(base.input_tokens),
            cached_input_tokens: self.cached_input_tokens.unwrap_or(base.cached_input_tokens),
        }
    }
}

/// The usage fields an entry of `usage.sites` sets (calls a day; tokens a call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UsageChange {
    pub calls_per_day: Option<u64>,
    pub input_tokens: Option<u64>,
    pub cached_input_tokens: Option<u64>,
}

impl UsageChange {
    /// `base` with these fields laid over it.
    pub fn apply(&self, base: Usage) -> Usage {
        Usage {
            calls_per_day: self.calls_per_day.unwrap_or(base.calls_per_day),
            input_tokens: self.input_tokens.unwrap_or(base.input_tokens),
            cached_input_tokens: self.cached_input_tokens.unwrap_or(base.cached_input_tokens),
        }
    }
}

/// Which models may be used.
#[derive(Debug, Clone, Default)]
pub struct ModelsPolicy {
    /// Globs over model ids; `None` allows every model.
    pub allow: Option<Vec<String>>,
    pub deny: Vec<DenyRule>,
    allow_matcher: Option<Globs>,
    /// One glob per deny rule, in the same order.
    deny_matcher: Globs,
}

/// A model that must not be used, with the reason shown to whoever uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyRule {
    /// A glob over model ids.
    pub id: String,
    pub reason: Option<String>,
}

/// One entry of `checks:` as written: `missing-max-tokens: warning` or
/// `max-tokens-ceiling: { level: error, max: 16000 }`.
#[derive(Debug, Clone)]
pub struct CheckEntry {
    /// The check id as written (perhaps not a check at all: the registry says).
    pub id: String,
    /// The level shorthand or the mapping of options, with its place in the file.
    pub value: RawValue,
}

/// Limits on how much a change may add to the monthly estimate (diff mode: `costlint diff`,
/// `costlint check --base`). Each is written as a number (level `error`) or as
/// `{ max: N, level: warning }`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budget {
    /// The most a change may add to the monthly total, in USD.
    pub max_monthly_increase_usd: Option<f64>,
    /// The most a change may add to the monthly total, in percent of the total before it.
    pub max_monthly_increase_pct: Option<f64>,
    /// The most the monthly total may be after the change, in USD.
    pub max_monthly_usd: Option<f64>,
    /// The level written for a limit (`{ max: N, level: warning }`), by key.
    pub levels: Vec<(&'static str, crate::diagnostic::Level)>,
}

impl Budget {
    /// The level written for the limit at `key` (`max_monthly_usd`), if the policy gives one;
    /// otherwise `checks.monthly-budget` decides, else `error`.
    pub fn level(&self, key: &str) -> Option<crate::diagnostic::Level> {
        self.levels.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
    }
}

/// Files costlint does not scan.
#[derive(Debug, Clone, Default)]
pub struct IgnorePolicy {
    /// Globs over paths relative to the folder holding the policy.
    pub paths: Vec<String>,
    matcher: Globs,
}

/// Where a policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOrigin {
    /// The default built into costlint, used when a repository has no policy file.
    Embedded,
    File(PathBuf),
}

// `InputError` carries the whole file for its report; its size is the error module's choice.
#[allow(clippy::result_large_err)]
impl Policy {
    /// The policy used when a repository has none (`rules/default.yaml`, built in).
    pub fn embedded_default() -> Policy {
        static DEFAULT: OnceLock<Policy> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                let mut policy = Policy::parse(EMBEDDED_NAME, DEFAULT_POLICY, Path::new(""))
                    // The built-in text is part of costlint and covered by tests.
                    .unwrap_or_else(|e| {
                        panic!("costlint's built-in default policy is invalid: {e}")
                    });
                policy.origin = PolicyOrigin::Embedded;
                policy.source = None;
                policy
            })
            .clone()
    }

    /// Parses the text of a policy file. `display_path` names the file in error reports; relative
    /// pricing paths are joined to `base_dir`.
    pub fn parse(display_path: &str, text: &str, base_dir: &Path) -> Result<Policy, InputError> {
        parse::parse(display_path, text, base_dir)
    }

    /// Reads and parses the policy file at `path`: a regular file (not a folder or a FIFO) of
    /// at most 1 MiB, in UTF-8 (an error gives the offset of the first byte that is not).
    pub fn load(path: &Path) -> Result<Policy, InputError> {
        let shown = path.display().to_string();
        let cannot = |why: String| InputError::plain(why).in_file(shown.clone());
        let meta = std::fs::metadata(path)
            .map_err(|e| cannot(format!("cannot read policy file `{shown}`: {e}")))?;
        if !meta.is_file() {
            return Err(cannot(format!(
                "policy file `{shown}` is not a regular file ({})",
                file_kind(&meta)
            ))
            .with_help("a policy is a YAML file; remove or rename what stands in its place"));
        }
        if meta.len() > parse::MAX_POLICY_BYTES as u64 {
            return Err(cannot(format!(
                "policy file `{shown}` is {} bytes; costlint reads policy files of at most {} bytes",
                meta.len(),
                parse::MAX_POLICY_BYTES
            )));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| cannot(format!("cannot read policy file `{shown}`: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            cannot(format!(
                "policy file `{shown}` is not valid UTF-8: byte offset {at} (line {line}) starts an invalid sequence"
            ))
            .with_help("save the policy file as UTF-8")
        })?;
        let base_dir = path.parent().unwrap_or(Path::new(""));
        let mut policy = Policy::parse(&shown, &text, base_dir)?;
        policy.origin = PolicyOrigin::File(path.to_path_buf());
        Ok(policy)
    }

    /// The policy file for `start` (a folder or a file): `costlint.yaml` or `.costlint.yaml` in
    /// that folder or the nearest parent, not looking above the repository root (the first folder
    /// that holds `.git`). The path returned is absolute, with symbolic links resolved. A folder
    /// holding something costlint would not read as a policy but a user would mean as one (a
    /// folder or FIFO named `costlint.yaml`, a `costlint.yml`) is an error, never "no policy".
    pub fn discover(start: &Path) -> Result<Option<PathBuf>, InputError> {
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_file() {
            match start.parent() {
                Some(p) => p.to_path_buf(),
                None => return Ok(None),
            }
        } else {
            start
        };
        loop {
            for name in POLICY_FILE_NAMES {
                let candidate = dir.join(name);
                match std::fs::metadata(&candidate) {
                    Ok(meta) if meta.is_file() => return inside_repository(&dir, candidate),
                    Ok(meta) => {
                        return Err(InputError::plain(format!(
                            "`{}` is not a policy file ({})",
                            candidate.display(),
                            file_kind(&meta)
                        ))
                        .in_file(candidate.display().to_string())
                        .with_help(format!(
                        "costlint reads its policy from a file named {}; remove or rename this one",
                        names_in_words()
                    )))
                    }
                    Err(_) => {}
                }
            }
            for name in MISNAMED_POLICY_FILES {
                let candidate = dir.join(name);
                if std::fs::symlink_metadata(&candidate).is_ok() {
                    return Err(InputError::plain(format!(
                        "found `{}`, but costlint reads its policy from {}",
                        candidate.display(),
                        names_in_words()
                    ))
                    .in_file(candidate.display().to_string())
                    .with_help(format!(
                        "rename it to `{}`, or pass it with `--config`",
                        POLICY_FILE_NAMES[0]
                    )));
                }
            }
            if dir.join(".git").exists() {
                return Ok(None);
            }
            match dir.parent() {
                Some(p) => dir = p.to_path_buf(),
                None => return Ok(None),
            }
        }
    }

    /// The folder that holds the policy file, absolute with symbolic links resolved: the
    /// paths and globs the policy names (`usage.overrides[].paths`, `ignore.paths`, pricing
    /// files) are relative to it, whatever is scanned and from wherever. `None` for the
    /// embedded default, which names no path.
    pub fn folder(&self) -> Option<PathBuf> {
        let PolicyOrigin::File(file) = &self.origin else {
            return None;
        };
        let parent = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some(parent.canonicalize().unwrap_or(parent))
    }

    /// The usage assumed for a file (`rel_path` relative to the policy's [`folder`]): the
    /// default, with the first matching override laid over it.
    ///
    /// [`folder`]: Policy::folder
    pub fn usage_for(&self, rel_path: &str) -> Usage {
        let base = self.usage.default;
        match self.usage_override_for(rel_path) {
            Some(o) => o.apply(base),
            None => base,
        }
    }

    /// The override that applies to a file (`rel_path` relative to the policy's folder): the
    /// first whose globs match its path.
    pub fn usage_override_for(&self, rel_path: &str) -> Option<&UsageOverride> {
        self.usage.overrides.iter().find(|o| o.matches(rel_path))
    }

    /// Whether `rel_path` (relative to the policy's folder) is excluded by `ignore.paths`.
    pub fn is_ignored(&self, rel_path: &str) -> bool {
        self.ignore.matcher.0.is_match(normalize(rel_path))
    }

    /// Whether the allow list admits model `id` (always true without an allow list).
    pub fn model_allowed(&self, id: &str) -> bool {
        self.models
            .allow_matcher
            .as_ref()
            .is_none_or(|m| m.0.is_match(id))
    }

    /// The first deny rule that matches model `id`.
    pub fn model_denied(&self, id: &str) -> Option<&DenyRule> {
        let first = self.models.deny_matcher.0.matches(id).into_iter().min()?;
        self.models.deny.get(first)
    }

    /// What the policy file says about check `id`, as written, if anything.
    pub fn check(&self, id: &str) -> Option<&RawValue> {
        self.checks.iter().find(|c| c.id == id).map(|c| &c.value)
    }

    /// Reads values of this policy kept as written ([`RawValue`]), with errors that point at
    /// them in the policy file.
    pub fn reader(&self) -> Reader<'_> {
        match &self.source {
            Some(src) => Reader::new(&src.display_path, &src.text),
            None => Reader::new(EMBEDDED_NAME, DEFAULT_POLICY),
        }
    }

    /// The commented starter policy that `costlint init` writes.
    pub fn starter() -> &'static str {
        STARTER_POLICY
    }
}

/// Compiled globs, shown in debug output by count only.
#[derive(Clone, Default)]
struct Globs(GlobSet);

impl fmt::Debug for Globs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} compiled globs>", self.0.len())
    }
}

/// A relative path as the globs expect it: `/`-separated, without a leading `./`.
fn normalize(rel_path: &str) -> String {
    let path = rel_path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_and_matches_the_built_in_constants() {
        let policy = Policy::embedded_default();
        assert_eq!(policy.origin, PolicyOrigin::Embedded);
        assert_eq!(policy.usage.default, Usage::default());
        assert_eq!(policy.usage.days_per_month, DEFAULT_DAYS_PER_MONTH);
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("./a\\b.py"), "a/b.py");
        assert_eq!(normalize("a/b.py"), "a/b.py");
    }
}

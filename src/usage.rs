//! The usage a call site is priced at: the policy default (zero calls a day in test code), the
//! first path override that matches, then an in-code `costlint: usage` hint above the call. Each
//! figure remembers where it came from.

use crate::config::Policy;
use crate::extract::shape::ShapeRules;
use crate::extract::UsageHint;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedUsage {
    pub calls_per_day: u64,
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub days_per_month: u32,
    /// Where the figures came from, e.g. `policy default`, `test code`,
    /// `override services/batch/**`, `hint at line 12`.
    pub source: String,
}

/// The usage of a site in file `rel_path` (as reported: relative to the scanned folder), with
/// the `costlint: usage` hint above it if any. `policy_path` is the same file relative to the
/// folder holding the policy, which its override globs are matched against (`None` when the
/// file is outside that folder, or the policy is the embedded default: no override applies).
/// Test code (`test_paths` in `rules/shapes.yaml`) runs at zero calls a day unless a path
/// override, a `usage.sites` entry for `site_key` or a hint says otherwise.
pub fn for_site(
    policy: &Policy,
    rel_path: &str,
    policy_path: Option<&str>,
    site_key: Option<&str>,
    hint: Option<(u32, UsageHint)>,
) -> AppliedUsage {
    let over = policy_path.and_then(|p| policy.usage_override_for(p));
    let base = over.map_or(policy.usage.default, |o| o.apply(policy.usage.default));
    let site = site_key.and_then(|k| policy.usage.sites.get(k));
    let test = over.is_none() && site.is_none() && ShapeRules::get().is_test_path(rel_path);
    let mut source = match over {
        Some(o) => format!("override {}", o.paths.join(", ")),
        None if test => "test code".to_string(),
        None => "policy default".to_string(),
    };
    let base = match (site, site_key) {
        (Some(change), Some(key)) => {
            source = format!("{source} + usage.sites `{key}`");
            change.apply(base)
        }
        _ => base,
    };
    let mut usage = AppliedUsage {
        calls_per_day: if test { 0 } else { base.calls_per_day },
        input_tokens: base.input_tokens,
        cached_input_tokens: base.cached_input_tokens,
        days_per_month: policy.usage.days_per_month,
        source: String::new(),
    };
    if let Some((line, h)) = hint {
        usage.calls_per_day = h.calls_per_day.unwrap_or(usage.calls_per_day);
        usage.input_tokens = h.input_tokens.unwrap_or(usage.input_tokens);
        usage.cached_input_tokens = h.cached_input_tokens.unwrap_or(usage.cached_input_tokens);
        source = format!("{source} + hint at line {line}");
    }
    usage.source = source;
    usage
}

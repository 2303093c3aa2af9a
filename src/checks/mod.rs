//! The checks: one module each, holding its id, default level, summary, documentation (shown by
//! `costlint explain`) and the function that finds violations. This table is the registry.

mod denied_model;
mod deprecated_model;
mod expired_suppression;
mod invalid_directive;
mod max_tokens_ceiling;
mod max_tokens_exceeds_model;
mod missing_max_tokens;
mod output_price_ceiling;
mod site_monthly_cost;
mod unapproved_model;
mod unknown_model;

use crate::catalog::Catalog;
use crate::config::{CheckSettings, Policy};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Label, Level, Span};
use crate::engine::FileResult;
use crate::sites::Site;

pub struct Check {
    pub id: &'static str,
    pub default_level: Level,
    /// The keys it accepts under `checks.<id>` in the policy (besides the shorthand level).
    pub options: &'static [&'static str],
    /// One line: what it reports.
    pub summary: &'static str,
    /// Markdown: why it matters, how to configure it, an example, how to fix.
    pub docs: &'static str,
    pub run: fn(&CheckContext, &mut Emit),
}

pub const ALL: &[&Check] = &[
    &unknown_model::CHECK,
    &denied_model::CHECK,
    &unapproved_model::CHECK,
    &deprecated_model::CHECK,
    &missing_max_tokens::CHECK,
    &max_tokens_exceeds_model::CHECK,
    &max_tokens_ceiling::CHECK,
    &output_price_ceiling::CHECK,
    &site_monthly_cost::CHECK,
    &expired_suppression::CHECK,
    &invalid_directive::CHECK,
];

pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// What every check can look at.
pub struct CheckContext<'a> {
    pub policy: &'a Policy,
    pub catalog: &'a Catalog,
    pub today: Date,
    pub files: &'a [FileResult],
    pub sites: &'a [Site],
    /// Every output-token limit, bound or not.
    pub limits: &'a [crate::sites::LimitEntry],
}

impl CheckContext<'_> {
    /// The sites that run: per-site cost and limit checks skip test code priced at zero calls
    /// a day (and any site a policy gives no volume).
    pub fn running_sites(&self) -> impl Iterator<Item = &Site> {
        self.sites.iter().filter(|s| s.usage.calls_per_day > 0)
    }
}

/// Collects one check's diagnostics at its configured level.
pub struct Emit<'a> {
    pub check: &'static Check,
    pub level: Level,
    pub settings: Option<&'a CheckSettings>,
    pub out: Vec<Diagnostic>,
}

impl Emit<'_> {
    pub fn report(
        &mut self,
        path: &str,
        span: Span,
        message: String,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            check: self.check.id,
            level: self.level,
            message,
            path: path.to_string(),
            span,
            label: label.into(),
            labels: Vec::new(),
            help: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

impl Diagnostic {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn also(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// Runs every enabled check. Diagnostics come back unsorted and unsuppressed.
pub fn run_all(cx: &CheckContext) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for check in ALL {
        let settings = cx.policy.check(check.id);
        let level = settings
            .and_then(|s| s.level)
            .unwrap_or(check.default_level);
        if level == Level::Off {
            continue;
        }
        let mut emit = Emit {
            check,
            level,
            settings,
            out: Vec::new(),
        };
        (check.run)(cx, &mut emit);
        all.extend(emit.out);
    }
    all
}

/// `16384` → `16,384`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The names a site's model goes by, for `models.allow` and `models.deny`: the text as written,
/// then the catalog id it resolves to and that id's names without host route and snapshot
/// date ([`crate::catalog::model_names`]). `azure/gpt-5.5-pro-2026-04-23` goes by
/// `azure/gpt-5.5-pro-2026-04-23`, `gpt-5.5-pro-2026-04-23`, `azure/gpt-5.5-pro` and
/// `gpt-5.5-pro`.
pub fn policy_names(site: &Site) -> Vec<String> {
    let mut names = vec![site.model.text.clone()];
    if let Some(id) = site.model.resolved.id() {
        for n in crate::catalog::model_names(id) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// The site's model as people read it: `gpt-4o` or `chat-prod (gpt-5.4)`.
pub fn model_words(site: &Site) -> String {
    match site.model.resolved.id() {
        Some(id) if id != site.model.text => format!("`{}` (priced as `{id}`)", site.model.text),
        _ => format!("`{}`", site.model.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_documented_and_in_the_default_policy() {
        let default = crate::config::Policy::embedded_default();
        for c in ALL {
            assert!(c.options.contains(&"level"), "{}", c.id);
            let level = default.check(c.id).and_then(|s| s.level);
            assert_eq!(
                level,
                Some(c.default_level),
                "rules/default.yaml and {} disagree on its level",
                c.id
            );
            assert!(
                !c.docs.trim().is_empty() && c.docs.contains("```"),
                "{} needs docs with an example",
                c.id
            );
        }
    }
}

//! The checks: one module each, holding its id, default level, the options it takes, summary,
//! documentation (shown by `costlint explain`) and the function that finds violations. This
//! table is the registry: it reads and validates the `checks:` section of a policy, which the
//! policy keeps as written ([`configure`]).

mod denied_model;
mod deprecated_model;
mod expired_suppression;
mod invalid_directive;
mod max_tokens_ceiling;
mod max_tokens_exceeds_model;
mod missing_max_tokens;
pub mod monthly_budget;
mod output_price_ceiling;
mod site_monthly_cost;
mod unapproved_model;
mod unknown_model;

use crate::catalog::Catalog;
use crate::config::{Policy, RawValue, Reader};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Label, Level, Span};
use crate::error::InputError;
use crate::files::FileResult;
use crate::sites::Site;
use std::collections::BTreeMap;

/// One check: what it is, how it is configured, and what it reports.
pub struct Check {
    pub id: &'static str,
    pub default_level: Level,
    /// The options it accepts under `checks.<id>` in the policy besides `level` (which every
    /// check accepts, also as the shorthand `<id>: warning`).
    pub options: &'static [CheckOption],
    /// One line: what it reports.
    pub summary: &'static str,
    /// Markdown: why it matters, how to configure it, an example, how to fix.
    pub docs: &'static str,
    pub run: fn(&CheckContext, &mut Emit),
}

/// An option a check takes under `checks.<id>`, and what its value must be.
#[derive(Debug, Clone, Copy)]
pub struct CheckOption {
    pub name: &'static str,
    pub kind: OptionKind,
}

/// What an option's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A number of days, 0 or more.
    Days,
    /// A number of tokens, 1 or more.
    Tokens,
    /// An amount of US dollars (whole or decimal), 0 or more.
    Usd,
}

/// An option's value, read and validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    Days(u32),
    Tokens(u64),
    Usd(f64),
}

impl Check {
    /// The options' names as the policy spells them, `level` first.
    pub fn option_names(&self) -> Vec<&'static str> {
        std::iter::once("level")
            .chain(self.options.iter().map(|o| o.name))
            .collect()
    }
}

/// The registry, in the order `costlint explain` lists the checks.
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
    &monthly_budget::CHECK,
    &expired_suppression::CHECK,
    &invalid_directive::CHECK,
];

/// The check with id `id`.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// What a policy says about one check, validated. `None` and absent options keep the check's
/// own defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub level: Option<Level>,
    /// Options by name, each of the kind the check declares.
    pub options: BTreeMap<&'static str, OptionValue>,
}

impl Settings {
    /// Option `name` when it is a number of days.
    pub fn days(&self, name: &str) -> Option<u32> {
        match self.options.get(name) {
            Some(OptionValue::Days(n)) => Some(*n),
            _ => None,
        }
    }

    /// Option `name` when it is a number of tokens.
    pub fn tokens(&self, name: &str) -> Option<u64> {
        match self.options.get(name) {
            Some(OptionValue::Tokens(n)) => Some(*n),
            _ => None,
        }
    }

    /// Option `name` when it is an amount of US dollars.
    pub fn usd(&self, name: &str) -> Option<f64> {
        match self.options.get(name) {
            Some(OptionValue::Usd(n)) => Some(*n),
            _ => None,
        }
    }
}

/// A policy's `checks:` section, read and validated by the registry: only the checks it
/// mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckSettings {
    by_id: BTreeMap<&'static str, Settings>,
}

impl CheckSettings {
    /// What the policy says about check `id`, if anything.
    pub fn get(&self, id: &str) -> Option<&Settings> {
        self.by_id.get(id)
    }

    /// How many checks the policy mentions.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the policy mentions no check.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// Reads and validates the policy's `checks:` section: every id must be a check, every option
/// one that check takes, every value of the option's kind. The first mistake, in file order,
/// is bad input at its key or value in the policy file, with "did you mean".
pub fn configure(policy: &Policy) -> Result<CheckSettings, InputError> {
    let reader = policy.reader();
    let ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
    let mut by_id = BTreeMap::new();
    for entry in &policy.checks {
        let Some(check) = find(&entry.id) else {
            return Err(reader.unknown_key(
                &entry.value,
                format!("unknown check `{}` in `checks`", entry.id),
                "unknown check",
                &ids,
                "known checks",
            ));
        };
        by_id.insert(check.id, read_settings(&reader, check, &entry.value)?);
    }
    Ok(CheckSettings { by_id })
}

/// `<id>: warning` (a level alone) or `<id>: { level: …, <option>: … }`.
fn read_settings(reader: &Reader, check: &Check, value: &RawValue) -> Result<Settings, InputError> {
    let names = check.option_names();
    if value.is_word() {
        return Ok(Settings {
            level: Some(reader.level(value)?),
            ..Settings::default()
        });
    }
    if !value.is_mapping() {
        return Err(reader
            .wrong_type(value, "a level or a mapping of options")
            .with_help(format!("`{}` accepts: {}", check.id, names.join(", "))));
    }
    let mut settings = Settings::default();
    for (name, v) in reader.entries(value)? {
        if name == "level" {
            settings.level = Some(reader.level(&v)?);
            continue;
        }
        let Some(option) = check.options.iter().find(|o| o.name == name) else {
            return Err(reader.unknown_key(
                &v,
                format!("unknown option `{name}` for check `{}`", check.id),
                "unknown option",
                &names,
                &format!("`{}` accepts", check.id),
            ));
        };
        let read = match option.kind {
            OptionKind::Days => {
                let n = reader.whole_number(&v, 0..=u64::from(u32::MAX))?;
                OptionValue::Days(u32::try_from(n).unwrap_or(u32::MAX))
            }
            OptionKind::Tokens => OptionValue::Tokens(reader.whole_number(&v, 1..=u64::MAX)?),
            OptionKind::Usd => OptionValue::Usd(reader.amount(&v)?),
        };
        settings.options.insert(option.name, read);
    }
    Ok(settings)
}

/// What every check can look at.
pub struct CheckContext<'a> {
    pub policy: &'a Policy,
    /// The policy's `checks:` section, validated ([`configure`]).
    pub settings: &'a CheckSettings,
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
    pub settings: Option<&'a Settings>,
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
        let settings = cx.settings.get(check.id);
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

    fn settings(text: &str) -> Result<CheckSettings, InputError> {
        let policy = Policy::parse("costlint.yaml", text, std::path::Path::new(""))?;
        configure(&policy)
    }

    #[test]
    fn every_check_option_is_read() {
        for check in ALL {
            for name in check.option_names() {
                let value = if name == "level" { "warning" } else { "1" };
                let text = format!(
                    "version: 1\nchecks:\n  {}: {{ {name}: {value} }}\n",
                    check.id
                );
                let read = settings(&text);
                let got = read.as_ref().ok().and_then(|s| s.get(check.id));
                assert!(
                    got.is_some_and(|s| *s != Settings::default()),
                    "{}: option `{name}` is not read: {read:?}",
                    check.id
                );
            }
        }
    }

    #[test]
    fn a_level_alone_is_short_for_the_level() {
        let read = settings("version: 1\nchecks:\n  missing-max-tokens: note\n");
        let level = read
            .ok()
            .and_then(|s| s.get("missing-max-tokens").and_then(|s| s.level));
        assert_eq!(level, Some(Level::Note));
        let read = settings("version: 1\nchecks:\n  missing-max-tokens: 3\n");
        let e = read.err().map(|e| (e.message, e.help));
        assert_eq!(
            e,
            Some((
                "expected a level or a mapping of options for `checks.missing-max-tokens`, found an integer (`3`)".to_string(),
                Some("`missing-max-tokens` accepts: level".to_string())
            ))
        );
    }

    #[test]
    fn every_check_is_documented_and_in_the_default_policy() {
        let default = crate::config::Policy::embedded_default();
        let configured = configure(&default);
        let configured = configured.as_ref().ok();
        assert!(configured.is_some(), "the default policy is invalid");
        for c in ALL {
            let level = configured.and_then(|s| s.get(c.id)).and_then(|s| s.level);
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

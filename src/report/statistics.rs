//! `--statistics`: counts instead of findings, as ruff prints them. Diagnostics per check (most
//! frequent first), then call sites per model (the catalog id, or the text as written when the
//! catalog does not know it) with their diagnostics and monthly estimate, most expensive first.
//! As a table for people, or as JSON with `--format json`.

use super::{Emitter, Mode, Options, SiteIndex};
use crate::cost::Money;
use crate::engine::Report;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// The statistics, as a table (`json: false`) or as JSON.
pub struct Statistics {
    /// JSON (`{"version", "statistics": {"checks", "models"}}`) instead of tables.
    pub json: bool,
}

/// How often one check fired.
#[derive(Debug, Serialize, PartialEq)]
pub struct CheckCount {
    /// The check id.
    pub check: &'static str,
    /// Its level in this run.
    pub severity: &'static str,
    /// Diagnostics it reported (suppressed ones aside).
    pub count: u64,
}

/// The call sites of one model.
#[derive(Debug, Serialize, PartialEq)]
pub struct ModelCount {
    /// The catalog id, or the text as written for a model the catalog does not know.
    pub model: String,
    /// Call sites choosing it.
    pub sites: u64,
    /// Of those, the priced ones.
    pub priced: u64,
    /// Diagnostics about those sites.
    pub diagnostics: u64,
    /// Their monthly estimate (a decimal string with two places in JSON).
    #[serde(serialize_with = "crate::sites::money")]
    pub monthly: Money,
}

/// Diagnostics per check and sites per model of `report`, each sorted as shown.
pub fn counts(report: &Report, mode: Mode) -> (Vec<CheckCount>, Vec<ModelCount>) {
    let mut checks: Vec<CheckCount> = Vec::new();
    if mode == Mode::Check {
        for d in &report.diagnostics {
            match checks
                .iter_mut()
                .find(|c| c.check == d.check && c.severity == d.level.as_str())
            {
                Some(c) => c.count += 1,
                None => checks.push(CheckCount {
                    check: d.check,
                    severity: d.level.as_str(),
                    count: 1,
                }),
            }
        }
    }
    checks.sort_by(|a, b| b.count.cmp(&a.count).then(a.check.cmp(b.check)));
    let mut models: BTreeMap<String, ModelCount> = BTreeMap::new();
    let name = |s: &crate::sites::Site| {
        s.model
            .resolved
            .id()
            .map_or_else(|| s.model.text.clone(), str::to_string)
    };
    for s in report.sites() {
        let m = models.entry(name(&s)).or_insert_with(|| ModelCount {
            model: name(&s),
            sites: 0,
            priced: 0,
            diagnostics: 0,
            monthly: Money::default(),
        });
        m.sites += 1;
        if let Some(c) = &s.cost {
            m.priced += 1;
            m.monthly = m.monthly + c.monthly;
        }
    }
    if mode == Mode::Check {
        let index = SiteIndex::new(report);
        for d in &report.diagnostics {
            if let Some(m) = index.site(d).and_then(|s| models.get_mut(&name(s))) {
                m.diagnostics += 1;
            }
        }
    }
    let mut models: Vec<ModelCount> = models.into_values().collect();
    models.sort_by(|a, b| {
        b.monthly
            .cmp(&a.monthly)
            .then(b.sites.cmp(&a.sites))
            .then(a.model.cmp(&b.model))
    });
    (checks, models)
}

impl Emitter for Statistics {
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        let (checks, models) = counts(report, opts.mode);
        if self.json {
            let value = serde_json::json!({
                "version": super::json::VERSION,
                "statistics": { "checks": checks, "models": models },
            });
            let mut text = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
            text.push('\n');
            return out.write_all(text.as_bytes());
        }
        let mut text = String::new();
        if opts.mode == Mode::Check {
            if checks.is_empty() {
                text.push_str("No diagnostics.\n");
            } else {
                let rows: Vec<Vec<String>> = checks
                    .iter()
                    .map(|c| {
                        vec![
                            c.count.to_string(),
                            c.check.to_string(),
                            c.severity.to_string(),
                        ]
                    })
                    .collect();
                super::table::render(
                    &["count", "check", "severity"],
                    &rows,
                    &[true, false, false],
                    &mut text,
                );
            }
            text.push('\n');
        }
        if models.is_empty() {
            text.push_str("No call sites found.\n");
        } else {
            let rows: Vec<Vec<String>> = models
                .iter()
                .map(|m| {
                    let mut row = vec![
                        m.sites.to_string(),
                        m.priced.to_string(),
                        m.monthly.to_string(),
                        m.model.clone(),
                    ];
                    if opts.mode == Mode::Check {
                        row.insert(2, m.diagnostics.to_string());
                    }
                    row
                })
                .collect();
            if opts.mode == Mode::Check {
                super::table::render(
                    &["sites", "priced", "diagnostics", "monthly", "model"],
                    &rows,
                    &[true, true, true, true, false],
                    &mut text,
                );
            } else {
                super::table::render(
                    &["sites", "priced", "monthly", "model"],
                    &rows,
                    &[true, true, true, false],
                    &mut text,
                );
            }
        }
        out.write_all(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::Mode;
    use super::*;

    #[test]
    fn table() {
        let report = sample::report();
        let text = sample::emit(&Statistics { json: false }, &report, Mode::Check);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn json() {
        let report = sample::report();
        let text = sample::emit(&Statistics { json: true }, &report, Mode::Check);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn counts_add_up() {
        let report = sample::report();
        let (checks, models) = counts(&report, Mode::Check);
        let total: u64 = checks.iter().map(|c| c.count).sum();
        assert_eq!(total, report.diagnostics.len() as u64);
        let sites: u64 = models.iter().map(|m| m.sites).sum();
        assert_eq!(sites, report.sites().count() as u64);
    }
}

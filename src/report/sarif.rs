//! SARIF 2.1.0 (`--format sarif`), for code-scanning dashboards such as GitHub's. The output
//! validates against the OASIS schema (a copy is in `fixtures/sarif/`, and a test checks it).
//!
//! - One rule per check, in registry order, with its summary, documentation, default level and,
//!   when costlint knows where its documentation is published ([`Options::docs_url`]), a link
//!   to the README's table of checks. Without that address no link is written: SARIF makes
//!   `helpUri` optional, and a made-up address would send readers nowhere.
//! - One result per diagnostic, with a physical location: lines and columns 1-based, columns
//!   counted in Unicode code points (`columnKind: unicodeCodePoints`), paths relative to the
//!   scanned root (`uriBaseId: %SRCROOT%`), percent-encoded.
//! - `partialFingerprints` are built from content, never from line numbers: the check, the
//!   path, the call site's id (a fingerprint of its site key: path, enclosing names, model key,
//!   limit parameter, ordinal) and model text
//!   or, for a diagnostic about no site, its message; plus an occurrence number. An alert
//!   survives lines being added above it.
//! - Findings silenced by `costlint: ignore[…]` are results too, with an `inSource`
//!   suppression carrying the directive's reason, so a dashboard shows them as dismissed.
//! - `automationDetails.id` names the paths scanned, so that uploads of runs over different
//!   paths do not replace each other.

use super::{Emitter, Mode, Options, SiteIndex};
use crate::checks::{self, Check};
use crate::diagnostic::{Diagnostic, Level};
use crate::engine::Report;
use crate::sites::fingerprint;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io;

/// The anchor of the README's table of checks, appended to the documentation's address for
/// each rule's `helpUri`.
pub const CHECKS_ANCHOR: &str = "#checks";

/// The schema the output names in `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of costlint's fingerprint in `partialFingerprints`; the suffix is its version.
pub const FINGERPRINT_KEY: &str = "costlint/v1";

/// The SARIF format (`--format sarif`).
pub struct Sarif;

impl Emitter for Sarif {
    fn emit(&self, report: &Report, opts: &Options, out: &mut dyn io::Write) -> io::Result<()> {
        let mut text = serde_json::to_string_pretty(&document(report, opts.mode, opts.docs_url))
            .map_err(io::Error::other)?;
        text.push('\n');
        out.write_all(text.as_bytes())
    }
}

/// The whole SARIF log of `report`; `docs` is the address of costlint's README, if known.
pub fn document(report: &Report, mode: Mode, docs: Option<&str>) -> Value {
    let index = SiteIndex::new(report);
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut results: Vec<Value> = Vec::new();
    if mode == Mode::Check {
        // Diagnostics and suppressed findings, in one order, so that occurrence numbers do not
        // depend on which of them a directive silences.
        let mut all: Vec<(&Diagnostic, Option<Option<&str>>)> = report
            .diagnostics
            .iter()
            .map(|d| (d, None))
            .chain(
                report
                    .suppressed
                    .iter()
                    .map(|s| (&s.diagnostic, Some(s.reason.as_deref()))),
            )
            .collect();
        all.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));
        for (d, suppression) in all {
            results.push(result(d, suppression, &index, &mut seen));
        }
    }
    let mut driver = Map::new();
    driver.insert("name".into(), json!("costlint"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(docs) = docs {
        driver.insert("informationUri".into(), json!(docs));
    }
    let help_uri = docs.map(|d| format!("{d}{CHECKS_ANCHOR}"));
    driver.insert(
        "rules".into(),
        checks::ALL
            .iter()
            .map(|c| rule(c, help_uri.as_deref()))
            .collect::<Vec<_>>()
            .into(),
    );
    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": Value::Object(driver) }));
    run.insert(
        "automationDetails".into(),
        json!({ "id": automation_id(report) }),
    );
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), Value::Array(results));
    run.insert(
        "properties".into(),
        json!({
            "monthlyTotalUsd": money(report.summary.monthly_total),
            "callSites": report.summary.sites,
            "callSitesPriced": report.summary.sites_priced,
        }),
    );
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    })
}

/// `costlint/<paths>/`: a category per set of scanned paths (the trailing `/` makes the whole
/// id a category, so a new run over the same paths replaces the last one's alerts).
fn automation_id(report: &Report) -> String {
    let mut paths: Vec<&str> = report
        .summary
        .assumptions
        .policies
        .iter()
        .flat_map(|p| p.paths.iter().map(String::as_str))
        .collect();
    if paths.is_empty() {
        paths.push(".");
    }
    let joined: Vec<String> = paths
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| if c.is_control() || c == '/' { '_' } else { c })
                .collect()
        })
        .collect();
    format!("costlint/{}/", joined.join("+"))
}

/// A check as a SARIF rule; `help_uri` is where its documentation is, if known.
fn rule(c: &Check, help_uri: Option<&str>) -> Value {
    let full = c
        .docs
        .split("\n\n")
        .next()
        .unwrap_or(c.summary)
        .replace('\n', " ");
    let mut rule = json!({
        "id": c.id,
        "name": pascal(c.id),
        "shortDescription": { "text": c.summary },
        "fullDescription": { "text": full },
        "help": { "text": c.docs, "markdown": c.docs },
        "defaultConfiguration": { "level": level(c.default_level), "enabled": c.default_level != Level::Off },
        "properties": { "tags": ["cost", "llm"] },
    });
    if let (Some(uri), Some(map)) = (help_uri, rule.as_object_mut()) {
        map.insert("helpUri".into(), json!(uri));
    }
    rule
}

/// `denied-model` → `DeniedModel`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `1800.00`: the JSON format's money, exact.
fn money(m: crate::cost::Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        Level::Off => "none",
    }
}

/// One diagnostic as a SARIF result; `suppression` is `Some(reason)` for a silenced one.
fn result(
    d: &Diagnostic,
    suppression: Option<Option<&str>>,
    index: &SiteIndex,
    seen: &mut HashMap<String, u32>,
) -> Value {
    let site = index.site(d);
    let content = match site {
        Some(s) => fingerprint(&[
            d.check,
            &d.path,
            &s.id,
            s.key.as_deref().unwrap_or(""),
            &s.model.text,
        ]),
        None => fingerprint(&[d.check, &d.path, &d.message]),
    };
    let n = seen.entry(content.clone()).or_insert(0);
    *n += 1;
    let print = fingerprint(&[&content, &n.to_string()]);
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(d.check));
    if let Some(i) = checks::ALL.iter().position(|c| c.id == d.check) {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(d.level)));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    r.insert("message".into(), json!({ "text": message }));
    r.insert(
        "locations".into(),
        json!([{ "physicalLocation": physical(&d.path, &d.span) }]),
    );
    if !d.labels.is_empty() {
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "id": i,
                    "physicalLocation": physical(&d.path, &l.span),
                    "message": { "text": l.message },
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: print }),
    );
    if let Some(site) = site {
        r.insert(
            "properties".into(),
            json!({ "site": site.id, "model": site.model.text }),
        );
    }
    if let Some(reason) = suppression {
        let mut s = Map::new();
        s.insert("kind".into(), json!("inSource"));
        if let Some(reason) = reason {
            s.insert("justification".into(), json!(reason));
        }
        r.insert("suppressions".into(), json!([Value::Object(s)]));
    }
    Value::Object(r)
}

fn physical(path: &str, span: &crate::diagnostic::Span) -> Value {
    let mut region = Map::new();
    region.insert("startLine".into(), json!(span.line.max(1)));
    region.insert("startColumn".into(), json!(span.column.max(1)));
    if span.end_line >= span.line {
        region.insert("endLine".into(), json!(span.end_line.max(1)));
        region.insert("endColumn".into(), json!(span.end_column.max(1)));
    }
    json!({
        "artifactLocation": { "uri": uri(path), "uriBaseId": "%SRCROOT%" },
        "region": Value::Object(region),
    })
}

/// A relative path as a URI reference: `/` kept, unreserved characters kept, every other byte
/// percent-encoded (a space, `#`, `%`, a newline in a file name).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
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
        insta::assert_snapshot!(sample::emit(&Sarif, &report, Mode::Check));
    }

    #[test]
    fn help_links_only_where_the_documentation_is_known() {
        let report = sample::report();
        let doc = document(&report, Mode::Check, None);
        let driver = &doc["runs"][0]["tool"]["driver"];
        assert!(driver.get("informationUri").is_none(), "{driver}");
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        assert!(!rules.is_empty());
        assert!(rules.iter().all(|r| r.get("helpUri").is_none()), "{driver}");

        let docs = "https://github.example/acme/costlint/blob/v1/README.md";
        let doc = document(&report, Mode::Check, Some(docs));
        let driver = &doc["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], docs);
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        for r in &rules {
            assert_eq!(r["helpUri"], format!("{docs}#checks"), "{r}");
        }
    }

    #[test]
    fn paths_are_uri_references() {
        assert_eq!(uri("svc/a b#1%.py"), "svc/a%20b%231%25.py");
        assert_eq!(uri("x\n::y.py"), "x%0A%3A%3Ay.py");
        assert_eq!(uri("é.py"), "%C3%A9.py");
    }

    #[test]
    fn fingerprints_survive_lines_added_above() {
        let body = "create(model=\"gpt-5.5-pro\", max_tokens=20000)\ncreate(model=\"acme-7\")\n";
        let shifted = format!("import os\n\n\n{body}");
        let prints = |text: &str| {
            let report = sample::report_of(&[("app.py", text)]);
            let doc = document(&report, Mode::Check, None);
            let results = doc["runs"][0]["results"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            results
                .iter()
                .map(|r| {
                    (
                        r["ruleId"].to_string(),
                        r["partialFingerprints"][FINGERPRINT_KEY].to_string(),
                        r["locations"][0]["physicalLocation"]["region"]["startLine"].to_string(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let (a, b) = (prints(body), prints(&shifted));
        assert!(!a.is_empty());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((&x.0, &x.1), (&y.0, &y.1));
            assert_ne!(x.2, y.2);
        }
    }
}

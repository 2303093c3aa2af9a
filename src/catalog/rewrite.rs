//! The approximations of [`Catalog::resolve`]: a table of rewrites, tried in order, each turning a
//! name the catalog lacks into one it may have and saying why (`snapshot date 2024-01-01
//! dropped`). The first rewrite that applies decides; it may resolve the rewritten name through
//! the whole of `resolve` again (up to `MAX_DEPTH` rewrites deep).

use super::names::{self, fold, split_snapshot};
use super::resolve::{Hit, MAX_DEPTH};
use super::Catalog;

/// A name being resolved: the text, the provider a route prefix asked for, the rewrite depth.
#[derive(Clone, Copy)]
pub(super) struct Query<'a> {
    pub(super) s: &'a str,
    pub(super) hint: Option<&'a str>,
    pub(super) depth: u8,
}

impl<'a> Query<'a> {
    /// Resolves `s` (a rewritten name) one level deeper, preferring `hint`.
    fn again(self, c: &Catalog, s: &str, hint: Option<&str>) -> Option<Hit> {
        c.lookup(s, hint, self.depth + 1)
    }
}

/// What a rewrite says: `None` when it does not apply (the next one is tried), else the result
/// it decided (which may be no entry at all).
type Outcome = Option<Option<Hit>>;

/// One row of the table: a name for tests and docs, and the rewrite.
pub(super) struct Rewrite {
    /// Names the row in tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) name: &'static str,
    pub(super) apply: fn(&Catalog, Query) -> Outcome,
}

/// The rewrites, in the order they are tried.
pub(super) const REWRITES: &[Rewrite] = &[
    Rewrite {
        name: "api-kind",
        apply: api_kind,
    },
    Rewrite {
        name: "fine-tune",
        apply: fine_tune,
    },
    Rewrite {
        name: "azure-data-zone",
        apply: azure_data_zone,
    },
    Rewrite {
        name: "aws-region-path",
        apply: aws_region_path,
    },
    Rewrite {
        name: "bedrock-region-prefix",
        apply: bedrock_region_prefix,
    },
    Rewrite {
        name: "bedrock-vendor-id",
        apply: bedrock_vendor_id,
    },
    Rewrite {
        name: "vertex-version",
        apply: vertex_version,
    },
    Rewrite {
        name: "unknown-snapshot-date",
        apply: unknown_snapshot_date,
    },
    Rewrite {
        name: "latest-alias",
        apply: latest_alias,
    },
    Rewrite {
        name: "newest-snapshot",
        apply: newest_snapshot,
    },
    Rewrite {
        name: "letter-case",
        apply: letter_case,
    },
    Rewrite {
        name: "dots-and-dashes",
        apply: dots_and_dashes,
    },
];

impl Catalog {
    /// The first rewrite of [`REWRITES`] that applies to `s`, and its result.
    pub(super) fn rewrite(&self, s: &str, hint: Option<&str>, depth: u8) -> Option<Hit> {
        if depth > MAX_DEPTH {
            return None;
        }
        let q = Query { s, hint, depth };
        REWRITES.iter().find_map(|r| (r.apply)(self, q))?
    }
}

/// An API kind after a provider prefix, as eval tools write provider ids:
/// promptfoo's `anthropic:messages:claude-3-haiku-20240307`, `openai:chat:gpt-4o`.
fn api_kind(c: &Catalog, q: Query) -> Outcome {
    let (kind, rest) = q.s.split_once(':')?;
    if !matches!(kind, "messages" | "chat" | "completion" | "responses") || rest.is_empty() {
        return None;
    }
    Some(
        q.again(c, rest, q.hint)
            .map(|h| h.via(format!("API kind `{kind}:` dropped"))),
    )
}

/// Fine-tunes, `ft:gpt-4o-mini-2024-07-18:org::abc123`: the catalog's fine-tuned rates for the
/// base model (`ft:<base>`) when it has them, else the base model's own.
fn fine_tune(c: &Catalog, q: Query) -> Outcome {
    let rest = q.s.strip_prefix("ft:")?;
    let base = rest.split(':').next().unwrap_or(rest);
    let ft = format!("ft:{base}");
    if ft != q.s {
        if let Some(&i) = c.index.by_key.get(ft.as_str()) {
            return Some(Some(Hit {
                idx: i,
                why: Some(format!(
                    "fine-tune of `{base}`: priced at the catalog's rates for fine-tuned `{base}`"
                )),
            }));
        }
    }
    Some(q.again(c, base, q.hint).map(|h| {
        h.via(format!(
            "fine-tune of `{base}`: fine-tuned models are billed at their own rates, priced here at the base model's"
        ))
    }))
}

/// Azure data zones after `azure/`: `azure/eu/gpt-5.5-pro` → `azure/gpt-5.5-pro`.
fn azure_data_zone(c: &Catalog, q: Query) -> Outcome {
    if q.hint != Some("azure") {
        return None;
    }
    let (zone, rest) = q.s.split_once('/')?;
    names::AZURE_ZONES.contains(&zone).then(|| {
        q.again(c, rest, q.hint)
            .map(|h| h.via(format!("Azure data zone `{zone}` dropped")))
    })
}

/// AWS region paths: `bedrock/us-east-2/anthropic.claude-…`.
fn aws_region_path(c: &Catalog, q: Query) -> Outcome {
    let (seg, rest) = q.s.split_once('/')?;
    names::is_aws_region(seg).then(|| {
        q.again(c, rest, q.hint)
            .map(|h| h.via(format!("AWS region `{seg}` dropped")))
    })
}

/// Bedrock cross-region inference profiles: `us.anthropic.claude-…`.
fn bedrock_region_prefix(c: &Catalog, q: Query) -> Outcome {
    let (region, rest) = names::split_bedrock_region(q.s)?;
    Some(
        q.again(c, rest, q.hint.or(Some("bedrock")))
            .map(|h| h.via(format!("Bedrock region prefix `{region}.` dropped"))),
    )
}

/// Bedrock `vendor.model-vN:M` ids: another version suffix of the same model, else (for
/// vendors that also sell first-party) the first-party model.
fn bedrock_vendor_id(c: &Catalog, q: Query) -> Outcome {
    let s = q.s;
    let (vendor, name) = names::split_bedrock_vendor(s)?;
    // `-v2` alone may be part of the name (`anthropic.claude-v2`): a suffix without `:` only
    // counts after a number (`claude-opus-4-6-v1`).
    let base = names::strip_bedrock_version(s)
        .filter(|b| s[b.len()..].contains(':') || b.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(s);
    for cand in [
        base.to_string(),
        format!("{base}-v1:0"),
        format!("{base}-v1"),
        format!("{base}-v2:0"),
    ] {
        if cand == s {
            continue;
        }
        if let Some(found) = c.index.names.get(cand.as_str()) {
            let h = c.pick(found, q.hint, &cand);
            return Some(Some(h.via("Bedrock version suffix differs")));
        }
    }
    if !names::BEDROCK_FIRST_PARTY.contains(&vendor) {
        return Some(None);
    }
    let bare = names::strip_bedrock_version(name).unwrap_or(name);
    Some(q.again(c, bare, None).map(|h| {
        let id = c.id(h.idx).to_string();
        h.via(format!("no Bedrock entry: priced as first-party `{id}`"))
    }))
}

/// Vertex AI `model@version`: a dated version as the snapshot of that date, else dropped.
fn vertex_version(c: &Catalog, q: Query) -> Outcome {
    let (name, version) = q.s.split_once('@')?;
    if version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit()) {
        let dated = format!("{name}-{version}");
        if let Some(found) = c.index.names.get(dated.as_str()).filter(|f| !f.is_empty()) {
            let h = c.pick(found, None, &dated);
            return Some(Some(h.via(format!(
                "Vertex version `@{version}` read as snapshot `{dated}`"
            ))));
        }
    }
    Some(
        q.again(c, name, q.hint.or(Some("vertex_ai")))
            .map(|h| h.via(format!("Vertex version `@{version}` dropped"))),
    )
}

/// A snapshot date the catalog does not have: priced as the undated alias.
fn unknown_snapshot_date(c: &Catalog, q: Query) -> Outcome {
    let (alias, date) = split_snapshot(q.s)?;
    Some(
        q.again(c, alias, q.hint)
            .map(|h| h.via(format!("snapshot date {date} dropped: priced as `{alias}`"))),
    )
}

/// `-latest` aliases and Anthropic's `-0` aliases: the newest known snapshot; `-latest` else
/// dropped.
fn latest_alias(c: &Catalog, q: Query) -> Outcome {
    for suffix in ["-latest", "-0"] {
        let Some(family) = q.s.strip_suffix(suffix) else {
            continue;
        };
        if let Some(&i) = c.index.newest.get(family) {
            return Some(Some(Hit {
                idx: i,
                why: Some(format!(
                    "`{suffix}` alias: priced as the newest known snapshot `{}`",
                    c.id(i)
                )),
            }));
        }
        if suffix == "-latest" {
            if let Some(h) = q.again(c, family, q.hint) {
                return Some(Some(h.via("`-latest` dropped")));
            }
        }
    }
    None
}

/// An undated name that only exists as snapshots: the newest one.
fn newest_snapshot(c: &Catalog, q: Query) -> Outcome {
    let &i = c.index.newest.get(q.s)?;
    Some(Some(Hit {
        idx: i,
        why: Some(format!(
            "no undated entry: priced as the newest known snapshot `{}`",
            c.id(i)
        )),
    }))
}

/// Letter case: the lower-case spelling, which may still need the rewrites above. Falls through
/// when that spelling does not resolve.
fn letter_case(c: &Catalog, q: Query) -> Outcome {
    if !q.s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let h = q.again(c, &q.s.to_ascii_lowercase(), q.hint)?;
    Some(Some(h.via("letter case differs")))
}

/// Dots for dashes (`claude-sonnet-4.5`), or a lower-case spelling of a mixed-case id.
fn dots_and_dashes(c: &Catalog, q: Query) -> Outcome {
    let found = c
        .index
        .folded
        .get(fold(q.s).as_str())
        .filter(|f| !f.is_empty())?;
    let h = c.pick(found, q.hint, q.s);
    let m = &c.models[h.idx as usize];
    let same_letters = |form: &str| form.eq_ignore_ascii_case(q.s);
    let what = if same_letters(&m.id) || names::route_stripped(&m.id).is_some_and(same_letters) {
        "letter case differs"
    } else {
        "dots/dashes differ"
    };
    Some(Some(h.via(format!("{what} from `{}`", m.id))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Resolution;
    use std::collections::BTreeMap;

    /// One example per row of [`REWRITES`]: the name as written, the id it is priced as, and a
    /// part of the reason given.
    const EXAMPLES: &[(&str, &str, &str, &str)] = &[
        (
            "api-kind",
            "anthropic:messages:claude-3-haiku-20240307",
            "claude-3-haiku-20240307",
            "API kind `messages:` dropped",
        ),
        (
            "fine-tune",
            "ft:gpt-4o-mini-2024-07-18:acme::abc123",
            "ft:gpt-4o-mini-2024-07-18",
            "fine-tune of `gpt-4o-mini-2024-07-18`",
        ),
        (
            "azure-data-zone",
            "azure/eu/gpt-5.5-pro",
            "azure/gpt-5.5-pro",
            "Azure data zone `eu` dropped",
        ),
        (
            "aws-region-path",
            "bedrock/us-east-2/anthropic.claude-sonnet-4-6",
            "anthropic.claude-sonnet-4-6",
            "AWS region `us-east-2` dropped",
        ),
        (
            "bedrock-region-prefix",
            "jp.anthropic.claude-opus-4-6-v1",
            "anthropic.claude-opus-4-6-v1",
            "Bedrock region prefix `jp.` dropped",
        ),
        (
            "bedrock-vendor-id",
            "anthropic.claude-sonnet-4-6-v1:0",
            "anthropic.claude-sonnet-4-6",
            "Bedrock version suffix differs",
        ),
        (
            "vertex-version",
            "gemini-2.5-pro@001",
            "gemini-2.5-pro",
            "Vertex version `@001` dropped",
        ),
        (
            "unknown-snapshot-date",
            "gpt-5.4-2099-01-01",
            "gpt-5.4",
            "snapshot date 20990101 dropped",
        ),
        (
            "latest-alias",
            "claude-sonnet-4-5-latest",
            "claude-sonnet-4-5-20250929",
            "`-latest` alias",
        ),
        (
            "newest-snapshot",
            "claude-3-7-sonnet",
            "claude-3-7-sonnet-20250219",
            "newest known snapshot",
        ),
        ("letter-case", "GPT-5.4", "gpt-5.4", "letter case differs"),
        (
            "dots-and-dashes",
            "claude-sonnet-4.6",
            "claude-sonnet-4-6",
            "dots/dashes differ",
        ),
    ];

    #[test]
    fn every_rewrite_has_an_example_in_table_order() {
        let names: Vec<&str> = REWRITES.iter().map(|r| r.name).collect();
        let examples: Vec<&str> = EXAMPLES.iter().map(|e| e.0).collect();
        assert_eq!(names, examples);
    }

    /// Each row, applied alone to its example, decides it the way `resolve` does.
    fn check(name: &str) {
        let c = Catalog::builtin();
        let (_, raw, id, why) = EXAMPLES
            .iter()
            .find(|e| e.0 == name)
            .unwrap_or_else(|| panic!("no example for {name}"));
        let row = REWRITES.iter().find(|r| r.name == name).expect("a row");
        // As `resolve` passes it on: without its route prefix, preferring that provider.
        let q = match names::route_of(raw) {
            Some(r) => Query {
                s: &raw[r.prefix.len()..],
                hint: Some(r.family),
                depth: 0,
            },
            None => Query {
                s: raw,
                hint: None,
                depth: 0,
            },
        };
        let hit = (row.apply)(c, q)
            .unwrap_or_else(|| panic!("{name} does not apply to {raw}"))
            .unwrap_or_else(|| panic!("{name} finds nothing for {raw}"));
        assert_eq!(c.id(hit.idx), *id, "{name}: {raw}");
        let said = hit.why.unwrap_or_default();
        assert!(said.contains(why), "{name}: `{said}` lacks `{why}`");
        match c.resolve(raw, &BTreeMap::new()) {
            Resolution::Approximate { id: got, why: w } => {
                assert_eq!(got, *id, "resolve {raw}");
                assert!(w.contains(why), "resolve {raw}: {w}");
            }
            other => panic!("resolve {raw}: {other:?}"),
        }
    }

    #[test]
    fn api_kind_row() {
        check("api-kind");
    }
    #[test]
    fn fine_tune_row() {
        check("fine-tune");
    }
    #[test]
    fn azure_data_zone_row() {
        check("azure-data-zone");
    }
    #[test]
    fn aws_region_path_row() {
        check("aws-region-path");
    }
    #[test]
    fn bedrock_region_prefix_row() {
        check("bedrock-region-prefix");
    }
    #[test]
    fn bedrock_vendor_id_row() {
        check("bedrock-vendor-id");
    }
    #[test]
    fn vertex_version_row() {
        check("vertex-version");
    }
    #[test]
    fn unknown_snapshot_date_row() {
        check("unknown-snapshot-date");
    }
    #[test]
    fn latest_alias_row() {
        check("latest-alias");
    }
    #[test]
    fn newest_snapshot_row() {
        check("newest-snapshot");
    }
    #[test]
    fn letter_case_row() {
        check("letter-case");
    }
    #[test]
    fn dots_and_dashes_row() {
        check("dots-and-dashes");
    }

    #[test]
    fn rows_that_do_not_apply_step_aside() {
        let c = Catalog::builtin();
        let q = Query {
            s: "zz-9-model",
            hint: None,
            depth: 0,
        };
        for r in REWRITES {
            assert!(
                (r.apply)(c, q).is_none(),
                "{} applies to zz-9-model",
                r.name
            );
        }
        assert!(c.rewrite("zz-9-model", None, 0).is_none());
    }
}

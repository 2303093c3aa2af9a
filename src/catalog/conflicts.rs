//! Where the hosts of one model disagree on its limits (maximum output, context window), and how
//! `rules/pricing/overlay.yaml` settles each disagreement: `every_host` sets one value for every
//! host, `hosts_differ` keeps each host's value with a reason. `examples/gen_catalog.rs` reports
//! them after a regeneration; a test keeps the bundled catalog free of unsettled ones.

use super::file;
use super::load::OVERLAY;
use super::names::same_model_key;
use super::providers::{is_maker, rank};
use super::{Catalog, ModelInfo};
use std::collections::BTreeMap;

/// One limit of one model on which a host disagrees with the model's maker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The model, as [`same_model_key`] names it (`claude-sonnet-4-6`).
    pub model: String,
    /// `max_output` or `context_window` (tokens).
    pub field: &'static str,
    /// The maker's entry and its value, in tokens.
    pub maker: (String, u64),
    /// The hosts' entries that say otherwise, with their values, sorted by id.
    pub hosts: Vec<(String, u64)>,
}

/// How the overlay settles a model's conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// `every_host`: one value for every host.
    EveryHost,
    /// `hosts_differ`: each host keeps its own value, for the reason given there.
    HostsDiffer,
}

/// A limit of an entry, by field name (tokens).
type Limit = (&'static str, fn(&ModelInfo) -> Option<u64>);

/// The limits compared across hosts.
const LIMITS: &[Limit] = &[
    ("max_output", |m| m.max_output),
    ("context_window", |m| m.context_window),
];

/// The limits on which hosts disagree with the maker's own entry (an entry of a model maker's
/// API, see [`is_maker`]), sorted by model and field. Models without a maker entry are not
/// compared.
pub fn conflicts(catalog: &Catalog) -> Vec<Conflict> {
    let mut groups: BTreeMap<String, Vec<&ModelInfo>> = BTreeMap::new();
    for m in catalog.iter() {
        groups.entry(same_model_key(&m.id)).or_default().push(m);
    }
    let mut out = Vec::new();
    for (model, entries) in groups {
        let maker = entries
            .iter()
            .filter(|m| is_maker(&m.provider))
            .min_by_key(|m| (rank(&m.provider), m.id.len(), m.id.as_str()));
        let Some(maker) = maker else {
            continue;
        };
        for &(field, get) in LIMITS {
            let Some(want) = get(maker) else {
                continue;
            };
            let hosts: Vec<(String, u64)> = entries
                .iter()
                .filter_map(|m| get(m).filter(|&v| v != want).map(|v| (m.id.clone(), v)))
                .collect();
            if !hosts.is_empty() {
                out.push(Conflict {
                    model: model.clone(),
                    field,
                    maker: (maker.id.clone(), want),
                    hosts,
                });
            }
        }
    }
    out
}

/// How the bundled overlay settles the conflicts of `model`, if it does.
pub fn settlement(model: &str) -> Option<Settlement> {
    let overlay = file::parse_overlay("overlay.yaml", OVERLAY).ok()?;
    if overlay.every_host.0.iter().any(|(k, _)| k == model) {
        Some(Settlement::EveryHost)
    } else if overlay.hosts_differ.0.iter().any(|(k, _)| k == model) {
        Some(Settlement::HostsDiffer)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conflict_in_the_bundled_catalog_is_settled() {
        let open: Vec<String> = conflicts(Catalog::builtin())
            .into_iter()
            .filter(|c| settlement(&c.model) != Some(Settlement::HostsDiffer))
            .map(|c| format!("{} {}: {:?} vs {:?}", c.model, c.field, c.maker, c.hosts))
            .collect();
        assert!(open.is_empty(), "unsettled:\n{}", open.join("\n"));
    }

    #[test]
    fn sonnet_4_6_has_128k_output_on_every_host() {
        let c = Catalog::builtin();
        for id in [
            "claude-sonnet-4-6",
            "anthropic.claude-sonnet-4-6",
            "us.anthropic.claude-sonnet-4-6",
            "vertex_ai/claude-sonnet-4-6",
        ] {
            let m = c.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(m.max_output, Some(128_000), "{id}");
        }
    }
}

//! The lookup tables behind [`Catalog::resolve`]: ids, route-stripped and folded forms, newest
//! snapshots, and the leading tokens that gate `resolve` and feed the prefilter.

use super::names::{self, fold, route_of, split_snapshot};
use super::{providers, Catalog, ModelInfo};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Default)]
pub(super) struct Index {
    /// Catalog id → position.
    pub(super) by_key: HashMap<Box<str>, u32>,
    /// Every id and its route-stripped form (`gemini-2.5-pro` for `gemini/gemini-2.5-pro`,
    /// `gpt-4o` for `azure/eu/gpt-4o`) → the entries it names, most preferred first.
    pub(super) names: HashMap<Box<str>, Vec<u32>>,
    /// The same forms case- and dot-folded ([`names::fold`]).
    pub(super) folded: HashMap<Box<str>, Vec<u32>>,
    /// An undated form (`claude-sonnet-4-5`) → its newest dated snapshot.
    pub(super) newest: HashMap<Box<str>, u32>,
    /// The leading token ([`names::leading_token`]) of every name `resolve` accepts.
    pub(super) gate: HashSet<Box<str>>,
    /// `gate` without tokens that another token starts, sorted.
    pub(super) tokens: Vec<String>,
}

impl Index {
    /// The tables for `models` (sorted by id, ids unique).
    pub(super) fn build(models: &[ModelInfo]) -> Index {
        let mut index = Index::default();
        let mut dated: HashMap<&str, (String, u32)> = HashMap::new();
        for (i, m) in models.iter().enumerate() {
            let i = i as u32;
            index.by_key.insert(m.id.as_str().into(), i);
            let stripped = names::route_stripped(&m.id).filter(|r| !names::is_pure_word(r));
            for form in std::iter::once(m.id.as_str()).chain(stripped) {
                index.names.entry(form.into()).or_default().push(i);
                index.folded.entry(fold(form).into()).or_default().push(i);
                let snapshot = split_snapshot(form).or_else(|| {
                    let (name, version) = form.split_once('@')?;
                    (version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| (name, version.to_string()))
                });
                if let Some((alias, date)) = snapshot {
                    let slot = dated.entry(alias).or_insert_with(|| (date.clone(), i));
                    let better = date > slot.0
                        || (date == slot.0
                            && preference(models, i, alias) < preference(models, slot.1, alias));
                    if better {
                        *slot = (date, i);
                    }
                }
            }
        }
        for (form, cands) in index.names.iter_mut() {
            cands.sort_by_key(|&i| preference(models, i, form));
            cands.dedup();
        }
        for cands in index.folded.values_mut() {
            cands.sort_by_key(|&i| preference(models, i, &models[i as usize].id));
            cands.dedup();
        }
        index.newest = dated
            .into_iter()
            .map(|(alias, (_, i))| (Box::from(alias), i))
            .collect();
        index.build_gate(models);
        index
    }

    /// The leading tokens of every id, route-stripped form, and route prefix in front of the
    /// names it can lead to.
    fn build_gate(&mut self, models: &[ModelInfo]) {
        let mut gate: HashSet<Box<str>> = HashSet::new();
        for form in self.names.keys() {
            gate.insert(names::token_of(form).into());
        }
        gate.insert("ft:".into());
        for route in names::ROUTES {
            // A route prefix whose own token ends inside it needs one token; a generic one
            // (`models/`, `google/`) needs one per name it can precede.
            let probe = format!("{}zz9", route.prefix);
            let own = names::token_of(&probe);
            if own.len() <= route.prefix.len() {
                gate.insert(own.into());
                continue;
            }
            for (form, cands) in &self.names {
                let family = models[cands[0] as usize].provider.as_str();
                let fits = if route.gemini_only {
                    family == "gemini"
                } else {
                    family == route.family
                };
                if fits && route_of(form).is_none() {
                    gate.insert(names::token_of(&format!("{}{form}", route.prefix)).into());
                }
            }
        }
        let mut tokens: Vec<String> = gate.iter().map(|t| t.to_string()).collect();
        tokens.sort();
        let mut kept: Vec<String> = Vec::with_capacity(tokens.len());
        for t in tokens {
            // Sorted order puts a prefix right before the tokens it starts.
            if kept.last().is_some_and(|k| t.starts_with(k.as_str())) {
                continue;
            }
            kept.push(t);
        }
        self.gate = gate;
        self.tokens = kept;
    }
}

/// Sort key among entries sharing a name: the model maker's own API first, then an entry whose
/// id is the name itself, then the shorter id.
fn preference<'a>(models: &'a [ModelInfo], i: u32, form: &str) -> (usize, bool, usize, &'a str) {
    let m = &models[i as usize];
    (
        providers::rank(&m.provider),
        m.id != form,
        m.id.len(),
        m.id.as_str(),
    )
}

impl Catalog {
    /// The distinct lower-case leading tokens of every name [`Catalog::resolve`] can resolve
    /// (deployment names aside), for the byte-level prefilter: `gpt-`, `claude-`, `o1`,
    /// `gemini-`, `models/gemini-`, `us.anthropic.`, `openai/`, `openai:`… No token starts
    /// with another token.
    pub fn prefilter_tokens(&self) -> Vec<String> {
        self.index.tokens.clone()
    }
}

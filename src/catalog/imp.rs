//! The catalog: entries sorted by id, and the indexes that make `resolve` cheap.
//!
//! # Sources and merging
//! The bundled catalog is `rules/pricing/<provider>.yaml` (generated, see
//! `examples/gen_catalog.rs`) patched by `rules/pricing/overlay.yaml` (hand-kept deprecations,
//! replacements and corrections). A policy can add sources; [`Catalog::merge`] applies them in
//! order, entry by entry: a later entry replaces the earlier one with the same id as a whole,
//! except that `context_window`, `max_output`, `mode`, `deprecation` and `replacement` are kept
//! from the earlier entry when the later one does not give them. `cached_input` is not kept: a
//! negotiated price without a cached-input price is priced without a caching discount.
//!
//! # Resolution
//! See [`Catalog::resolve`]. Every name that resolves, lower-cased, starts with one of
//! [`Catalog::prefilter_tokens`]: `resolve` itself rejects any other name after one hash lookup,
//! which is both its fast path for misses and the guarantee that the prefilter is complete.

// `InputError` (a miette diagnostic carrying its source text) is the crate's error type for bad
// input; the public signatures here are fixed by the rest of the crate.
#![allow(clippy::result_large_err)]

use super::{BTreeMap, ModelInfo, Resolution};
use crate::date::Date;
use crate::error::InputError;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

mod file;
mod litellm;
mod names;

use names::{family_rank, fold, route_of, split_snapshot};

/// The bundled pricing files, in the order they are merged; the overlay is applied last.
const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "openai.yaml",
        include_str!("../../rules/pricing/openai.yaml"),
    ),
    (
        "anthropic.yaml",
        include_str!("../../rules/pricing/anthropic.yaml"),
    ),
    (
        "gemini.yaml",
        include_str!("../../rules/pricing/gemini.yaml"),
    ),
    (
        "vertex_ai.yaml",
        include_str!("../../rules/pricing/vertex_ai.yaml"),
    ),
    (
        "mistral.yaml",
        include_str!("../../rules/pricing/mistral.yaml"),
    ),
    ("xai.yaml", include_str!("../../rules/pricing/xai.yaml")),
    (
        "deepseek.yaml",
        include_str!("../../rules/pricing/deepseek.yaml"),
    ),
    (
        "bedrock.yaml",
        include_str!("../../rules/pricing/bedrock.yaml"),
    ),
    ("azure.yaml", include_str!("../../rules/pricing/azure.yaml")),
    (
        "openrouter.yaml",
        include_str!("../../rules/pricing/openrouter.yaml"),
    ),
    ("groq.yaml", include_str!("../../rules/pricing/groq.yaml")),
    (
        "together_ai.yaml",
        include_str!("../../rules/pricing/together_ai.yaml"),
    ),
];
const OVERLAY: (&str, &str) = (
    "overlay.yaml",
    include_str!("../../rules/pricing/overlay.yaml"),
);

/// Names longer than this are never model ids (the longest bundled id is under 90 bytes).
const MAX_NAME: usize = 128;
/// How many rewrites (`azure/` → data zone → snapshot date…) one resolution may chain.
const MAX_DEPTH: u8 = 8;

/// A set of priced models. Cheap to query; [`Catalog::merge`] rebuilds the indexes.
#[derive(Clone, Default)]
pub struct Catalog {
    /// Sorted by id, ids unique.
    models: Vec<ModelInfo>,
    index: Index,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("len", &self.models.len())
            .field("as_of", &self.as_of())
            .finish()
    }
}

#[derive(Clone, Default)]
struct Index {
    /// Catalog id → position.
    by_key: HashMap<Box<str>, u32>,
    /// Every id and its route-stripped form (`gemini-2.5-pro` for `gemini/gemini-2.5-pro`,
    /// `gpt-4o` for `azure/eu/gpt-4o`) → the entries it names, most preferred first.
    names: HashMap<Box<str>, Vec<u32>>,
    /// The same forms case- and dot-folded ([`names::fold`]).
    folded: HashMap<Box<str>, Vec<u32>>,
    /// An undated form (`claude-sonnet-4-5`) → its newest dated snapshot.
    newest: HashMap<Box<str>, u32>,
    /// The leading token ([`names::leading_token`]) of every name `resolve` accepts.
    gate: HashSet<Box<str>>,
    /// `gate` without tokens that another token starts, sorted.
    tokens: Vec<String>,
}

/// A resolution in progress: the entry and, unless exact, what was changed to get there.
struct Hit {
    idx: u32,
    why: Option<String>,
}

impl Hit {
    /// This hit reached through a rewrite described by `why`.
    fn via(self, why: impl Into<String>) -> Hit {
        let why = why.into();
        Hit {
            idx: self.idx,
            why: Some(match self.why {
                Some(inner) => format!("{why}; {inner}"),
                None => why,
            }),
        }
    }
}

impl Catalog {
    /// The bundled catalog, parsed once per process.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        // A broken bundled file leaves its entries out instead of aborting the run; the test
        // `bundled_files_parse` fails on any such error.
        BUILTIN.get_or_init(|| load_builtin().0)
    }

    pub fn empty() -> Catalog {
        Catalog::default()
    }

    /// Applies `other` on top of this catalog, entry by entry (see the module docs).
    pub fn merge(&mut self, other: Catalog) {
        for m in other.models {
            match self.index.by_key.get(m.id.as_str()) {
                Some(&i) => combine(&mut self.models[i as usize], m),
                None => self.models.push(m),
            }
        }
        self.models.sort_by(|a, b| a.id.cmp(&b.id));
        self.index = Index::build(&self.models);
    }

    /// A costlint pricing file (the shape of `rules/pricing/*.yaml`; see `file.rs`).
    pub fn load_pricing_file(display_path: &str, text: &str) -> Result<Catalog, InputError> {
        let models = file::parse_pricing(display_path, text, &format!("file:{display_path}"))?;
        Ok(Catalog::from_models(models))
    }

    /// A LiteLLM `model_prices_and_context_window.json` file: its text-generation entries
    /// (`chat`, `responses`, `completion`) that have input and output token prices.
    pub fn load_litellm(display_path: &str, text: &str) -> Result<Catalog, InputError> {
        Ok(Catalog::from_models(litellm::parse(display_path, text)?))
    }

    /// [`Catalog::load_litellm`] for a file a policy names: an entry whose prices cannot be
    /// used is an error naming it, never an entry silently left out.
    pub fn load_litellm_strict(display_path: &str, text: &str) -> Result<Catalog, InputError> {
        Ok(Catalog::from_models(litellm::parse_strict(
            display_path,
            text,
        )?))
    }

    pub fn get(&self, id: &str) -> Option<&ModelInfo> {
        self.index.by_key.get(id).map(|&i| &self.models[i as usize])
    }

    pub fn len(&self) -> usize {
        self.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Every entry, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &ModelInfo> {
        self.models.iter()
    }

    /// The newest `as_of` of any entry.
    pub fn as_of(&self) -> Option<Date> {
        self.models.iter().filter_map(|m| m.as_of).max()
    }

    /// Entries whose id matches `pattern`: a glob if it has `*`, `?` or `[` (`gpt-5*`), else a
    /// substring; both case-insensitive. Sorted by id.
    pub fn search(&self, pattern: &str) -> Vec<&ModelInfo> {
        if pattern.contains(['*', '?', '[']) {
            let Ok(glob) = glob::Pattern::new(pattern) else {
                return Vec::new();
            };
            let opts = glob::MatchOptions {
                case_sensitive: false,
                ..glob::MatchOptions::new()
            };
            self.models
                .iter()
                .filter(|m| glob.matches_with(&m.id, opts))
                .collect()
        } else {
            let needle = pattern.to_lowercase();
            self.models
                .iter()
                .filter(|m| m.id.to_lowercase().contains(&needle))
                .collect()
        }
    }

    /// Resolves a model name as written in code or configuration.
    ///
    /// In order, the first rule that applies wins:
    /// 1. `deployments` (the policy's private names): the mapped value is resolved by the rules
    ///    below and the result is `Deployment { name, id }`; `azure/<name>` also finds `<name>`.
    ///    A deployment whose value does not resolve is `Unknown` (the policy loader should
    ///    report such a value). Deployment names bypass the prefilter tokens: the prefilter adds
    ///    them itself.
    /// 2. A catalog id → `Exact`. When the same bare name is served by several providers the
    ///    model maker's own API wins (`gemini-2.5-pro` → `gemini/gemini-2.5-pro`, the Gemini API,
    ///    rather than the Vertex AI entry of the same name); order: openai, anthropic, gemini,
    ///    xai, mistral, deepseek, vertex_ai, bedrock, azure, groq, together_ai, openrouter.
    /// 3. Names longer than 128 bytes, with non-ASCII or non-printing characters, or whose
    ///    leading token is not one of [`Catalog::prefilter_tokens`] → `Unknown` (a word such as
    ///    `model`, `auto` or `gpt` never resolves).
    /// 4. A route prefix (`openai/`, `anthropic:`, `google-gla:`, `models/`, `vertex_ai/`,
    ///    `azure/`, `bedrock/`, `groq:`…) is stripped and the rest resolved preferring that
    ///    provider: `Exact` when that provider has the entry. Otherwise a route-stripped catalog
    ///    form (`anthropic/claude-sonnet-4.5`, OpenRouter's id) → `Exact`, else the approximate
    ///    result of the stripped name. `models/` and `google/` only lead to Gemini models.
    /// 5. Approximations, each saying why: `ft:<base>:…` fine-tunes (the catalog's fine-tuned
    ///    rates for `<base>` when it has them, else the base model's); Azure data zones
    ///    (`azure/eu/…`); AWS region paths (`bedrock/us-east-2/…`); Bedrock cross-region
    ///    prefixes (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`…); Bedrock version suffixes
    ///    (`-v1:0`) and, when Bedrock has no entry, the first-party model of an `anthropic.`,
    ///    `openai.`, `mistral.`, `xai.` or `deepseek.` id; Vertex `@version` (as a dated
    ///    snapshot, else dropped); a snapshot date that is not in the catalog (dropped: priced
    ///    as the undated alias); `-latest` and Anthropic `-0` aliases and undated names that only
    ///    exist as snapshots (priced as the newest known snapshot); dots for dashes
    ///    (`claude-sonnet-4.5`) and letter case.
    ///
    /// An alias is never resolved to one of its snapshots as `Exact`: `gpt-4o` is `gpt-4o`.
    /// Misses cost a hash lookup and one pass over the first bytes of `raw`.
    pub fn resolve(&self, raw: &str, deployments: &BTreeMap<String, String>) -> Resolution {
        if !deployments.is_empty() {
            let target = deployments
                .get(raw)
                .or_else(|| raw.strip_prefix("azure/").and_then(|n| deployments.get(n)));
            if let Some(target) = target {
                return match self.resolve_name(target) {
                    Some(hit) => Resolution::Deployment {
                        name: raw.to_string(),
                        id: self.id(hit.idx).to_string(),
                    },
                    None => Resolution::Unknown,
                };
            }
        }
        match self.resolve_name(raw) {
            Some(Hit { idx, why: None }) => Resolution::Exact {
                id: self.id(idx).to_string(),
            },
            Some(Hit {
                idx,
                why: Some(why),
            }) => Resolution::Approximate {
                id: self.id(idx).to_string(),
                why,
            },
            None => Resolution::Unknown,
        }
    }

    /// The catalog ids nearest to `raw`, best first, for an `unknown-model` diagnostic: string
    /// similarity of the bare, folded names, with a bonus for the same leading token
    /// (`gpt-5.44` → `gpt-5.4` first).
    pub fn suggest(&self, raw: &str, n: usize) -> Vec<String> {
        let query = fold(bare_name(raw));
        let query_token = names::token_of(&query);
        let mut best: HashMap<u32, f64> = HashMap::new();
        for (form, cands) in &self.index.folded {
            if route_of(form).is_some() || cands.is_empty() {
                continue;
            }
            let mut score = strsim::jaro_winkler(&query, form);
            if names::token_of(form) == query_token {
                score += 0.05;
            }
            let slot = best.entry(cands[0]).or_insert(0.0);
            if score > *slot {
                *slot = score;
            }
        }
        let mut ranked: Vec<(f64, &str)> = best
            .into_iter()
            .filter(|(_, s)| *s >= 0.8)
            .map(|(i, s)| (s, self.id(i)))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        ranked
            .into_iter()
            .take(n)
            .map(|(_, id)| id.to_string())
            .collect()
    }

    /// The distinct lower-case leading tokens of every name [`Catalog::resolve`] can resolve
    /// (deployment names aside), for the byte-level prefilter: `gpt-`, `claude-`, `o1`,
    /// `gemini-`, `models/gemini-`, `us.anthropic.`, `openai/`, `openai:`… No token starts
    /// with another token.
    pub fn prefilter_tokens(&self) -> Vec<String> {
        self.index.tokens.clone()
    }

    /// Does `raw` look like a model id although the catalog does not know it? For text passed
    /// where a model is expected (`model="…"`): 3–100 characters, no spaces, at least one
    /// lower-case letter, a digit or a `-` or `/`; not a URL, not a file name with an
    /// extension, not a template or an environment variable reference.
    ///
    /// Passes: `gpt-7`, `claude-opus-9`, `my-azure-deployment`, `acme/llm-large`, `llama3`,
    /// `meta-llama/Llama-3.3-70B-Instruct`, `us.anthropic.claude-x-v1:0`.
    /// Fails: `model`, `auto`, `GPT_MODEL`, `gpt`, `hello world`, `https://api.x.ai/v1`,
    /// `prompts/system.txt`, `config.yaml`, `{model}`, `${MODEL}`, `v1`, `2024-01-01`.
    pub fn is_model_shaped(raw: &str) -> bool {
        let len = raw.chars().count();
        if !(3..=100).contains(&len) {
            return false;
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-._/:@+".contains(c);
        if !raw.chars().all(allowed) {
            return false;
        }
        let lower = raw.to_ascii_lowercase();
        if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("http") {
            return false;
        }
        if !raw.bytes().any(|b| b.is_ascii_lowercase())
            || !raw.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        {
            return false;
        }
        if !raw
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
        {
            return false;
        }
        // A file name: the last path segment ends in `.ext` with a letters-only extension.
        let last = raw.rsplit('/').next().unwrap_or(raw);
        if let Some((stem, ext)) = last.rsplit_once('.') {
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphabetic())
            {
                return false;
            }
        }
        !raw.ends_with('/') && !raw.starts_with('/') && !raw.contains("//")
    }
}

impl Catalog {
    fn from_models(models: Vec<ModelInfo>) -> Catalog {
        let mut catalog = Catalog::unindexed(models);
        catalog.index = Index::build(&catalog.models);
        catalog
    }

    /// Sorted, ids unique (a later duplicate wins), only `by_key` built.
    fn unindexed(mut models: Vec<ModelInfo>) -> Catalog {
        // A stable sort keeps duplicates in source order; keep the last of each run.
        models.sort_by(|a, b| a.id.cmp(&b.id));
        models.dedup_by(|later, earlier| {
            if later.id == earlier.id {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        let mut catalog = Catalog {
            models,
            index: Index::default(),
        };
        catalog.reindex_keys();
        catalog
    }

    fn reindex_keys(&mut self) {
        self.index.by_key = self
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (Box::from(m.id.as_str()), i as u32))
            .collect();
    }

    fn id(&self, idx: u32) -> &str {
        &self.models[idx as usize].id
    }

    fn provider(&self, idx: u32) -> &str {
        &self.models[idx as usize].provider
    }

    fn resolve_name(&self, raw: &str) -> Option<Hit> {
        if self.index.by_key.contains_key(raw) {
            return self.index.names.get(raw).map(|c| self.pick(c, None, raw));
        }
        if raw.len() > MAX_NAME || raw.len() < 2 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut buf = [0u8; MAX_NAME];
        let lower = &mut buf[..raw.len()];
        lower.copy_from_slice(raw.as_bytes());
        lower.make_ascii_lowercase();
        let n = names::leading_token(lower);
        let token = std::str::from_utf8(&lower[..n]).ok()?;
        if !self.index.gate.contains(token) {
            return None;
        }
        self.lookup(raw, None, 0)
    }

    /// The preferred candidate, preferring provider `hint`; not exact when `hint` has none.
    fn pick(&self, cands: &[u32], hint: Option<&str>, form: &str) -> Hit {
        let first = cands[0];
        match hint {
            None => Hit {
                idx: first,
                why: None,
            },
            Some(h) => match cands.iter().find(|&&i| self.provider(i) == h) {
                Some(&i) => Hit { idx: i, why: None },
                None => Hit {
                    idx: first,
                    why: Some(format!(
                        "no {h} entry for `{form}`: priced as `{}` ({})",
                        self.id(first),
                        self.provider(first)
                    )),
                },
            },
        }
    }

    fn lookup(&self, s: &str, hint: Option<&str>, depth: u8) -> Option<Hit> {
        if depth > MAX_DEPTH || s.is_empty() {
            return None;
        }
        let named = self.index.names.get(s).filter(|c| !c.is_empty());
        if let Some(c) = named {
            if self.index.by_key.contains_key(s) {
                return Some(self.pick(c, hint, s));
            }
        }
        // A route prefix: exact when the named provider has the entry.
        let mut routed = None;
        if let Some(route) = route_of(s) {
            let rest = &s[route.prefix.len()..];
            let h = hint.or(Some(route.family));
            if let Some(hit) = self.lookup(rest, h, depth + 1) {
                let gemini = matches!(self.provider(hit.idx), "gemini" | "vertex_ai");
                if !route.gemini_only || gemini {
                    if hit.why.is_none() {
                        return Some(hit);
                    }
                    routed = Some(hit);
                }
            }
        }
        if let Some(c) = named {
            return Some(self.pick(c, hint, s));
        }
        if routed.is_some() {
            return routed;
        }
        self.approximate(s, hint, depth)
    }

    fn approximate(&self, s: &str, hint: Option<&str>, depth: u8) -> Option<Hit> {
        let next = depth + 1;
        // Fine-tunes: `ft:gpt-4o-mini-2024-07-18:org::abc123`.
        if let Some(rest) = s.strip_prefix("ft:") {
            let base = rest.split(':').next().unwrap_or(rest);
            let ft = format!("ft:{base}");
            if ft != s {
                if let Some(&i) = self.index.by_key.get(ft.as_str()) {
                    return Some(Hit {
                        idx: i,
                        why: Some(format!("fine-tune of `{base}`: priced at the catalog's rates for fine-tuned `{base}`")),
                    });
                }
            }
            return self.lookup(base, hint, next).map(|h| {
                h.via(format!(
                    "fine-tune of `{base}`: fine-tuned models are billed at their own rates, priced here at the base model's"
                ))
            });
        }
        // Azure data zones: `azure/eu/gpt-5.5-pro` → `azure/gpt-5.5-pro`.
        if hint == Some("azure") {
            if let Some((zone, rest)) = s.split_once('/') {
                if names::AZURE_ZONES.contains(&zone) {
                    return self
                        .lookup(rest, hint, next)
                        .map(|h| h.via(format!("Azure data zone `{zone}` dropped")));
                }
            }
        }
        // AWS region paths: `bedrock/us-east-2/anthropic.claude-…`.
        if let Some((seg, rest)) = s.split_once('/') {
            if names::is_aws_region(seg) {
                return self
                    .lookup(rest, hint, next)
                    .map(|h| h.via(format!("AWS region `{seg}` dropped")));
            }
        }
        // Bedrock cross-region inference profiles: `us.anthropic.claude-…`.
        if let Some((region, rest)) = names::split_bedrock_region(s) {
            return self
                .lookup(rest, hint.or(Some("bedrock")), next)
                .map(|h| h.via(format!("Bedrock region prefix `{region}.` dropped")));
        }
        // Bedrock `vendor.model-vN:M` ids.
        if let Some((vendor, name)) = names::split_bedrock_vendor(s) {
            // `-v2` alone may be part of the name (`anthropic.claude-v2`): a suffix without `:`
            // only counts after a number (`claude-opus-4-6-v1`).
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
                if let Some(c) = self.index.names.get(cand.as_str()) {
                    return Some(
                        self.pick(c, hint, &cand)
                            .via("Bedrock version suffix differs"),
                    );
                }
            }
            if names::BEDROCK_FIRST_PARTY.contains(&vendor) {
                let bare = names::strip_bedrock_version(name).unwrap_or(name);
                return self.lookup(bare, None, next).map(|h| {
                    let id = self.id(h.idx).to_string();
                    h.via(format!("no Bedrock entry: priced as first-party `{id}`"))
                });
            }
            return None;
        }
        // Vertex AI `model@version`.
        if let Some((name, version)) = s.split_once('@') {
            if version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit()) {
                let dated = format!("{name}-{version}");
                if let Some(c) = self
                    .index
                    .names
                    .get(dated.as_str())
                    .filter(|c| !c.is_empty())
                {
                    let h = self.pick(c, None, &dated);
                    return Some(h.via(format!(
                        "Vertex version `@{version}` read as snapshot `{dated}`"
                    )));
                }
            }
            return self
                .lookup(name, hint.or(Some("vertex_ai")), next)
                .map(|h| h.via(format!("Vertex version `@{version}` dropped")));
        }
        // A snapshot date the catalog does not have.
        if let Some((alias, date)) = split_snapshot(s) {
            if let Some(h) = self.lookup(alias, hint, next) {
                return Some(h.via(format!("snapshot date {date} dropped: priced as `{alias}`")));
            }
            return None;
        }
        // `-latest` aliases and Anthropic's `-0` aliases.
        for suffix in ["-latest", "-0"] {
            if let Some(family) = s.strip_suffix(suffix) {
                if let Some(&i) = self.index.newest.get(family) {
                    return Some(Hit {
                        idx: i,
                        why: Some(format!(
                            "`{suffix}` alias: priced as the newest known snapshot `{}`",
                            self.id(i)
                        )),
                    });
                }
                if suffix == "-latest" {
                    if let Some(h) = self.lookup(family, hint, next) {
                        return Some(h.via("`-latest` dropped"));
                    }
                }
            }
        }
        // An undated name that only exists as snapshots.
        if let Some(&i) = self.index.newest.get(s) {
            return Some(Hit {
                idx: i,
                why: Some(format!(
                    "no undated entry: priced as the newest known snapshot `{}`",
                    self.id(i)
                )),
            });
        }
        // Letter case: resolve the lower-case spelling (which may still need the rules above).
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            let lower = s.to_ascii_lowercase();
            if let Some(h) = self.lookup(&lower, hint, next) {
                return Some(h.via("letter case differs"));
            }
        }
        // Dots for dashes (`claude-sonnet-4.5`), or a lower-case spelling of a mixed-case id.
        let folded = fold(s);
        if let Some(c) = self
            .index
            .folded
            .get(folded.as_str())
            .filter(|c| !c.is_empty())
        {
            let h = self.pick(c, hint, s);
            let m = &self.models[h.idx as usize];
            let same_letters = |form: &str| form.eq_ignore_ascii_case(s);
            let what =
                if same_letters(&m.id) || names::route_stripped(&m.id).is_some_and(same_letters) {
                    "letter case differs"
                } else {
                    "dots/dashes differ"
                };
            return Some(h.via(format!("{what} from `{}`", m.id)));
        }
        None
    }
}

/// The names of the model a catalog id (or a name as written) stands for, for policy rules
/// that name models: the name itself, then without its host route (`azure/gpt-5.5-pro` →
/// `gpt-5.5-pro`; `bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0` →
/// `claude-sonnet-4-5-20250929`; `vertex_ai/claude-opus-4-1@20250805` → `claude-opus-4-1`),
/// and each without its snapshot date (`gpt-5.5-pro-2026-04-23` → `gpt-5.5-pro`). No
/// duplicates; the name itself first.
pub fn model_names(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let mut add = |n: &str| {
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    };
    if let Some(stripped) = names::route_stripped(name) {
        add(stripped);
    }
    add(bare_name(name));
    let forms: Vec<String> = out.clone();
    for form in &forms {
        let mut form = form.as_str();
        while let Some((base, _)) = split_snapshot(form) {
            out.push(base.to_string());
            form = base;
        }
    }
    let mut seen = HashSet::new();
    out.retain(|n| seen.insert(n.clone()));
    out
}

/// `raw` without route prefixes, Bedrock region and vendor prefixes, `ft:` and `@version`: the
/// part to compare for suggestions.
fn bare_name(raw: &str) -> &str {
    let mut s = raw
        .strip_prefix("ft:")
        .map_or(raw, |r| r.split(':').next().unwrap_or(r));
    while let Some(route) = route_of(s) {
        s = &s[route.prefix.len()..];
    }
    if let Some((_, rest)) = names::split_bedrock_region(s) {
        s = rest;
    }
    if let Some((_, rest)) = names::split_bedrock_vendor(s) {
        s = names::strip_bedrock_version(rest).unwrap_or(rest);
    }
    s.split('@').next().unwrap_or(s)
}

/// `later` replaces `earlier`, keeping the earlier limits, mode and deprecation it lacks.
fn combine(earlier: &mut ModelInfo, later: ModelInfo) {
    let keep = std::mem::replace(earlier, later);
    earlier.context_window = earlier.context_window.or(keep.context_window);
    earlier.max_output = earlier.max_output.or(keep.max_output);
    earlier.mode = earlier.mode.take().or(keep.mode);
    earlier.deprecation = earlier.deprecation.or(keep.deprecation);
    earlier.replacement = earlier.replacement.take().or(keep.replacement);
    earlier.as_of = earlier.as_of.or(keep.as_of);
}

impl Index {
    fn build(models: &[ModelInfo]) -> Index {
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
        family_rank(&m.provider),
        m.id != form,
        m.id.len(),
        m.id.as_str(),
    )
}

/// Parses the bundled files and the overlay; the errors of any that fail to parse.
fn load_builtin() -> (Catalog, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut models: Vec<ModelInfo> = Vec::new();
    for (name, text) in BUILTIN_FILES {
        match file::parse_pricing(
            &format!("rules/pricing/{name}"),
            text,
            &format!("builtin:{name}"),
        ) {
            Ok(m) => models.extend(m),
            Err(e) => errors.push(e),
        }
    }
    let mut catalog = Catalog::unindexed(models);
    let (name, text) = OVERLAY;
    let path = format!("rules/pricing/{name}");
    match file::parse_overlay(&path, text) {
        Ok(overlay) => {
            for (id, patch) in overlay.models.0 {
                if let Err(message) = apply_patch(&mut catalog, &id, patch) {
                    let at = text.find(&format!("\n  {id}:")).map_or(0, |i| i + 3);
                    errors.push(InputError::at(
                        &path,
                        text,
                        at..at + id.len(),
                        message,
                        "this entry",
                    ));
                }
            }
        }
        Err(e) => errors.push(e),
    }
    inherit_replacements(&mut catalog);
    catalog.index = Index::build(&catalog.models);
    (catalog, errors)
}

/// A retiring routed id (`azure/eu/gpt-4o`) that the overlay gives no replacement inherits the
/// replacement of the name it routes (`gpt-4o` → `gpt-5.4`) when the same route offers that
/// successor (`azure/eu/gpt-5.4`) and does not retire it first. The overlay names direct
/// provider ids only; this carries them to every host that serves both models.
fn inherit_replacements(catalog: &mut Catalog) {
    let mut found = Vec::new();
    for (i, m) in catalog.models.iter().enumerate() {
        let Some(retires) = m.deprecation.filter(|_| m.replacement.is_none()) else {
            continue;
        };
        let cuts = m.id.match_indices(['/', '.']).map(|(at, _)| at + 1);
        let successor = cuts.into_iter().find_map(|at| {
            let (route, base) = m.id.split_at(at);
            let routed = format!("{route}{}", catalog.get(base)?.replacement.as_ref()?);
            let next = catalog.get(&routed)?;
            next.deprecation
                .is_none_or(|d| d > retires)
                .then_some(routed)
        });
        if let Some(s) = successor {
            found.push((i, s));
        }
    }
    for (i, s) in found {
        catalog.models[i].replacement = Some(s);
    }
}

/// Applies one overlay entry: field by field onto an existing entry, or a new entry.
fn apply_patch(catalog: &mut Catalog, id: &str, p: file::OverlayEntry) -> Result<(), String> {
    match catalog.index.by_key.get(id) {
        Some(&i) => {
            let m = &mut catalog.models[i as usize];
            if let Some(u) = p.input {
                m.price.input = u.0;
            }
            if let Some(u) = p.output {
                m.price.output = u.0;
            }
            if let Some(u) = p.cached_input {
                m.price.cached_input = Some(u.0);
            }
            m.context_window = p.context_window.or(m.context_window);
            m.max_output = p.max_output.or(m.max_output);
            m.mode = p.mode.or(m.mode.take());
            m.deprecation = p.deprecation.or(m.deprecation);
            m.replacement = p.replacement.or(m.replacement.take());
            m.provider = p.provider.unwrap_or(std::mem::take(&mut m.provider));
            m.as_of = p.as_of.or(m.as_of);
            m.source = format!("{}+overlay.yaml", m.source);
            Ok(())
        }
        None => {
            let (Some(provider), Some(input), Some(output)) = (p.provider, p.input, p.output)
            else {
                return Err(format!("overlay entry `{id}` is not in the generated files: it needs provider, input and output"));
            };
            catalog.models.push(ModelInfo {
                id: id.to_string(),
                provider,
                price: super::Price {
                    input: input.0,
                    cached_input: p.cached_input.map(|u| u.0),
                    output: output.0,
                },
                context_window: p.context_window,
                max_output: p.max_output,
                mode: p.mode,
                deprecation: p.deprecation,
                replacement: p.replacement,
                as_of: p.as_of,
                source: "builtin:overlay.yaml".to_string(),
            });
            catalog.models.sort_by(|a, b| a.id.cmp(&b.id));
            catalog.reindex_keys();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lean_reader_reads_every_bundled_file_like_the_yaml_parser() {
        for (name, text) in BUILTIN_FILES {
            let lean = file::parse_generated(text, name)
                .unwrap_or_else(|| panic!("{name}: not in the generated layout"));
            let yaml = file::parse_pricing_yaml(name, text, name)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(lean, yaml, "{name}");
        }
    }

    #[test]
    fn bundled_files_parse() {
        let (catalog, errors) = load_builtin();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(catalog.len() > 1000);
    }

    /// `cargo test --release --lib builtin_build_time -- --nocapture` prints the figures.
    #[test]
    fn builtin_build_time() {
        let runs = 5;
        let mut best = std::time::Duration::MAX;
        for _ in 0..runs {
            let t = std::time::Instant::now();
            let (c, _) = load_builtin();
            best = best.min(t.elapsed());
            assert!(!c.is_empty());
        }
        let parse = std::time::Instant::now();
        let mut all = Vec::new();
        for (name, text) in BUILTIN_FILES {
            all.extend(file::parse_pricing(name, text, name).unwrap_or_default());
        }
        let parse = parse.elapsed();
        let t = std::time::Instant::now();
        let _ = Index::build(&Catalog::unindexed(all).models);
        eprintln!("index build {:?}", t.elapsed());
        let c = Catalog::builtin();
        let none = BTreeMap::new();
        let misses = [
            "Content-Type",
            "utf-8",
            "hello world",
            "model",
            "application/json",
            "gpt",
            "x-api-key",
        ];
        let t = std::time::Instant::now();
        let n = 100_000;
        for i in 0..n {
            let _ = c.resolve(misses[i % misses.len()], &none);
        }
        let miss = t.elapsed() / n as u32;
        let t = std::time::Instant::now();
        for _ in 0..n {
            let _ = c.resolve("gpt-4o", &none);
        }
        let hit = t.elapsed() / n as u32;
        eprintln!(
            "builtin(): {} entries in {best:?} (best of {runs}; YAML parsing alone {parse:?}); resolve: miss {miss:?}, exact hit {hit:?}; {} prefilter tokens",
            c.len(),
            c.prefilter_tokens().len()
        );
    }

    #[test]
    fn every_route_stripped_form_and_key_resolves() {
        let c = Catalog::builtin();
        let none = BTreeMap::new();
        for form in c.index.names.keys() {
            if names::is_pure_word(form) {
                continue;
            }
            assert_ne!(c.resolve(form, &none), Resolution::Unknown, "{form}");
        }
    }

    /// The overlay pins the seed prices; the generated data must agree, so that a regeneration
    /// that changes them is noticed and decided on in `overlay.yaml`.
    #[test]
    fn overlay_pins_match_generated_data() {
        let mut generated = Vec::new();
        for (name, text) in BUILTIN_FILES {
            generated.extend(file::parse_pricing(name, text, name).unwrap_or_default());
        }
        let overlay = file::parse_overlay("overlay.yaml", OVERLAY.1).expect("overlay parses");
        for id in ["gpt-5.4", "gpt-5.5", "gpt-5.5-pro"] {
            let pin = &overlay
                .models
                .0
                .iter()
                .find(|(k, _)| k == id)
                .expect("pinned")
                .1;
            let m = generated.iter().find(|m| m.id == id).expect("generated");
            assert_eq!(pin.input.map(|u| u.0), Some(m.price.input), "{id}");
            assert_eq!(pin.output.map(|u| u.0), Some(m.price.output), "{id}");
        }
    }

    #[test]
    fn routed_ids_inherit_the_replacement_of_the_name_they_route() {
        let c = Catalog::builtin();
        let replacement = |id: &str| c.get(id).and_then(|m| m.replacement.clone());
        assert_eq!(replacement("gpt-4o").as_deref(), Some("gpt-5.4"));
        assert_eq!(
            replacement("azure/eu/gpt-4o").as_deref(),
            Some("azure/eu/gpt-5.4")
        );
        assert_eq!(
            replacement("azure/eu/gpt-4o-mini").as_deref(),
            Some("azure/eu/gpt-5.4-mini")
        );
        // Only to a successor the same route offers.
        for m in c.iter() {
            if let Some(r) = &m.replacement {
                let route = |id: &str| id.rfind('/').map_or("", |i| &id[..i]).to_string();
                if m.id.starts_with("azure/") {
                    assert_eq!(route(&m.id), route(r), "{} → {r}", m.id);
                }
            }
        }
    }

    #[test]
    fn overlay_replacements_exist() {
        let c = Catalog::builtin();
        for m in c.iter() {
            if let Some(r) = &m.replacement {
                assert!(
                    m.deprecation.is_some(),
                    "{}: a replacement without a deprecation date",
                    m.id
                );
                let target = c
                    .get(r)
                    .unwrap_or_else(|| panic!("{}: replacement {r} not in the catalog", m.id));
                assert!(
                    target
                        .deprecation
                        .is_none_or(|d| m.deprecation.is_none_or(|md| d > md)),
                    "{} → {r}",
                    m.id
                );
            }
        }
    }
}

//! The pricing catalog: model entries with prices, limits and deprecations, and the resolution of
//! a model name as written in code to a catalog entry.
//!
//! API used by the rest of costlint (keep it stable):
//! - [`Catalog::builtin`]: the bundled catalog from `rules/pricing/*.yaml` + `rules/pricing/overlay.yaml`.
//! - [`Catalog::load_pricing_file`], [`Catalog::load_litellm`]: extra sources named by a policy.
//! - [`Catalog::merge`]: later sources override earlier ones, entry by entry.
//! - [`Catalog::resolve`]: raw text → [`Resolution`] (fast; no suggestions).
//! - [`Catalog::suggest`]: nearest names for an unknown model (slow path, only for diagnostics).
//! - [`Catalog::get`], [`Catalog::search`], [`Catalog::as_of`], [`Catalog::prefilter_tokens`].

//!
//! Modules: [`providers`] (the provider list), `names` (how names are spelled), `file` and
//! `litellm` (the two file formats), `load` (the bundled catalog and the overlay), `index` (the
//! lookup tables), `resolve` and `rewrite` (a name as written → an entry), `suggest` (nearest
//! names, model-shaped text), [`conflicts`] (hosts that disagree on a model's limits).

// `InputError` (a miette diagnostic carrying its source text) is the crate's error type for bad
// input; the public signatures here are fixed by the rest of the crate.
#![allow(clippy::result_large_err)]

use crate::cost::Rate;
use crate::date::Date;
use crate::error::InputError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

pub mod conflicts;
mod file;
mod index;
mod litellm;
mod load;
mod names;
pub mod providers;
mod resolve;
mod rewrite;
mod suggest;

pub use names::model_names;

use index::Index;

/// Prices in USD per 1M tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Price {
    /// Input (prompt) tokens, USD per 1M.
    pub input: Rate,
    /// Input tokens read from the provider's prompt cache, USD per 1M; `None` when the source
    /// gives no cached-input price (such input is priced at `input`).
    pub cached_input: Option<Rate>,
    /// Output (completion) tokens, USD per 1M.
    pub output: Rate,
}

/// One catalog entry: a model as one provider serves it, with its prices (USD per 1M tokens),
/// limits (tokens), retirement and source. Bundled entries come from LiteLLM's
/// `model_prices_and_context_window.json` (MIT licence) via `rules/pricing/*.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    /// The catalog key, e.g. `gpt-5.4`, `claude-sonnet-4-6`, `gemini/gemini-2.5-pro`,
    /// `bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0`.
    pub id: String,
    /// The serving provider, e.g. `openai`, `anthropic`, `gemini`, `vertex_ai`, `bedrock`, `azure`.
    pub provider: String,
    /// Prices in USD per 1M tokens.
    pub price: Price,
    /// The maximum input tokens (LiteLLM's `max_input_tokens`).
    pub context_window: Option<u64>,
    /// The maximum output tokens one call may ask for (LiteLLM's `max_output_tokens`).
    pub max_output: Option<u64>,
    /// `chat`, `responses`, `completion`…, as in the source data.
    pub mode: Option<String>,
    /// The date the provider retires the model: calls fail from then on. For a model LiteLLM's
    /// price list dropped, its last `deprecation_date`, else the date of the first copy of the
    /// list without it (see `examples/gen_catalog.rs`).
    pub deprecation: Option<Date>,
    /// The catalog id to move to, where the overlay names one.
    pub replacement: Option<String>,
    /// The date the prices were read (from the file's `as_of`).
    pub as_of: Option<Date>,
    /// Where the entry came from: `builtin:openai.yaml`, `file:prices/x.yaml`, `litellm:vendor/x.json`.
    pub source: String,
}

/// How a model name as written resolved to a catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Resolution {
    /// The text is a catalog key or a documented alias of one (`gpt-4o`, `openai/gpt-4o`).
    Exact { id: String },
    /// Priced as a near entry; `why` says what was dropped or changed
    /// ("snapshot date dropped", "Bedrock region prefix dropped", "fine-tune of gpt-4o-mini"…).
    Approximate { id: String, why: String },
    /// A private name mapped in the policy's `deployments:`.
    Deployment { name: String, id: String },
    /// Not a catalog model.
    Unknown,
}

impl fmt::Display for Resolution {
    /// For people: `exact`, `approximate: <why>`, `deployment <name>`, `unknown`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::Exact { .. } => f.write_str("exact"),
            Resolution::Approximate { why, .. } => write!(f, "approximate: {why}"),
            Resolution::Deployment { name, .. } => write!(f, "deployment `{name}`"),
            Resolution::Unknown => f.write_str("unknown"),
        }
    }
}

impl Resolution {
    /// The catalog id resolved to, unless unknown.
    pub fn id(&self) -> Option<&str> {
        match self {
            Resolution::Exact { id }
            | Resolution::Approximate { id, .. }
            | Resolution::Deployment { id, .. } => Some(id),
            Resolution::Unknown => None,
        }
    }
}

/// A set of priced models. Cheap to query; [`Catalog::merge`] rebuilds the indexes.
///
/// # Sources and merging
/// The bundled catalog is `rules/pricing/<provider>.yaml` (generated, see
/// `examples/gen_catalog.rs`) patched by `rules/pricing/overlay.yaml` (hand-kept deprecations,
/// replacements and corrections). A policy can add sources; [`Catalog::merge`] applies them in
/// order, entry by entry: a later entry replaces the earlier one with the same id as a whole,
/// except that `context_window`, `max_output`, `mode`, `deprecation` and `replacement` are kept
/// from the earlier entry when the later one does not give them. `cached_input` is not kept: a
/// negotiated price without a cached-input price is priced without a caching discount.
///
/// # Resolution
/// See [`Catalog::resolve`]. Every name that resolves, lower-cased, starts with one of
/// [`Catalog::prefilter_tokens`]: `resolve` itself rejects any other name after one hash lookup,
/// which is both its fast path for misses and the guarantee that the prefilter is complete.
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

impl Catalog {
    /// A catalog with no entries.
    pub fn empty() -> Catalog {
        Catalog::default()
    }

    /// Applies `other` on top of this catalog, entry by entry (see the type's docs).
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

    /// A costlint pricing file (the shape of `rules/pricing/*.yaml`, prices in USD per 1M
    /// tokens; see `file.rs`).
    pub fn load_pricing_file(display_path: &str, text: &str) -> Result<Catalog, InputError> {
        let models = file::parse_pricing(display_path, text, &format!("file:{display_path}"))?;
        Ok(Catalog::from_models(models))
    }

    /// A LiteLLM `model_prices_and_context_window.json` file (USD per token): its
    /// text-generation entries (`chat`, `responses`, `completion`) that have input and output
    /// token prices.
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

    /// A catalog of these entries (a later duplicate id wins), indexed.
    pub fn from_entries(models: Vec<ModelInfo>) -> Catalog {
        Catalog::from_models(models)
    }

    /// The entry with this exact id.
    pub fn get(&self, id: &str) -> Option<&ModelInfo> {
        self.index.by_key.get(id).map(|&i| &self.models[i as usize])
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// No entries at all.
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

    /// The other entries of the same model on other hosts and routes (`azure/gpt-4o`,
    /// `openrouter/openai/gpt-4o` for `gpt-4o`), sorted by id; `id` itself is not included.
    pub fn routes(&self, id: &str) -> Vec<&ModelInfo> {
        let key = names::same_model_key(id);
        self.models
            .iter()
            .filter(|m| m.id != id && names::same_model_key(&m.id) == key)
            .collect()
    }
}

/// One entry line of a generated pricing file, `  id: { input: 2.5, output: 15, … }` (prices in
/// USD per 1M tokens, limits in tokens; the file gives the provider), as the bundled files'
/// fast reader reads it back. Used by `examples/gen_catalog.rs`.
pub fn generated_line(m: &ModelInfo) -> String {
    format!(
        "  {}: {{ {} }}",
        file::yaml_scalar(&m.id),
        file::Entry::of(m).render()
    )
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

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

use crate::cost::Rate;
use crate::date::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// Prices in USD per 1M tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Price {
    pub input: Rate,
    pub cached_input: Option<Rate>,
    pub output: Rate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    /// The catalog key, e.g. `gpt-5.4`, `claude-sonnet-4-6`, `gemini/gemini-2.5-pro`,
    /// `bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0`.
    pub id: String,
    /// The serving provider, e.g. `openai`, `anthropic`, `gemini`, `vertex_ai`, `bedrock`, `azure`.
    pub provider: String,
    pub price: Price,
    pub context_window: Option<u64>,
    pub max_output: Option<u64>,
    /// `chat`, `responses`, `completion`…, as in the source data.
    pub mode: Option<String>,
    pub deprecation: Option<Date>,
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
    Exact {
        id: String,
    },
    /// Priced as a near entry; `why` says what was dropped or changed
    /// ("snapshot date dropped", "Bedrock region prefix dropped", "fine-tune of gpt-4o-mini"…).
    Approximate {
        id: String,
        why: String,
    },
    /// A private name mapped in the policy's `deployments:`.
    Deployment {
        name: String,
        id: String,
    },
    Unknown,
}

impl Resolution {
    pub fn id(&self) -> Option<&str> {
        match self {
            Resolution::Exact { id }
            | Resolution::Approximate { id, .. }
            | Resolution::Deployment { id, .. } => Some(id),
            Resolution::Unknown => None,
        }
    }
}

pub use imp::*;
mod imp;

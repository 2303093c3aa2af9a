//! Which strings name a model: the catalog and the policy's private deployment names, shared by
//! the byte prefilter and extraction (neither depends on the other for it).

use crate::catalog::{Catalog, Resolution};
use crate::rules::ExtractRules;
use std::collections::BTreeMap;

/// What extraction and the prefilter need to know besides the file: the catalog (is this string
/// a model?) and the policy's private deployment names.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub deployments: &'a BTreeMap<String, String>,
}

impl Context<'_> {
    /// How the catalog resolves `text` as written (aliases, routes, snapshots, deployments).
    pub fn resolve(&self, text: &str) -> Resolution {
        self.catalog.resolve(text, self.deployments)
    }

    /// Could `value`, as a whole string, be reported as a model? See [`is_model_text`].
    pub fn is_model_text(&self, value: &str) -> bool {
        is_model_text(value, &self.resolve(value))
    }
}

/// A value where a model is chosen names a model when the catalog resolves it, or when it
/// looks like one (see [`unknown_model_shaped`]).
pub fn is_model_text(value: &str, resolution: &Resolution) -> bool {
    !matches!(resolution, Resolution::Unknown) || unknown_model_shaped(value)
}

/// An unknown string in a model position is reported as a model only when it looks like one:
/// model-shaped and with a version digit (`gpt-5.44`, `claude-sonet-4-6`), and not the name of
/// an embedding, speech, image or video model (`rules/extract.yaml`). Digit-less names are
/// gateway aliases (`fast`, `bedrock-sonnet`) far more often than models.
pub fn unknown_model_shaped(value: &str) -> bool {
    Catalog::is_model_shaped(value)
        && value.bytes().any(|b| b.is_ascii_digit())
        && !ExtractRules::get().is_non_text_model(value)
}

//! The serving providers of the bundled catalog, written once: each one's family name (the
//! `provider` of its entries), its bundled file `rules/pricing/<family>.yaml`, and its place in
//! the order of preference. `examples/gen_catalog.rs` writes one file per provider listed here.

/// A serving provider family and its bundled pricing file.
pub struct Provider {
    /// The family name: the `provider` of a catalog entry (`openai`, `bedrock`, `vertex_ai`…)
    /// and the stem of its bundled file.
    pub family: &'static str,
    /// The text of `rules/pricing/<family>.yaml` (prices in USD per 1M tokens), compiled in.
    pub text: &'static str,
}

macro_rules! providers {
    ($($family:literal),* $(,)?) => {
        /// Every bundled provider, in the order of preference when one bare name is served by
        /// several: the model maker's own API first, hosts next, resellers last.
        pub const PROVIDERS: &[Provider] = &[$(Provider {
            family: $family,
            text: include_str!(concat!("../../rules/pricing/", $family, ".yaml")),
        }),*];
    };
}

providers!(
    "openai",
    "anthropic",
    "gemini",
    "xai",
    "mistral",
    "deepseek",
    "perplexity",
    "vertex_ai",
    "bedrock",
    "azure",
    "groq",
    "together_ai",
    "openrouter",
);

/// The families that make the models they serve: their entries are the reference for a model's
/// limits when hosts disagree (see `conflicts`).
pub const MAKERS: &[&str] = &[
    "openai",
    "anthropic",
    "gemini",
    "xai",
    "mistral",
    "deepseek",
    "perplexity",
];

/// The bundled family names, in order of preference.
pub fn families() -> impl Iterator<Item = &'static str> {
    PROVIDERS.iter().map(|p| p.family)
}

/// The place of `provider` in the order of preference; unknown providers (a policy's own
/// pricing file may name any) come last.
pub fn rank(provider: &str) -> usize {
    families()
        .position(|f| f == provider)
        .unwrap_or(PROVIDERS.len())
}

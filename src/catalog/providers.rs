//! The serving providers of the bundled catalog, written once: each one's family name (the
//! `provider` of its entries), its bundled file `rules/pricing/<family>.yaml`, and its place in
//! the order of preference. `examples/gen_catalog.rs` writes one file per provider listed here.

/// A serving provider family and its bundled pricing file.
pub struct Provider {
    /// The family name: the `provider` of a catalog entry (`openai`, `bedrock`, `vertex_ai`…)
    /// and the stem of its bundled file.
    pub family: &'static str,
    /// The family makes the models it serves (its own API): its entries are the reference for
    /// a model's limits when hosts disagree (see `conflicts`).
    pub maker: bool,
    /// The text of `rules/pricing/<family>.yaml` (prices in USD per 1M tokens), compiled in.
    pub text: &'static str,
}

macro_rules! provider {
    ($family:literal, $maker:literal) => {
        Provider {
            family: $family,
            maker: $maker,
            text: include_str!(concat!("../../rules/pricing/", $family, ".yaml")),
        }
    };
}

macro_rules! providers {
    (makers: [$($maker:literal),* $(,)?], hosts: [$($host:literal),* $(,)?] $(,)?) => {
        /// Every bundled provider, in the order of preference when one bare name is served by
        /// several: the model makers' own APIs first, hosts next, resellers last.
        pub const PROVIDERS: &[Provider] = &[
            $(provider!($maker, true),)*
            $(provider!($host, false),)*
        ];
    };
}

providers!(
    makers: [
        "openai",
        "anthropic",
        "gemini",
        "xai",
        "mistral",
        "deepseek",
        "perplexity",
    ],
    hosts: [
        "vertex_ai",
        "bedrock",
        "azure",
        "groq",
        "together_ai",
        "openrouter",
    ],
);

/// Whether `family` makes the models it serves (see [`Provider::maker`]).
pub fn is_maker(family: &str) -> bool {
    PROVIDERS.iter().any(|p| p.maker && p.family == family)
}

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

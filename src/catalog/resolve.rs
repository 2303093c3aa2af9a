//! A model name as written in code or configuration → a catalog entry: exact ids and aliases,
//! route prefixes, then the rewrites of [`super::rewrite::REWRITES`].

use super::names::{self, route_of};
use super::{BTreeMap, Catalog, Resolution};

/// Names longer than this are never model ids (the longest bundled id is under 90 bytes).
const MAX_NAME: usize = 128;
/// How many rewrites (`azure/` → data zone → snapshot date…) one resolution may chain.
pub(super) const MAX_DEPTH: u8 = 8;

/// A resolution in progress: the entry and, unless exact, what was changed to get there.
pub(super) struct Hit {
    pub(super) idx: u32,
    pub(super) why: Option<String>,
}

impl Hit {
    /// This hit reached through a rewrite described by `why`.
    pub(super) fn via(self, why: impl Into<String>) -> Hit {
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
    ///    rather than the Vertex AI entry of the same name); order: that of
    ///    [`providers::PROVIDERS`](super::providers::PROVIDERS).
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

    /// Is `raw`, or its last path segment (`openai/GPT-4o` → `GPT-4o`), written exactly as a
    /// catalog name is, letter case included? `MiniMax-M2.7` is; `GPT-5.5` (a display label of
    /// `gpt-5.5`) is not.
    pub fn spells(&self, raw: &str) -> bool {
        let last = raw.rsplit(['/', ':']).next().unwrap_or(raw);
        self.index.names.contains_key(raw) || self.index.names.contains_key(last)
    }

    pub(super) fn id(&self, idx: u32) -> &str {
        &self.models[idx as usize].id
    }

    pub(super) fn provider(&self, idx: u32) -> &str {
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
    pub(super) fn pick(&self, cands: &[u32], hint: Option<&str>, form: &str) -> Hit {
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

    pub(super) fn lookup(&self, s: &str, hint: Option<&str>, depth: u8) -> Option<Hit> {
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
        self.rewrite(s, hint, depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

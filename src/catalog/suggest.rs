//! For names the catalog does not know: the nearest catalog ids, and whether text looks like a
//! model id at all.

use super::names::{self, bare_name, fold, route_of};
use super::Catalog;
use std::collections::HashMap;

impl Catalog {
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

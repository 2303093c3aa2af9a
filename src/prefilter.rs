//! The byte-level prefilter: decides from a file's bytes whether it can hold a model reference
//! or a limit at all. Files it rejects are never parsed, which is most files of most
//! repositories.
//!
//! It must never reject a file that extraction would find something in: its tokens are the
//! catalog's own leading tokens (complete by a catalog test), every limit spelling, the policy's
//! deployment names, and a model key followed by a literal.

use crate::catalog::Catalog;
use crate::lang::Lang;
use crate::rules::{normalize, ExtractRules};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::Regex;
use std::collections::BTreeMap;

pub struct Prefilter {
    tokens: AhoCorasick,
    /// Per token: must it start at a word boundary (short tokens like `o1`)?
    bounded: Vec<bool>,
    /// Per token: is it a vendor prefix (`anthropic.`, `ai21.`) that only counts before a
    /// versioned name (`anthropic.claude-…`, not `anthropic.Anthropic()`)?
    vendor: Vec<bool>,
    code_key: Regex,
    config_key: Regex,
}

/// Tokens this short only count at the start of a word.
const SHORT: usize = 4;

impl Prefilter {
    pub fn new(catalog: &Catalog, deployments: &BTreeMap<String, String>) -> Prefilter {
        // A `provider:` prefix (`openai:`, `ft:`) is followed by a bare model name with a token
        // of its own, and `openai:` alone would match every config that configures an SDK. So prefixes are left out, then added back for
        // the catalog names that no other token covers: the set stays complete by construction.
        let all = catalog.prefilter_tokens();
        let is_prefix = |t: &String| t.ends_with([':', '@']);
        let mut tokens: Vec<String> = all.iter().filter(|t| !is_prefix(t)).cloned().collect();
        // Extraction compares limit names with separators removed, so `max_tokens`, `maxTokens`
        // and `max-tokens` are one: the prefilter looks for each spelling.
        for spelling in &ExtractRules::get().limit_spellings {
            let bare = normalize(spelling);
            let snake = spelling.to_ascii_lowercase();
            tokens.extend([snake.replace('-', "_"), snake.replace('_', "-"), bare]);
        }
        tokens.extend(deployments.keys().map(|s| s.to_ascii_lowercase()));
        let draft = Prefilter::build(tokens.clone());
        for m in catalog.iter() {
            let id = m.id.to_ascii_lowercase();
            if !draft.has_token(id.as_bytes()) {
                if let Some(p) = all
                    .iter()
                    .filter(|t| is_prefix(t) && id.starts_with(t.as_str()))
                    .max_by_key(|t| t.len())
                {
                    tokens.push(p.clone());
                }
            }
        }
        Prefilter::build(tokens)
    }

    fn build(mut tokens: Vec<String>) -> Prefilter {
        tokens.retain(|t| !t.is_empty());
        tokens.sort();
        tokens.dedup();
        let bounded = tokens.iter().map(|t| t.len() <= SHORT).collect();
        let vendor = tokens.iter().map(|t| t.ends_with('.')).collect();
        // The token list is built here from non-empty strings: building cannot fail short of
        // running out of memory.
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&tokens)
            .unwrap_or_else(|e| panic!("prefilter automaton: {e}"));
        let key =
            r#"(?i)(?:model|deployment|engine)[a-z_]*["']?\s*(?::\s*[a-z_][\w\[\]., |]*\s*)?[:=]"#;
        Prefilter {
            tokens: ac,
            bounded,
            vendor,
            code_key: Regex::new(&format!(
                r#"{key}\s*(?:["'`]|os\.|process\.env|getenv|environ)"#
            ))
            .unwrap_or_else(|e| panic!("{e}")),
            config_key: Regex::new(key).unwrap_or_else(|e| panic!("{e}")),
        }
    }

    /// Can `bytes`, a file of format `lang`, hold a model reference or a limit?
    pub fn wants(&self, lang: Lang, bytes: &[u8]) -> bool {
        let key = if lang.is_config() {
            &self.config_key
        } else {
            &self.code_key
        };
        self.has_token(bytes) || key.is_match(bytes)
    }

    fn has_token(&self, bytes: &[u8]) -> bool {
        self.tokens.find_overlapping_iter(bytes).any(|m| {
            let i = m.pattern().as_usize();
            let left_ok = !self.bounded[i]
                || m.start() == 0
                || !bytes[m.start() - 1].is_ascii_alphanumeric() && bytes[m.start() - 1] != b'_';
            left_ok && (!self.vendor[i] || versioned_name_follows(&bytes[m.end()..]))
        })
    }
}

/// `claude-3…`, `j2-mid…`, `v3.2`: a lower-case word, then a `-`; or a word with a digit, then
/// `.` or `:`. Not `chat.completions`, not `Anthropic(`.
fn versioned_name_follows(rest: &[u8]) -> bool {
    let word = rest
        .iter()
        .take(48)
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        .count();
    let digit = rest[..word].iter().any(u8::is_ascii_digit);
    word > 0
        && matches!(rest.get(word), Some(b'-') | Some(b'.' | b':') if digit || rest.get(word) == Some(&b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_model_passes_in_every_format() {
        let catalog = Catalog::builtin();
        let pf = Prefilter::new(catalog, &BTreeMap::new());
        for m in catalog.iter() {
            for text in [format!("x = \"{}\"", m.id), format!("model: {}", m.id)] {
                assert!(pf.wants(Lang::Python, text.as_bytes()), "{text}");
                assert!(pf.wants(Lang::Yaml, text.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn ordinary_code_is_rejected() {
        let pf = Prefilter::new(Catalog::builtin(), &BTreeMap::new());
        let code = "import openai\nclient = openai.OpenAI()\nclass Meta:\n    model = Article\nfoo = 'so1x'\n";
        assert!(!pf.wants(Lang::Python, code.as_bytes()));
        assert!(pf.wants(Lang::Python, b"f(max_tokens=3)"));
        assert!(pf.wants(Lang::Python, b"f(model='my-ft-9')"));
        assert!(pf.wants(Lang::TypeScript, b"x = 'o3'"));
    }
}

//! The byte-level prefilter: decides from a file's bytes whether it can hold a model reference
//! or a limit at all. Files it rejects are never parsed, which is most files of most
//! repositories.
//!
//! It must never reject a file that extraction would find something in: its tokens are the
//! catalog's own leading tokens (complete by a catalog test), every limit spelling, the policy's
//! deployment names, and a model key followed by a literal.

use crate::catalog::Catalog;
use crate::lang::Lang;
use crate::rules::ExtractRules;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::Regex;
use std::collections::BTreeMap;

pub struct Prefilter {
    tokens: AhoCorasick,
    /// Per token: must it start at a word boundary (short tokens like `o1`)?
    bounded: Vec<bool>,
    code_key: Regex,
    config_key: Regex,
}

/// Tokens this short only count at the start of a word.
const SHORT: usize = 4;

impl Prefilter {
    pub fn new(catalog: &Catalog, deployments: &BTreeMap<String, String>) -> Prefilter {
        let mut tokens: Vec<String> = catalog.prefilter_tokens();
        tokens.extend(ExtractRules::get().limit_spellings.iter().map(|s| s.to_ascii_lowercase()));
        tokens.extend(deployments.keys().map(|s| s.to_ascii_lowercase()));
        tokens.retain(|t| !t.is_empty());
        tokens.sort();
        tokens.dedup();
        let bounded = tokens.iter().map(|t| t.len() <= SHORT).collect();
        // The token list is built here from non-empty strings: building cannot fail short of
        // running out of memory.
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&tokens)
            .unwrap_or_else(|e| panic!("prefilter automaton: {e}"));
        let key = r#"(?i)(?:model|deployment|engine)[a-z_]*["']?\s*[:=]"#;
        Prefilter {
            tokens: ac,
            bounded,
            code_key: Regex::new(&format!(r#"{key}\s*(?:["'`]|os\.|process\.env)"#)).unwrap_or_else(|e| panic!("{e}")),
            config_key: Regex::new(key).unwrap_or_else(|e| panic!("{e}")),
        }
    }

    /// Can `bytes`, a file of format `lang`, hold a model reference or a limit?
    pub fn wants(&self, lang: Lang, bytes: &[u8]) -> bool {
        let key = if lang.is_config() { &self.config_key } else { &self.code_key };
        self.has_token(bytes) || key.is_match(bytes)
    }

    fn has_token(&self, bytes: &[u8]) -> bool {
        self.tokens.find_overlapping_iter(bytes).any(|m| {
            !self.bounded[m.pattern().as_usize()]
                || m.start() == 0
                || !bytes[m.start() - 1].is_ascii_alphanumeric() && bytes[m.start() - 1] != b'_'
        })
    }
}

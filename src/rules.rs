//! The extraction data in `rules/extract.yaml`, compiled into the binary and parsed once.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

const EXTRACT_YAML: &str = include_str!("../rules/extract.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtractFile {
    limit_params: Vec<String>,
    model_keys: Vec<String>,
    model_key_suffixes: Vec<String>,
    model_key_excludes: Vec<String>,
    model_value_excludes: Vec<String>,
    env_getters: Vec<String>,
    int_calls: Vec<String>,
    value_methods: Vec<String>,
    provider_id_keys: Vec<String>,
    prose_calls: Vec<String>,
    test_calls: Vec<String>,
    env_blocks: Vec<String>,
    env_entry_name: String,
    env_entry_value: String,
}

/// Names as costlint compares them: see [`normalize`].
#[derive(Debug)]
pub struct ExtractRules {
    /// Every spelling of every limit parameter, lower case: its words joined by `_`, by `-`
    /// and by nothing (`max_tokens`, `max-tokens`, `maxtokens`), so `MAX_TOKENS` and
    /// `maxTokens` match and `max_-tokens` does not. The byte prefilter looks for exactly these.
    limit_forms: HashSet<String>,
    /// The longest of `limit_forms`, in bytes.
    limit_form_max: usize,
    model_keys: HashSet<String>,
    model_key_suffixes: Vec<String>,
    /// [`ExtractRules::model_key_words`].
    key_words: Vec<String>,
    model_key_excludes: Vec<String>,
    model_value_excludes: Vec<String>,
    env_getters: HashSet<String>,
    int_calls: HashSet<String>,
    value_methods: HashSet<String>,
    provider_id_keys: HashSet<String>,
    prose_calls: HashSet<String>,
    test_calls: HashSet<String>,
    env_blocks: HashSet<String>,
    /// The key naming the variable of a Kubernetes environment entry (`name`).
    pub env_entry_name: String,
    /// The key holding the value of a Kubernetes environment entry (`value`).
    pub env_entry_value: String,
}

/// The lower-case spellings of a limit parameter written in `rules/extract.yaml` in snake or
/// camel case: its words joined by `_`, by `-` and by nothing. `maxTokenCount` gives
/// `max_token_count`, `max-token-count` and `maxtokencount`.
fn forms(spelling: &str) -> [String; 3] {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in spelling.chars() {
        if c == '_' || c == '-' || c.is_ascii_uppercase() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if c.is_ascii_uppercase() {
                word.push(c.to_ascii_lowercase());
            }
        } else {
            word.push(c.to_ascii_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    [words.join("_"), words.join("-"), words.concat()]
}

/// Lower case, with `_`, `-` and `.` removed: `max_tokens`, `maxTokens`, `MAX-TOKENS` are one.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_into(&mut out, name);
    out
}

/// Whether `key` can name an environment variable: ASCII letters, digits, `_`, and the `.` and
/// `-` that Kubernetes allows. `SUMMAR"Y_MAX_TOKENS` and `SUMM$RY_MODEL` cannot.
pub fn is_env_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// [`normalize`] into a reused buffer.
pub fn normalize_into(out: &mut String, name: &str) {
    out.clear();
    out.extend(
        name.chars()
            .filter(|c| !matches!(c, '_' | '-' | '.'))
            .flat_map(char::to_lowercase),
    );
}

impl ExtractRules {
    pub fn get() -> &'static ExtractRules {
        static RULES: OnceLock<ExtractRules> = OnceLock::new();
        RULES.get_or_init(|| {
            // The file is part of the binary and covered by a test: a parse failure is a build bug.
            let file: ExtractFile = serde_yaml::from_str(EXTRACT_YAML).unwrap_or_else(|e| {
                panic!("bundled rules/extract.yaml is invalid: {e}");
            });
            ExtractRules::from_file(file)
        })
    }

    fn from_file(f: ExtractFile) -> ExtractRules {
        let set = |v: &[String]| v.iter().map(|s| normalize(s)).collect::<HashSet<_>>();
        let limit_forms: HashSet<String> = f.limit_params.iter().flat_map(|s| forms(s)).collect();
        let model_keys = set(&f.model_keys);
        let model_key_suffixes: Vec<String> =
            f.model_key_suffixes.iter().map(|s| normalize(s)).collect();
        let all: Vec<&String> = model_keys.iter().chain(&model_key_suffixes).collect();
        let mut key_words: Vec<String> = all
            .iter()
            .filter(|k| {
                !all.iter()
                    .any(|o| o.len() < k.len() && k.contains(o.as_str()))
            })
            .map(|k| k.to_string())
            .collect();
        key_words.sort();
        key_words.dedup();
        ExtractRules {
            key_words,
            limit_form_max: limit_forms.iter().map(String::len).max().unwrap_or(0),
            limit_forms,
            model_keys,
            model_key_suffixes,
            model_key_excludes: f.model_key_excludes.iter().map(|s| normalize(s)).collect(),
            model_value_excludes: f
                .model_value_excludes
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            env_getters: f.env_getters.iter().cloned().collect(),
            int_calls: f.int_calls.iter().cloned().collect(),
            value_methods: f.value_methods.iter().cloned().collect(),
            provider_id_keys: f.provider_id_keys.iter().map(|s| normalize(s)).collect(),
            prose_calls: f.prose_calls.iter().cloned().collect(),
            test_calls: f.test_calls.iter().cloned().collect(),
            env_blocks: set(&f.env_blocks),
            env_entry_name: f.env_entry_name,
            env_entry_value: f.env_entry_value,
        }
    }

    /// `max_tokens=` and friends, as a keyword, object key or config key: the name, in any
    /// case, is one of the spellings of [`ExtractRules::limit_forms`].
    pub fn is_limit_param(&self, key: &str) -> bool {
        let mut buf = [0u8; 64];
        if key.len() > self.limit_form_max || key.len() > buf.len() {
            return false;
        }
        let lower = &mut buf[..key.len()];
        lower.copy_from_slice(key.as_bytes());
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(|k| self.limit_forms.contains(k))
    }

    /// An environment variable that holds a limit: a variable name ([`is_env_name`]) that ends
    /// with a spelling of a limit parameter (`OPENAI_MAX_TOKENS`, `SUMMARY_MAX_OUTPUT_TOKENS`).
    pub fn is_limit_env(&self, key: &str) -> bool {
        if !is_env_name(key) {
            return false;
        }
        let k = key.to_ascii_lowercase();
        self.limit_forms.iter().any(|p| k.ends_with(p.as_str()))
    }

    /// Every spelling of the limit parameters, lower case (see the field's docs): what the byte
    /// prefilter looks for, so that it finds every name extraction takes for a limit.
    pub fn limit_forms(&self) -> impl Iterator<Item = &str> {
        self.limit_forms.iter().map(String::as_str)
    }

    /// A key whose value selects a text-generation model. A key written as a dotted path
    /// (`client.deployment_id`, `settings.speech.model`, as [`crate::prefilter::key_span`]
    /// reads it) is one when its last part is one, and no part holds one of
    /// `model_key_excludes`: `data.model` is one, `client.videos.model_id` and
    /// `self.mock_model.name` are not.
    pub fn is_model_key(&self, key: &str) -> bool {
        self.is_model_key_with(key, &normalize(key))
    }

    /// [`ExtractRules::is_model_key`] for a key as written (`raw`) and as [`normalize`]d. The
    /// key must also spell one of [`ExtractRules::model_key_words`] whole, in any case, as the
    /// byte prefilter looks for them: `OPENAI_M-ODEL` normalises like `OPENAI_MODEL` but is no
    /// model key.
    pub fn is_model_key_with(&self, raw: &str, normalized: &str) -> bool {
        let Some((path, last)) = raw.rsplit_once('.') else {
            return self.spells_model_key_word(raw) && self.is_model_key_part(normalized);
        };
        self.spells_model_key_word(last)
            && self.is_model_key_part(&normalize(last))
            && path
                .split('.')
                .filter(|p| !p.is_empty())
                .all(|p| !self.excludes(&normalize(p)))
    }

    /// One part of a key, [`normalize`]d: one of `model_keys`, or ending with one of
    /// `model_key_suffixes`, and holding none of `model_key_excludes`.
    fn is_model_key_part(&self, k: &str) -> bool {
        !self.excludes(k) && self.names_a_model(k)
    }

    /// One part of a key, [`normalize`]d: one of `model_keys`, or ending with one of
    /// `model_key_suffixes`, whatever kind of model it names.
    fn names_a_model(&self, k: &str) -> bool {
        self.model_keys.contains(k)
            || self
                .model_key_suffixes
                .iter()
                .any(|s| k.ends_with(s.as_str()))
    }

    /// A key that would be a model key but names a model that is not a text-generation model
    /// (a part holds one of `model_key_excludes`): `tokenizer_model`, `embedding.model_name`.
    pub fn names_excluded_model(&self, key: &str) -> bool {
        let last = key.rsplit('.').next().unwrap_or(key);
        self.spells_model_key_word(last)
            && self.names_a_model(&normalize(last))
            && key
                .split('.')
                .any(|p| !p.is_empty() && self.excludes(&normalize(p)))
    }

    /// Whether `raw` holds one of [`ExtractRules::model_key_words`], in any case.
    pub fn spells_model_key_word(&self, raw: &str) -> bool {
        self.key_words.iter().any(|w| {
            raw.as_bytes()
                .windows(w.len())
                .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
        })
    }

    /// The normalized key part is empty or names a model that is not a text-generation model.
    fn excludes(&self, k: &str) -> bool {
        k.is_empty()
            || self
                .model_key_excludes
                .iter()
                .any(|x| k.contains(x.as_str()))
    }

    /// An unknown model name that is plainly not a text-generation model (`whisper-1`).
    pub fn is_non_text_model(&self, value: &str) -> bool {
        let v = value.to_ascii_lowercase();
        self.model_value_excludes
            .iter()
            .any(|x| v.contains(x.as_str()))
    }

    /// The shortest words every model key contains (`model`, `deployment`), lower case, for the
    /// prefilter.
    pub fn model_key_words(&self) -> Vec<String> {
        self.key_words.clone()
    }

    /// A YAML key whose value is a container environment (`environment`, `env`), whose
    /// entries bind like a `.env` file.
    pub fn is_env_block(&self, key: &str) -> bool {
        self.env_blocks.contains(&normalize(key))
    }

    /// A key (already normalised) that selects a model when its value names a provider and a
    /// model (`id: anthropic:messages:claude-…`), and is plain data otherwise.
    pub fn is_provider_id_key(&self, key: &str) -> bool {
        self.provider_id_keys.contains(key)
    }

    pub fn is_env_getter(&self, callee: &str) -> bool {
        self.env_getters.contains(callee)
    }

    /// A method call that transforms a value (`x.replace(…)`, `id.split(":")`): its arguments
    /// are not a model.
    pub fn is_value_method(&self, callee: &str) -> bool {
        callee
            .rsplit_once('.')
            .is_some_and(|(_, method)| self.value_methods.contains(method.trim_start_matches('?')))
    }

    /// A call that turns its first argument into a number (`int`, `Number`, `parseInt`).
    pub fn is_int_call(&self, callee: &str) -> bool {
        self.int_calls.contains(callee)
    }

    /// A call whose string arguments are prose (logging, errors) or test names.
    pub fn is_prose_call(&self, callee: &str) -> bool {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        self.prose_calls.contains(callee)
            || self.prose_calls.contains(last)
            || self.test_calls.contains(callee)
            || callee.starts_with("console.")
            || callee.starts_with("logger.")
            || callee.starts_with("logging.")
            || callee.starts_with("log.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_parse_and_match_spellings() {
        let r = ExtractRules::get();
        assert!(r.is_limit_param("max_tokens"));
        assert!(r.is_limit_param("maxOutputTokens"));
        assert!(!r.is_limit_param("max_retries"));
        assert!(r.is_limit_env("OPENAI_MAX_TOKENS"));
        assert!(r.is_limit_env("summary.max-tokens"));
        for not_a_name in ["SUMMAR\"Y_MAX_TOKENS", "A B_MAX_TOKENS", "É_MAX_TOKENS"] {
            assert!(!r.is_limit_env(not_a_name), "{not_a_name}");
        }
        // Spellings, not any string that loses its separators to one.
        for name in [
            "MAX_TOKENS",
            "max-tokens",
            "maxtokens",
            "MaxTokens",
            "max_token_count",
        ] {
            assert!(r.is_limit_param(name), "{name}");
        }
        for name in [
            "max_-tokens",
            "max_completion_toke-ns",
            "maxtok_ens",
            "max.tokens",
        ] {
            assert!(!r.is_limit_param(name), "{name}");
        }
        assert!(r.is_model_key("model"));
        assert!(r.is_model_key("modelName"));
        assert!(r.is_model_key("OPENAI_MODEL"));
        assert!(r.is_model_key("default_model"));
        assert!(!r.is_model_key("embedding_model"));
        assert!(!r.is_model_key("models"));
        assert!(!r.is_model_key("OPENAI_M-ODEL"));
        // Dotted paths: the last part or the whole, and no part a non-text word.
        assert!(r.is_model_key("client.deployment_id"));
        assert!(r.is_model_key("self.cfg.modelId"));
        assert!(!r.is_model_key("client.videos.model_id"));
        assert!(!r.is_model_key("settings.speech.model"));
        assert!(!r.is_model_key("client.models"));
        assert!(r.is_model_key("data.model"));
        assert!(!r.is_model_key("self.mock_model.name"));
        assert!(
            !r.is_model_key("ENGINE"),
            "Django's database ENGINE is not a model"
        );
        assert_eq!(r.model_key_words(), ["deployment", "model"]);
        assert!(r.is_non_text_model("text-embedding-3-small"));
        assert!(!r.is_non_text_model("gpt-5.44"));
        assert!(r.is_prose_call("logger.info"));
        assert!(r.is_prose_call("console.error"));
        assert!(r.is_prose_call("describe"));
        assert!(!r.is_prose_call("client.chat.completions.create"));
        assert!(r.is_env_block("environment"));
        assert!(r.is_env_block("extraEnv"));
        assert!(!r.is_env_block("environments"));
    }
}

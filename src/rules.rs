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
    /// Limit parameter names as written in `rules/extract.yaml` (for the byte prefilter).
    pub limit_spellings: Vec<String>,
    limit_params: HashSet<String>,
    model_keys: HashSet<String>,
    model_key_suffixes: Vec<String>,
    model_key_excludes: Vec<String>,
    model_value_excludes: Vec<String>,
    env_getters: HashSet<String>,
    provider_id_keys: HashSet<String>,
    prose_calls: HashSet<String>,
    test_calls: HashSet<String>,
    env_blocks: HashSet<String>,
    /// The key naming the variable of a Kubernetes environment entry (`name`).
    pub env_entry_name: String,
    /// The key holding the value of a Kubernetes environment entry (`value`).
    pub env_entry_value: String,
}

/// Lower case, with `_`, `-` and `.` removed: `max_tokens`, `maxTokens`, `MAX-TOKENS` are one.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_into(&mut out, name);
    out
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
        ExtractRules {
            limit_params: set(&f.limit_params),
            limit_spellings: f.limit_params.clone(),
            model_keys: set(&f.model_keys),
            model_key_suffixes: f.model_key_suffixes.iter().map(|s| normalize(s)).collect(),
            model_key_excludes: f.model_key_excludes.iter().map(|s| normalize(s)).collect(),
            model_value_excludes: f
                .model_value_excludes
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            env_getters: f.env_getters.iter().cloned().collect(),
            provider_id_keys: f.provider_id_keys.iter().map(|s| normalize(s)).collect(),
            prose_calls: f.prose_calls.iter().cloned().collect(),
            test_calls: f.test_calls.iter().cloned().collect(),
            env_blocks: set(&f.env_blocks),
            env_entry_name: f.env_entry_name,
            env_entry_value: f.env_entry_value,
        }
    }

    /// `max_tokens=` and friends, as a keyword, object key or config key.
    pub fn is_limit_param(&self, key: &str) -> bool {
        self.is_limit_normalized(&normalize(key))
    }

    /// [`ExtractRules::is_limit_param`] for a name already normalised.
    pub fn is_limit_normalized(&self, key: &str) -> bool {
        self.limit_params.contains(key)
    }

    /// An environment variable that holds a limit: `OPENAI_MAX_TOKENS`, `SUMMARY_MAX_OUTPUT_TOKENS`.
    pub fn is_limit_env(&self, key: &str) -> bool {
        let k = normalize(key);
        self.limit_params.iter().any(|p| k.ends_with(p.as_str()))
    }

    /// A key whose value selects a text-generation model.
    pub fn is_model_key(&self, key: &str) -> bool {
        self.is_model_key_normalized(&normalize(key))
    }

    /// [`ExtractRules::is_model_key`] for a name already normalised.
    pub fn is_model_key_normalized(&self, k: &str) -> bool {
        if k.is_empty()
            || self
                .model_key_excludes
                .iter()
                .any(|x| k.contains(x.as_str()))
        {
            return false;
        }
        self.model_keys.contains(k)
            || self
                .model_key_suffixes
                .iter()
                .any(|s| k.ends_with(s.as_str()))
    }

    /// An unknown model name that is plainly not a text-generation model (`whisper-1`).
    pub fn is_non_text_model(&self, value: &str) -> bool {
        let v = value.to_ascii_lowercase();
        self.model_value_excludes
            .iter()
            .any(|x| v.contains(x.as_str()))
    }

    /// The shortest words every model key contains (`model`, `deployment`), for the prefilter.
    pub fn model_key_words(&self) -> Vec<String> {
        let all: Vec<&String> = self
            .model_keys
            .iter()
            .chain(&self.model_key_suffixes)
            .collect();
        let mut words: Vec<String> = all
            .iter()
            .filter(|k| {
                !all.iter()
                    .any(|o| o.len() < k.len() && k.contains(o.as_str()))
            })
            .map(|k| k.to_string())
            .collect();
        words.sort();
        words.dedup();
        words
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
        assert!(r.is_model_key("model"));
        assert!(r.is_model_key("modelName"));
        assert!(r.is_model_key("OPENAI_MODEL"));
        assert!(r.is_model_key("default_model"));
        assert!(!r.is_model_key("embedding_model"));
        assert!(!r.is_model_key("models"));
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

//! The byte-level prefilter: decides from a file's bytes whether it can hold a model reference
//! or a limit at all. Files it rejects are never parsed, which is most files of most
//! repositories.
//!
//! It must never reject a file that extraction would find something in (a test compares a
//! full parse with a filtered one). It looks for:
//! - a model name token (the catalog's leading tokens, `gpt-`, `claude-`…, and the policy's
//!   deployment names) where a whole string value can start: after a quote or a provider
//!   separator in code and JSON, at a word start in YAML and `.env`. In code and JSON the whole
//!   quoted value around the token must resolve in the catalog, as extraction only takes whole
//!   values (`"openai/gpt-4o"` does; `'./claude-code-bridge'` does not);
//! - any spelling of a limit parameter (`max_tokens`, `maxOutputTokens`…) given a value;
//! - a model key followed by a model-shaped literal or an environment lookup, where extraction
//!   reports names the catalog does not know.
//!
//! None of these counts on a comment line (`# …`, `// …`, or a line of a `/* … */` block):
//! extraction never reads comments, and documentation comments are full of model names.

use crate::catalog::Catalog;
use crate::extract::Context;
use crate::lang::Lang;
use crate::rules::{normalize, ExtractRules};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::Regex;
use std::collections::BTreeMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A model name, or its start.
    Model,
    /// A vendor prefix (`anthropic.`, `ai21.`) that only counts before a versioned name
    /// (`anthropic.claude-…`, not `anthropic.Anthropic()`).
    Vendor,
    /// A limit parameter: an identifier or key, counted anywhere.
    Limit,
}

pub struct Prefilter {
    tokens: AhoCorasick,
    /// Words that mark where a model may be chosen through a name (`model=MODEL`).
    keys: AhoCorasick,
    kinds: Vec<Kind>,
    code_key: Regex,
    config_key: Regex,
}

impl Prefilter {
    pub fn new(catalog: &Catalog, deployments: &BTreeMap<String, String>) -> Prefilter {
        // A `provider:` prefix (`openai:`, `ft:`) is followed by a bare model name with a token
        // of its own, and `openai:` alone would match every config that configures an SDK. So
        // such prefixes are left out, then added back for the catalog names that no other token
        // covers: the set stays complete by construction.
        let all = catalog.prefilter_tokens();
        let is_prefix = |t: &String| t.ends_with([':', '@']);
        let mut models: Vec<String> = all.iter().filter(|t| !is_prefix(t)).cloned().collect();
        models.extend(deployments.keys().map(|s| s.to_ascii_lowercase()));
        // Extraction compares limit names with separators removed, so `max_tokens`, `maxTokens`
        // and `max-tokens` are one: the prefilter looks for each spelling.
        let mut limits = Vec::new();
        for spelling in &ExtractRules::get().limit_spellings {
            let snake = spelling.to_ascii_lowercase();
            limits.extend([
                snake.replace('-', "_"),
                snake.replace('_', "-"),
                normalize(spelling),
            ]);
        }
        let draft = Prefilter::build(&models, &limits, None);
        let cx = Context {
            catalog,
            deployments,
        };
        for m in catalog.iter() {
            let id = m.id.to_ascii_lowercase();
            if !draft.wants(&cx, Lang::Python, format!("\"{id}\"").as_bytes()) {
                let prefix = all
                    .iter()
                    .filter(|t| is_prefix(t) && id.starts_with(t.as_str()));
                if let Some(p) = prefix.max_by_key(|t| t.len()) {
                    models.push(p.clone());
                }
            }
        }
        // Every file's bytes go through this automaton: a DFA is the fastest kind to run, at a
        // few milliseconds more to build.
        Prefilter::build(&models, &limits, Some(AhoCorasickKind::DFA))
    }

    fn build(models: &[String], limits: &[String], kind: Option<AhoCorasickKind>) -> Prefilter {
        let mut tokens: BTreeMap<&str, Kind> = BTreeMap::new();
        for t in models.iter().filter(|t| !t.is_empty()) {
            tokens.insert(
                t,
                if t.ends_with('.') {
                    Kind::Vendor
                } else {
                    Kind::Model
                },
            );
        }
        for t in limits.iter().filter(|t| !t.is_empty()) {
            tokens.insert(t, Kind::Limit);
        }
        // Built from non-empty strings: building cannot fail short of running out of memory.
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(tokens.keys())
            .unwrap_or_else(|e| panic!("prefilter automaton: {e}"));
        // A name the catalog does not know is only reported when it is model-shaped with a
        // version digit and written as the value of a model key (or an environment default):
        // `model="acme-llm-7"`, `MODEL: str = "x-9"`, `model: acme-7`, `model=os.getenv(…)`.
        // `model_name="page"` in a Django migration is not, and such files are not parsed.
        let words = ExtractRules::get().model_key_words();
        let key = format!(r#"(?i)(?:{})[a-z_.-]*["']?\s*"#, words.join("|"));
        let annotation = r#"(?::\s*[a-z_][\w\[\]., |]*\s*)?"#;
        let versioned = r#"[a-z0-9._/:@+-]*[0-9]"#;
        let code = format!(
            r#"{key}{annotation}[:=]\s*(?:["'`](?P<value>{versioned})|os\.|process\.env|getenv|environ)"#
        );
        let config = format!(r#"{key}[:=]\s*["']?(?P<value>{versioned})"#);
        let keys = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&words)
            .unwrap_or_else(|e| panic!("prefilter automaton: {e}"));
        Prefilter {
            tokens: ac,
            keys,
            kinds: tokens.into_values().collect(),
            code_key: Regex::new(&code).unwrap_or_else(|e| panic!("{e}")),
            config_key: Regex::new(&config).unwrap_or_else(|e| panic!("{e}")),
        }
    }

    /// Can `bytes`, a file of format `lang`, hold a model reference or a limit?
    pub fn wants(&self, cx: &Context, lang: Lang, bytes: &[u8]) -> bool {
        self.tokens
            .find_overlapping_iter(bytes)
            .any(|m| self.token_ok(cx, lang, &m, bytes))
            || self.has_model_key(cx, lang, bytes)
    }

    /// Every place in a file the extractor must look at: model and limit tokens, model keys
    /// with literals, and any mention of a model key word (a site may choose its model through
    /// a name: `model=MODEL`). Sorted. Syntax subtrees holding none of them need no walk.
    pub fn hits(&self, cx: &Context, lang: Lang, bytes: &[u8]) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .tokens
            .find_overlapping_iter(bytes)
            .filter(|m| self.token_ok(cx, lang, m, bytes))
            .map(|m| m.start())
            .collect();
        hits.extend(self.keys.find_iter(bytes).map(|m| m.start()));
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    fn key(&self, lang: Lang) -> &Regex {
        if lang.has_unquoted_values() {
            &self.config_key
        } else {
            &self.code_key
        }
    }

    /// A model key given a model-shaped literal or an environment lookup, outside comments.
    fn has_model_key(&self, cx: &Context, lang: Lang, bytes: &[u8]) -> bool {
        self.key(lang).captures_iter(bytes).any(|c| {
            let Some(whole) = c.get(0) else { return false };
            if in_comment(lang, bytes, whole.start()) {
                return false;
            }
            // The whole key: the identifier the key word ends (`default_model`, `OPENAI_MODEL`)
            // and whatever follows it (`model_name`, `modelId`).
            let head = bytes[..whole.start()]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            let tail = bytes[whole.start()..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                .count();
            let key = &bytes[whole.start() - head..whole.start() + tail];
            if !std::str::from_utf8(key).is_ok_and(|k| ExtractRules::get().is_model_key(k)) {
                return false;
            }
            let Some(value) = c.name("value") else {
                return true; // an environment lookup: its default decides
            };
            let run = bytes[value.start()..]
                .iter()
                .take(200)
                .take_while(|&&b| is_name_byte(b))
                .count();
            std::str::from_utf8(&bytes[value.start()..value.start() + run])
                .is_ok_and(|v| cx.is_model_text(v))
        })
    }

    fn token_ok(&self, cx: &Context, lang: Lang, m: &aho_corasick::Match, bytes: &[u8]) -> bool {
        if in_comment(lang, bytes, m.start()) {
            return false;
        }
        let kind = self.kinds[m.pattern().as_usize()];
        if kind == Kind::Limit {
            // A limit is given a value: `max_tokens=`, `"max_tokens":`, `maxTokens: `,
            // `OPENAI_MAX_TOKENS=`; not a type like `max_tokens?: number` or prose.
            let rest = &bytes[m.end()..];
            let name_tail = rest
                .iter()
                .take(64)
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            let rest = &rest[name_tail..];
            let quote = usize::from(matches!(rest.first(), Some(b'"' | b'\'')));
            let gap = rest[quote..]
                .iter()
                .take(16)
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            return matches!(rest.get(quote + gap), Some(b':' | b'='));
        }
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = &bytes[m.end()..];
        if kind == Kind::Vendor && !versioned_name_follows(after) {
            return false;
        }
        if lang.has_unquoted_values() {
            // YAML and .env values may be unquoted (`model: gpt-4o`): a word start is enough.
            return before.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_');
        }
        // In code and JSON a model name is a whole string value, maybe behind a provider prefix
        // (`"openai/gpt-4o"`, `'us.anthropic.claude-…'`, `"openai:o3"`)...
        let starts_value = matches!(before, Some(b'"' | b'\'' | b'`' | b'/' | b'.' | b':'));
        // ...that runs to its closing quote.
        let run = after
            .iter()
            .take(200)
            .take_while(|&&b| is_name_byte(b))
            .count();
        if !(starts_value && matches!(after.get(run), Some(b'"' | b'\'' | b'`'))) {
            return false;
        }
        // ...and may name a model as a whole (extraction's own test): not
        // `'./claude-code-bridge'`, `"openai/resources/chat"`.
        let head = bytes[..m.start()]
            .iter()
            .rev()
            .take(200)
            .take_while(|&&b| is_name_byte(b))
            .count();
        let open = m.start() - head;
        if !matches!(
            open.checked_sub(1).map(|i| bytes[i]),
            Some(b'"' | b'\'' | b'`')
        ) {
            return true; // more than a name in the string: leave it to extraction
        }
        std::str::from_utf8(&bytes[open..m.end() + run]).is_ok_and(|value| cx.is_model_text(value))
    }
}

/// Is `at` on a comment line: `# …` (Python, YAML, .env), or `// …` or a line of a
/// `/* … */` block (JavaScript family)? Only whole lines count, so a string that holds `#` or
/// `//` never hides what follows it.
fn in_comment(lang: Lang, bytes: &[u8], at: usize) -> bool {
    let start = line_start(bytes, at);
    let line = trim_start(&bytes[start..at]);
    match lang {
        Lang::Python | Lang::Yaml | Lang::Env => line.first() == Some(&b'#'),
        Lang::Json => false,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            if line.starts_with(b"//") {
                return true;
            }
            if contains(line, b"*/") {
                return false;
            }
            if line.starts_with(b"/*") {
                return true;
            }
            if line.first() != Some(&b'*') {
                return false;
            }
            // A ` * ` line is a comment only inside a block opened by a `/*` line above it
            // (not a multiplication or a generator method that happens to start a line).
            let mut end = start;
            while end > 0 {
                let s = line_start(bytes, end - 1);
                let above = trim_start(&bytes[s..end - 1]);
                if contains(above, b"*/") {
                    return false;
                }
                if above.starts_with(b"/*") {
                    return true;
                }
                if above.first() != Some(&b'*') {
                    return false;
                }
                end = s;
            }
            false
        }
    }
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    &s[n..]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Bytes a model name is made of.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'/' | b':' | b'@' | b'+')
}

/// `claude-3…`, `j2-mid…`, `claude"`, `v3.2`: a lower-case word, then a `-` or the end of the
/// string; or a word with a digit, then `.` or `:`. Not `chat.completions`, not `Anthropic(`.
fn versioned_name_follows(rest: &[u8]) -> bool {
    let word = rest
        .iter()
        .take(48)
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        .count();
    let digit = rest[..word].iter().any(u8::is_ascii_digit);
    let next = rest.get(word);
    word > 0
        && (matches!(next, Some(b'-' | b'"' | b'\'' | b'`'))
            || digit && matches!(next, Some(b'.' | b':')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_model_passes_in_every_format() {
        let catalog = Catalog::builtin();
        let deployments = BTreeMap::new();
        let cx = Context {
            catalog,
            deployments: &deployments,
        };
        let pf = Prefilter::new(catalog, &deployments);
        for m in catalog.iter() {
            for text in [format!("x = \"{}\"", m.id), format!("y('{}')", m.id)] {
                assert!(pf.wants(&cx, Lang::Python, text.as_bytes()), "{text}");
                assert!(pf.wants(&cx, Lang::TypeScript, text.as_bytes()), "{text}");
            }
            for text in [
                format!("model: {}", m.id),
                format!("- {}\n", m.id),
                format!("X={}", m.id),
            ] {
                assert!(pf.wants(&cx, Lang::Yaml, text.as_bytes()), "{text}");
                assert!(pf.wants(&cx, Lang::Env, text.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn ordinary_code_and_prose_are_rejected() {
        let deployments = BTreeMap::new();
        let cx = Context {
            catalog: Catalog::builtin(),
            deployments: &deployments,
        };
        let pf = Prefilter::new(Catalog::builtin(), &deployments);
        let code = "import openai\nclient = openai.OpenAI()\nclass Meta:\n    model = Article\nfoo = 'so1x'\n";
        assert!(!pf.wants(&cx, Lang::Python, code.as_bytes()));
        assert!(!pf.wants(
            &cx,
            Lang::Python,
            b"# we moved to gpt-4o last year\nx = 'runs on gpt-4o daily'\n"
        ));
        assert!(!pf.wants(&cx, Lang::Python, b"f\"gpt-{version}\""));
        assert!(!pf.wants(&cx, Lang::Python, b"AddField(model_name='page')"));
        assert!(!pf.wants(&cx, Lang::Yaml, b"model: page\n"));
        assert!(pf.wants(&cx, Lang::Python, b"f(max_tokens=3)"));
        assert!(pf.wants(&cx, Lang::Python, b"f(max_tokens = n)"));
        assert!(pf.wants(&cx, Lang::Json, b"{\"max_tokens\": 3}"));
        assert!(pf.wants(&cx, Lang::Env, b"OPENAI_MAX_TOKENS_LIMIT=3"));
        assert!(pf.wants(&cx, Lang::TypeScript, b"{ maxOutputTokens: 3 }"));
        assert!(!pf.wants(
            &cx,
            Lang::TypeScript,
            b"interface O { max_tokens?: number }"
        ));
        assert!(!pf.wants(&cx, Lang::Python, b"# set max_tokens to bound the reply"));
        assert!(pf.wants(&cx, Lang::Python, b"f(model='my-ft-9')"));
        assert!(pf.wants(&cx, Lang::Python, b"MODEL: str = 'acme-7'"));
        assert!(pf.wants(&cx, Lang::Yaml, b"llm:\n  model: acme-7\n"));
        assert!(pf.wants(&cx, Lang::TypeScript, b"x = 'o3'"));
        assert!(pf.wants(&cx, Lang::TypeScript, b"x = \"openai/gpt-4o\""));
        assert!(pf.wants(
            &cx,
            Lang::Python,
            b"x = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'"
        ));
    }

    #[test]
    fn comment_lines_never_count() {
        let deployments = BTreeMap::new();
        let cx = Context {
            catalog: Catalog::builtin(),
            deployments: &deployments,
        };
        let pf = Prefilter::new(Catalog::builtin(), &deployments);
        let rejected: &[(Lang, &str)] = &[
            (
                Lang::Python,
                "    # client(model=\"gpt-4o\", max_tokens=10)\n",
            ),
            (Lang::TypeScript, "// generateText({ model: 'gpt-4o' })\n"),
            (
                Lang::TypeScript,
                "/**\n * new ChatOpenAI({ model: \"gpt-4o\" })\n */\n",
            ),
            (
                Lang::TypeScript,
                "  /* model: \"acme-7\", maxTokens: 5 */\n",
            ),
            (Lang::Yaml, "# model: gpt-4o\n"),
            (Lang::Env, "# OPENAI_MODEL=gpt-4o\n"),
        ];
        for (lang, text) in rejected {
            assert!(!pf.wants(&cx, *lang, text.as_bytes()), "{text}");
        }
        // Code on the same line, or a `*` line that is not inside a block comment, still counts.
        let kept: &[(Lang, &str)] = &[
            (Lang::Python, "x = 'gpt-4o'  # the default\n"),
            (Lang::TypeScript, "/* default */ const m = 'gpt-4o';\n"),
            (Lang::TypeScript, "const cost = rate\n  * f('gpt-4o');\n"),
            (Lang::TypeScript, "/** doc */\n* gen() { yield 'gpt-4o' }\n"),
            (Lang::Json, "{\"//\": 1,\n\"model\": \"gpt-4o\"}"),
        ];
        for (lang, text) in kept {
            assert!(pf.wants(&cx, *lang, text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn a_token_counts_only_in_a_value_that_may_name_a_model() {
        let deployments = BTreeMap::from([("prod-chat".to_string(), "gpt-4o".to_string())]);
        let catalog = Catalog::builtin();
        let cx = Context {
            catalog,
            deployments: &deployments,
        };
        let pf = Prefilter::new(catalog, &deployments);
        for text in [
            "import { x } from './claude-code-bridge';",
            "const dir = '/sandbox/claude-code-session';",
            "import type { R } from 'openai/resources/responses';",
            "f(model_name='embedding-001')",
            "x = {'model-specification-version': '4'}",
        ] {
            assert!(!pf.wants(&cx, Lang::TypeScript, text.as_bytes()), "{text}");
        }
        for text in [
            "f('openai/gpt-4o')",
            "f(\"anthropic:claude-sonnet-4-5\")",
            "model: fields?.model || \"grok-9-fast\",",
            "f('prod-chat')",
            "const label = 'see docs/gpt-4o'",
        ] {
            assert!(pf.wants(&cx, Lang::TypeScript, text.as_bytes()), "{text}");
        }
    }
}

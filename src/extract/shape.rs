//! Shapes of code and config that name a model without configuring a request: comparisons,
//! lookups, token counters, test assertions, mocks, response objects, metadata, model tables,
//! recorded data and config aliases. A model name in one of them is a reference at most, never
//! a call site; a limit in one is not checked. The names that decide a shape are data, in
//! `rules/shapes.yaml`; test code (`test_paths`) is decided here too, but is still a site.

use crate::rules::normalize;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

const SHAPES_YAML: &str = include_str!("../../rules/shapes.yaml");

/// Why a model name is not a call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// `model == "gpt-4o"`, `name.startsWith("gpt-4")`, `case "gpt-4o":`.
    Comparison,
    /// A helper that looks a name up or tests it: `isReasoningModel("o3")`, `PRICES.get("gpt-4o")`.
    Lookup,
    /// A tokenizer or token counter: `tiktoken.encoding_for_model("gpt-4")`.
    TokenCounter,
    /// A test assertion or an expected value: `expect(id).toBe("grok-3")`, `expected = {…}`.
    Assertion,
    /// A mock or stand-in model: `new MockLanguageModelV2({…})`.
    Mock,
    /// A response object built by hand: `ChatCompletion(model="gpt-4", choices=[…])`.
    Response,
    /// Metadata recorded about a run: `ls_model_name`, `response_metadata`, `meta`.
    Metadata,
    /// A capability, profile, pricing or context-window table.
    Table,
    /// Recorded data: saved responses, cassettes, snapshots, result files.
    Recorded,
    /// A config alias for a model routed elsewhere: LiteLLM's `model_name`.
    Alias,
    /// Text of an `assert`, `raise` or `throw` statement: a message, never a reference.
    Prose,
    /// Code that only declares types and never runs: `if TYPE_CHECKING:`, `declare`, `.pyi`.
    TypeOnly,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    prefixes: Vec<String>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Responses {
    types: Vec<String>,
    keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    keys: Vec<String>,
    #[serde(default)]
    key_prefixes: Vec<String>,
    #[serde(default)]
    code_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapesFile {
    string_tests: Words,
    default_getters: Vec<String>,
    lookups: Words,
    token_counters: Words,
    assertions: Words,
    mocks: Words,
    responses: Responses,
    metadata: Keys,
    tables: Keys,
    recorded: Keys,
    recorded_paths: Vec<String>,
    type_only_paths: Vec<String>,
    pricing_model_keys: Vec<String>,
    alias_keys: Vec<String>,
    test_paths: Vec<String>,
}

/// `rules/shapes.yaml`, with every name normalised (see [`normalize`]).
pub struct ShapeRules {
    string_tests: HashSet<String>,
    default_getters: HashSet<String>,
    lookup_prefixes: Vec<String>,
    lookup_contains: Vec<String>,
    token_contains: Vec<String>,
    assertion_exact: HashSet<String>,
    assertion_prefixes: Vec<String>,
    stand_in_names: Vec<String>,
    mock_prefixes: Vec<String>,
    response_types: HashSet<String>,
    response_keys: HashSet<String>,
    metadata_keys: HashSet<String>,
    table_keys: HashSet<String>,
    table_key_prefixes: Vec<String>,
    table_code_keys: HashSet<String>,
    recorded_keys: HashSet<String>,
    pricing_model_keys: HashSet<String>,
    alias_keys: HashSet<String>,
    recorded_paths: GlobSet,
    type_only_paths: GlobSet,
    test_paths: GlobSet,
}

fn norm_all(v: &[String]) -> Vec<String> {
    v.iter().map(|s| normalize(s)).collect()
}

fn norm_set(v: &[String]) -> HashSet<String> {
    v.iter().map(|s| normalize(s)).collect()
}

/// A set of globs matched without regard to case.
fn globs(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // The file is part of the binary and covered by a test: a bad glob is a build bug.
        match GlobBuilder::new(p).case_insensitive(true).build() {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => panic!("bundled rules/shapes.yaml: bad glob `{p}`: {e}"),
        }
    }
    b.build()
        .unwrap_or_else(|e| panic!("bundled rules/shapes.yaml: {e}"))
}

impl ShapeRules {
    /// The bundled rules, parsed once.
    pub fn get() -> &'static ShapeRules {
        static RULES: OnceLock<ShapeRules> = OnceLock::new();
        RULES.get_or_init(|| {
            let f: ShapesFile = serde_yaml::from_str(SHAPES_YAML)
                .unwrap_or_else(|e| panic!("bundled rules/shapes.yaml is invalid: {e}"));
            ShapeRules {
                string_tests: norm_set(&f.string_tests.exact),
                default_getters: norm_set(&f.default_getters),
                lookup_prefixes: norm_all(&f.lookups.prefixes),
                lookup_contains: norm_all(&f.lookups.contains),
                token_contains: norm_all(&f.token_counters.contains),
                assertion_exact: norm_set(&f.assertions.exact),
                assertion_prefixes: norm_all(&f.assertions.prefixes),
                stand_in_names: norm_all(&f.assertions.names),
                mock_prefixes: norm_all(&f.mocks.prefixes),
                response_types: f.responses.types.iter().cloned().collect(),
                response_keys: norm_set(&f.responses.keys),
                metadata_keys: norm_set(&f.metadata.keys),
                table_keys: norm_set(&f.tables.keys),
                table_key_prefixes: norm_all(&f.tables.key_prefixes),
                table_code_keys: norm_set(&f.tables.code_keys),
                recorded_keys: norm_set(&f.recorded.keys),
                pricing_model_keys: norm_set(&f.pricing_model_keys),
                alias_keys: norm_set(&f.alias_keys),
                recorded_paths: globs(&f.recorded_paths),
                type_only_paths: globs(&f.type_only_paths),
                test_paths: globs(&f.test_paths),
            }
        })
    }

    /// The shape a call gives everything inside it, from its callee as written
    /// (`expect(x).toBe`, `tiktoken.encoding_for_model`, `new MockModel`).
    pub fn of_call(&self, callee: &str) -> Option<Shape> {
        let last = last_name(callee);
        if self.response_types.contains(last) {
            return Some(Shape::Response);
        }
        let n = normalize(last);
        let starts = |list: &[String]| list.iter().any(|p| n.starts_with(p.as_str()));
        let has = |list: &[String]| list.iter().any(|p| n.contains(p.as_str()));
        if self.assertion_exact.contains(&n) || starts(&self.assertion_prefixes) {
            Some(Shape::Assertion)
        } else if starts(&self.mock_prefixes) {
            Some(Shape::Mock)
        } else if has(&self.token_contains) {
            Some(Shape::TokenCounter)
        } else if self.string_tests.contains(&n) {
            Some(Shape::Comparison)
        } else if starts(&self.lookup_prefixes) || has(&self.lookup_contains) {
            Some(Shape::Lookup)
        } else {
            None
        }
    }

    /// Is the callee a lookup with a default (`cfg.get("model", "gpt-4o")`)?
    pub fn is_default_getter(&self, callee: &str) -> bool {
        self.default_getters.contains(&normalize(last_name(callee)))
    }

    /// The shape a key (already normalised) gives its value: metadata (`response_metadata`,
    /// `ls_model_name`) or an expected value or stand-in (`expected`, `mockResponse`).
    pub fn of_key(&self, key: &str) -> Option<Shape> {
        if self.metadata_keys.contains(key) {
            Some(Shape::Metadata)
        } else if self.is_stand_in_name(key) {
            Some(Shape::Assertion)
        } else {
            None
        }
    }

    /// A name (already normalised) that says its value is expected output or a stand-in:
    /// `expected_request`, `mockResponse`, `fake_llm`.
    pub fn is_stand_in_name(&self, name: &str) -> bool {
        self.stand_in_names
            .iter()
            .any(|p| name.starts_with(p.as_str()))
    }

    /// The shape that a key (already normalised) beside a model key gives the mapping holding
    /// both: a response (`choices`, `usage`), recorded results (`pass_rate`) or a table entry
    /// (`pricing`, `contextWindow`). `code` is true for code, where display and context-window
    /// keys also mark a table.
    pub fn of_sibling_key(&self, key: &str, code: bool) -> Option<Shape> {
        if self.response_keys.contains(key) {
            Some(Shape::Response)
        } else if self.recorded_keys.contains(key) {
            Some(Shape::Recorded)
        } else if self.table_keys.contains(key)
            || self
                .table_key_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
            || (code && self.table_code_keys.contains(key))
        {
            Some(Shape::Table)
        } else {
            None
        }
    }

    /// A key (already normalised) that prices its sibling site rather than being a site:
    /// LiteLLM's `base_model`.
    pub fn is_pricing_model_key(&self, key: &str) -> bool {
        self.pricing_model_keys.contains(key)
    }

    /// A key (already normalised) that names a public alias when its mapping also holds a
    /// mapping that names a model: LiteLLM's `model_name`.
    pub fn is_alias_key(&self, key: &str) -> bool {
        self.alias_keys.contains(key)
    }

    /// A file of recorded data (cassettes, snapshots, result files), by its relative path.
    pub fn is_recorded_path(&self, rel: &str) -> bool {
        self.recorded_paths.is_match(rel)
    }

    /// A file that only declares types (`.pyi`, `.d.ts`), by its relative path.
    pub fn is_type_only_path(&self, rel: &str) -> bool {
        self.type_only_paths.is_match(rel)
    }

    /// A file of test code (`tests/`, `__tests__/`, `test_*.py`, `*.test.ts`…), by its
    /// relative path.
    pub fn is_test_path(&self, rel: &str) -> bool {
        self.test_paths.is_match(rel)
    }
}

/// The last name of a callee as written: `toBe` in `expect(x).toBe`, `Foo` in `new a.Foo`.
fn last_name(callee: &str) -> &str {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    // Past the character found, whatever its width (`é`, or the replacement character that
    // stands for invalid UTF-8).
    let after = |(i, c): (usize, char)| i + c.len_utf8();
    let end = callee
        .char_indices()
        .rev()
        .find(|&(_, c)| is_name(c))
        .map_or(0, after);
    let head = &callee[..end];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_name(c))
        .map_or(0, after);
    &head[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static ShapeRules {
        ShapeRules::get()
    }

    #[test]
    fn last_names_end_on_character_boundaries() {
        assert_eq!(last_name("expect(x).toBe"), "toBe");
        assert_eq!(last_name("new a.Foo"), "Foo");
        assert_eq!(last_name("client.chat.completions\u{fffd}create"), "create");
        assert_eq!(last_name("client.cre\u{fffd}te"), "te");
        assert_eq!(last_name("f\u{e9}\u{fffd}"), "f\u{e9}");
        assert_eq!(last_name("\u{fffd}"), "");
    }

    #[test]
    fn last_names_of_callees() {
        assert_eq!(last_name("expect(model.modelId).toBe"), "toBe");
        assert_eq!(
            last_name("tiktoken.encoding_for_model"),
            "encoding_for_model"
        );
        assert_eq!(last_name("ChatCompletion"), "ChatCompletion");
        assert_eq!(last_name("a?.b!"), "b");
    }

    #[test]
    fn comparisons_and_string_tests() {
        assert_eq!(rules().of_call("modelId.includes"), Some(Shape::Comparison));
        assert_eq!(rules().of_call("name.startswith"), Some(Shape::Comparison));
    }

    #[test]
    fn lookups() {
        assert_eq!(rules().of_call("isReasoningModel"), Some(Shape::Lookup));
        assert_eq!(
            rules().of_call("litellm.get_model_info"),
            Some(Shape::Lookup)
        );
        assert_eq!(rules().of_call("supports_vision"), Some(Shape::Lookup));
        assert_eq!(
            rules().of_call("gateway.getSpendReport"),
            Some(Shape::Lookup)
        );
        assert_eq!(rules().of_call("_get_telemetry_data"), Some(Shape::Lookup));
        assert!(rules().is_default_getter("kwargs.get"));
        assert_eq!(rules().of_call("kwargs.get"), None);
    }

    #[test]
    fn token_counters() {
        assert_eq!(
            rules().of_call("tiktoken.encoding_for_model"),
            Some(Shape::TokenCounter)
        );
        assert_eq!(rules().of_call("TokenCounter"), Some(Shape::TokenCounter));
        assert_eq!(
            rules().of_call("client.messages.count_tokens"),
            Some(Shape::TokenCounter)
        );
    }

    #[test]
    fn assertions_and_expected_values() {
        assert_eq!(
            rules().of_call("expect(model.modelId).toBe"),
            Some(Shape::Assertion)
        );
        assert_eq!(
            rules().of_call("mock_create.assert_called_once_with"),
            Some(Shape::Assertion)
        );
        assert_eq!(rules().of_key("expectedrequest"), Some(Shape::Assertion));
    }

    #[test]
    fn mocks() {
        assert_eq!(
            rules().of_call("new MockLanguageModelV2"),
            Some(Shape::Mock)
        );
        assert_eq!(rules().of_call("FakeListChatModel"), Some(Shape::Mock));
    }

    #[test]
    fn responses() {
        assert_eq!(rules().of_call("ChatCompletion"), Some(Shape::Response));
        assert_eq!(
            rules().of_sibling_key("choices", false),
            Some(Shape::Response)
        );
    }

    #[test]
    fn metadata() {
        assert_eq!(rules().of_key("lsmodelname"), Some(Shape::Metadata));
        assert_eq!(rules().of_key("responsemetadata"), Some(Shape::Metadata));
    }

    #[test]
    fn tables() {
        assert_eq!(rules().of_sibling_key("pricing", false), Some(Shape::Table));
        assert_eq!(
            rules().of_sibling_key("supportsvision", false),
            Some(Shape::Table)
        );
        assert_eq!(
            rules().of_sibling_key("contextwindow", true),
            Some(Shape::Table)
        );
        assert_eq!(rules().of_sibling_key("contextwindow", false), None);
    }

    #[test]
    fn recorded_and_test_paths() {
        assert_eq!(
            rules().of_sibling_key("passrate2", false),
            Some(Shape::Recorded)
        );
        assert!(rules().is_recorded_path("tests/cassettes/openai.yaml"));
        assert!(rules().is_type_only_path("src/types.d.ts"));
        assert!(rules().is_type_only_path("pkg/client.pyi"));
        assert!(!rules().is_type_only_path("src/types.ts"));
        assert!(rules().is_recorded_path("bench/eval_results.json"));
        assert!(rules().is_test_path("tests/unit/test_llm.py"));
        assert!(rules().is_test_path("src/agent_test.py"));
        assert!(rules().is_test_path("packages/openai/src/chat.test.ts"));
        assert!(rules().is_test_path("src/__tests__/x.ts"));
        assert!(rules().is_test_path("conftest.py"));
        assert!(rules().is_test_path("dotnet/src/IntegrationTests/testsettings.json"));
        assert!(rules().is_test_path("packages/ai/src/registry.test-d.ts"));
        assert!(!rules().is_test_path("src/latest.py"));
        assert!(!rules().is_test_path("docs/latest/app.py"));
        assert!(!rules().is_test_path("src/contest/app.py"));
    }

    #[test]
    fn requests_are_not_shapes() {
        for callee in [
            "client.chat.completions.create",
            "openai",
            "ChatOpenAI",
            "generateText",
            "client.models.generate_content",
            "init_chat_model",
            "anthropic.messages.create",
        ] {
            assert_eq!(rules().of_call(callee), None, "{callee}");
        }
        assert!(rules().is_pricing_model_key("basemodel"));
        assert!(rules().is_alias_key("modelname"));
    }
}

//! The pricing catalog through its public API: bundled data, resolution rules, prefilter
//! tokens, pricing files and LiteLLM files.

use costlint::catalog::{Catalog, Resolution};
use costlint::cost::Rate;
use costlint::date::Date;
use costlint::error::InputError;
use std::collections::BTreeMap;

fn cat() -> &'static Catalog {
    Catalog::builtin()
}

fn resolve(raw: &str) -> Resolution {
    cat().resolve(raw, &BTreeMap::new())
}

#[track_caller]
fn exact(raw: &str, id: &str) {
    assert_eq!(resolve(raw), Resolution::Exact { id: id.into() }, "{raw}");
}

#[track_caller]
fn approx(raw: &str, id: &str, why_contains: &str) {
    match resolve(raw) {
        Resolution::Approximate { id: got, why } => {
            assert_eq!(got, id, "{raw}: {why}");
            assert!(
                why.contains(why_contains),
                "{raw}: why `{why}` lacks `{why_contains}`"
            );
        }
        other => panic!("{raw}: expected Approximate {id}, got {other:?}"),
    }
}

#[track_caller]
fn unknown(raw: &str) {
    assert_eq!(resolve(raw), Resolution::Unknown, "{raw}");
}

#[test]
fn seed_prices_are_exact() {
    for (id, input, output, input_s, output_s) in [
        ("gpt-5.4", 2_500_000_000, 15_000_000_000, "2.5", "15"),
        ("gpt-5.5", 5_000_000_000, 30_000_000_000, "5", "30"),
        ("gpt-5.5-pro", 30_000_000_000, 180_000_000_000, "30", "180"),
    ] {
        let m = cat().get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(m.price.input, Rate(input), "{id}");
        assert_eq!(m.price.output, Rate(output), "{id}");
        assert_eq!(m.price.input.to_string(), input_s, "{id}");
        assert_eq!(m.price.output.to_string(), output_s, "{id}");
        assert_eq!(m.provider, "openai");
    }
}

#[test]
fn bundled_catalog_covers_the_main_providers() {
    let c = cat();
    for id in [
        "gpt-5.4",
        "gpt-5.5",
        "gpt-5.5-pro",
        "claude-sonnet-4-6",
        "gemini/gemini-2.5-pro",
        "gemini-2.5-pro",
        "mistral/mistral-large-latest",
        "xai/grok-4.7",
        "deepseek-chat",
        "us.anthropic.claude-sonnet-4-6",
        "azure/gpt-4o",
        "openrouter/anthropic/claude-sonnet-4.5",
        "groq/openai/gpt-oss-120b",
        "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    ] {
        assert!(c.get(id).is_some(), "{id} missing");
    }
    for provider in [
        "openai",
        "anthropic",
        "gemini",
        "vertex_ai",
        "mistral",
        "xai",
        "deepseek",
        "bedrock",
        "azure",
        "openrouter",
        "groq",
        "together_ai",
    ] {
        let n = c.iter().filter(|m| m.provider == provider).count();
        assert!(n > 0, "no {provider} entries");
    }
    assert!(c.len() > 1500);
    assert_eq!(c.as_of(), Date::parse("2026-11-25"));
    let ids: Vec<&str> = c.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "iter is sorted by id");
    let m = c.get("gpt-5.4").unwrap();
    assert_eq!(m.context_window, Some(1_050_000));
    assert_eq!(m.max_output, Some(128_000));
    assert_eq!(m.price.cached_input, Some(Rate(250_000_000)));
    assert!(m.source.starts_with("builtin:openai.yaml"));
}

#[test]
fn overlay_adds_deprecations_and_replacements() {
    let c = cat();
    for (id, date, replacement) in [
        (
            "claude-3-5-haiku-20241022",
            "2025-10-01",
            "claude-haiku-4-5",
        ),
        (
            "claude-3-7-sonnet-20250219",
            "2026-02-19",
            "claude-sonnet-4-6",
        ),
        // LiteLLM moved this date from 2026-05-14 (2026-03-03 copy) to 2026-06-15 (1.100.5).
        (
            "claude-sonnet-4-20250514",
            "2026-06-15",
            "claude-sonnet-4-6",
        ),
        ("claude-opus-4-20250514", "2026-06-15", "claude-opus-4-6"),
        ("claude-opus-4-1", "2026-08-05", "claude-opus-4-6"),
        ("gpt-4o", "2027-01-14", "gpt-5.4"),
    ] {
        let m = c.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(m.deprecation, Date::parse(date), "{id}");
        assert_eq!(m.replacement.as_deref(), Some(replacement), "{id}");
        assert!(c.get(replacement).is_some(), "{replacement}");
    }
    // A correction: the source's typo (output 1.05 below input 3.5).
    assert_eq!(
        c.get("gemini/gemini-1.5-pro-latest")
            .unwrap()
            .price
            .output
            .to_string(),
        "10.5"
    );
}

#[test]
fn exact_names_and_aliases_never_resolve_to_a_snapshot() {
    exact("gpt-4o", "gpt-4o");
    exact("gpt-4o-2024-08-06", "gpt-4o-2024-08-06");
    exact("gpt-5.4", "gpt-5.4");
    exact("claude-sonnet-4-6", "claude-sonnet-4-6");
    exact("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929");
    exact("deepseek-chat", "deepseek-chat");
    exact("azure/gpt-4o", "azure/gpt-4o");
    // A catalog key with its old `-latest` name stays itself.
    exact("claude-3-5-sonnet-latest", "claude-3-5-sonnet-latest");
}

#[test]
fn snapshot_dates_the_catalog_lacks_are_dropped() {
    approx("gpt-4o-2030-01-01", "gpt-4o", "snapshot date");
    approx(
        "claude-sonnet-4-5-20300101",
        "claude-sonnet-4-5",
        "snapshot date",
    );
    approx("azure/gpt-4o-2030-01-01", "azure/gpt-4o", "snapshot date");
    // `-latest` aliases: the newest dated snapshot of the family.
    approx(
        "claude-sonnet-4-5-latest",
        "claude-sonnet-4-5-20250929",
        "newest known snapshot",
    );
}

#[test]
fn provider_prefixes() {
    exact("openai/gpt-4o", "gpt-4o");
    exact("openai:gpt-5.4", "gpt-5.4");
    exact("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6");
    exact("anthropic:claude-sonnet-4-6", "claude-sonnet-4-6");
    // The Gemini API is preferred for a bare Gemini name; a Vertex route picks Vertex.
    exact("gemini-2.5-pro", "gemini/gemini-2.5-pro");
    exact("models/gemini-2.5-pro", "gemini/gemini-2.5-pro");
    exact("google/gemini-2.5-pro", "gemini/gemini-2.5-pro");
    exact("google-gla:gemini-2.5-pro", "gemini/gemini-2.5-pro");
    exact("google-vertex:gemini-2.5-pro", "gemini-2.5-pro");
    exact("vertex_ai/gemini-2.5-pro", "gemini-2.5-pro");
    exact("mistral-large-latest", "mistral/mistral-large-latest");
    exact(
        "mistral:mistral-large-latest",
        "mistral/mistral-large-latest",
    );
    exact("grok-4.7", "xai/grok-4.7");
    exact("groq:openai/gpt-oss-120b", "groq/openai/gpt-oss-120b");
    exact(
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    );
    approx("azure/eu/gpt-5.5-pro", "azure/gpt-5.5-pro", "data zone");
    // `models/` only leads to Gemini models.
    unknown("models/claude-sonnet-4-6");
}

#[test]
fn bedrock_ids() {
    exact(
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    );
    exact(
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    );
    exact(
        "bedrock/converse/us.anthropic.claude-sonnet-4-6",
        "us.anthropic.claude-sonnet-4-6",
    );
    approx(
        "apac.anthropic.claude-opus-4-1-20250805-v1:0",
        "anthropic.claude-opus-4-1-20250805-v1:0",
        "Bedrock region prefix",
    );
    approx(
        "anthropic.claude-opus-4-7-20260416-v1:0",
        "claude-opus-4-7-20260416",
        "first-party",
    );
    approx(
        "us.anthropic.claude-opus-4-7-20260416-v1:0",
        "claude-opus-4-7-20260416",
        "first-party",
    );
    approx(
        "anthropic.claude-sonnet-4-5-20250929-v2:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "version suffix",
    );
}

#[test]
fn vertex_versions() {
    exact(
        "claude-sonnet-4-5@20250929",
        "vertex_ai/claude-sonnet-4-5@20250929",
    );
    exact(
        "vertex_ai/claude-sonnet-4-5@20250929",
        "vertex_ai/claude-sonnet-4-5@20250929",
    );
    approx(
        "claude-opus-4-6@20260205",
        "claude-opus-4-6-20260205",
        "Vertex version",
    );
    approx(
        "claude-opus-4-7@20991231",
        "vertex_ai/claude-opus-4-7",
        "Vertex version",
    );
}

#[test]
fn openrouter_dots_and_dashes() {
    exact(
        "openrouter/anthropic/claude-sonnet-4.5",
        "openrouter/anthropic/claude-sonnet-4.5",
    );
    exact(
        "anthropic/claude-sonnet-4.5",
        "openrouter/anthropic/claude-sonnet-4.5",
    );
    exact(
        "anthropic/claude-opus-4.7",
        "openrouter/anthropic/claude-opus-4.7",
    );
    approx(
        "anthropic/claude-opus-4.8",
        "claude-opus-4-8",
        "dots/dashes",
    );
    approx("claude-opus-4.8", "claude-opus-4-8", "dots/dashes");
}

#[test]
fn fine_tunes_say_so() {
    approx(
        "ft:gpt-4o-mini-2024-07-18:acme::abc123",
        "ft:gpt-4o-mini-2024-07-18",
        "fine-tune of",
    );
    approx(
        "ft:gpt-5.4:acme:custom:abc123",
        "gpt-5.4",
        "fine-tune of `gpt-5.4`",
    );
    match resolve("ft:gpt-5.4:acme:custom:abc123") {
        Resolution::Approximate { why, .. } => assert!(why.contains("own rates"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn case_differences_are_approximate() {
    approx("GPT-4o", "gpt-4o", "case");
    approx("Claude-Sonnet-4-6", "claude-sonnet-4-6", "case");
}

#[test]
fn deployments_map_private_names() {
    let mut d = BTreeMap::new();
    d.insert("prod-chat".to_string(), "gpt-5.4".to_string());
    d.insert("gpt-4o".to_string(), "gpt-4o-mini".to_string());
    d.insert("broken".to_string(), "no-such-model-9".to_string());
    let c = cat();
    assert_eq!(
        c.resolve("prod-chat", &d),
        Resolution::Deployment {
            name: "prod-chat".into(),
            id: "gpt-5.4".into()
        }
    );
    assert_eq!(
        c.resolve("azure/prod-chat", &d),
        Resolution::Deployment {
            name: "azure/prod-chat".into(),
            id: "gpt-5.4".into()
        }
    );
    // The policy's mapping wins over the catalog's own name.
    assert_eq!(
        c.resolve("gpt-4o", &d),
        Resolution::Deployment {
            name: "gpt-4o".into(),
            id: "gpt-4o-mini".into()
        }
    );
    assert_eq!(c.resolve("broken", &d), Resolution::Unknown);
    assert_eq!(
        c.resolve("gpt-5.5", &d),
        Resolution::Exact {
            id: "gpt-5.5".into()
        }
    );
}

#[test]
fn words_and_typos_are_unknown() {
    for w in [
        "model",
        "auto",
        "default",
        "gpt",
        "o",
        "claude",
        "gemini",
        "",
        "hello world",
        "Content-Type",
        "utf-8",
    ] {
        unknown(w);
    }
    unknown("gpt-5.44");
    let near = cat().suggest("gpt-5.44", 5);
    assert_eq!(
        near.first().map(String::as_str),
        Some("gpt-5.4"),
        "{near:?}"
    );
    let near = cat().suggest("claude-sonet-4-6", 3);
    assert!(near.iter().any(|s| s == "claude-sonnet-4-6"), "{near:?}");
    assert!(cat().suggest("zzzzzz", 3).is_empty());
}

/// Names `resolve` accepts, built from the whole catalog: every id, route-prefixed and
/// Bedrock-region forms, and the approximations (snapshot dates, fine-tunes, case).
fn resolvable_spellings() -> Vec<String> {
    let mut out = Vec::new();
    for m in cat().iter() {
        let id = m.id.as_str();
        out.push(id.to_string());
        out.push(id.to_uppercase());
        out.push(format!("{id}-2099-01-01"));
        let bare = id.split_once('/').map_or(id, |(_, r)| r);
        match m.provider.as_str() {
            "openai" => {
                for p in ["openai/", "openai:", "azure/", "openrouter/openai/", "ft:"] {
                    out.push(format!("{p}{id}"));
                }
                out.push(format!("ft:{id}:acme::x1"));
            }
            "anthropic" => {
                for p in [
                    "anthropic/",
                    "anthropic:",
                    "us.anthropic.",
                    "bedrock/",
                    "vertex_ai/",
                ] {
                    out.push(format!("{p}{id}"));
                }
                out.push(format!("{id}@20250101"));
                out.push(id.replace('-', "."));
            }
            "gemini" => {
                for p in [
                    "models/",
                    "google/",
                    "google-gla:",
                    "google_genai:",
                    "google-vertex:",
                    "vertex_ai/",
                ] {
                    out.push(format!("{p}{bare}"));
                }
                out.push(bare.to_string());
            }
            "vertex_ai" => {
                for p in ["google-vertex:", "google_vertexai:", "vertex_ai/"] {
                    out.push(format!("{p}{bare}"));
                }
            }
            "bedrock" => {
                for p in [
                    "bedrock/",
                    "bedrock/converse/",
                    "converse/",
                    "invoke/",
                    "bedrock:",
                    "us.",
                    "eu.",
                    "apac.",
                    "global.",
                    "us-gov.",
                    "jp.",
                    "au.",
                ] {
                    out.push(format!("{p}{id}"));
                }
            }
            "mistral" => {
                for p in ["mistral:", "mistralai/", "mistralai:"] {
                    out.push(format!("{p}{bare}"));
                }
                out.push(bare.to_string());
            }
            "xai" => {
                for p in ["xai:", "x-ai/", "grok:"] {
                    out.push(format!("{p}{bare}"));
                }
                out.push(bare.to_string());
            }
            "azure" => out.push(bare.to_string()),
            "groq" | "together_ai" | "openrouter" | "deepseek" => {
                out.push(bare.to_string());
                out.push(format!("{}:{bare}", m.provider));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn prefilter_tokens_are_complete_over_the_catalog() {
    let tokens = cat().prefilter_tokens();
    let none = BTreeMap::new();
    let mut resolved = 0;
    for s in resolvable_spellings() {
        if cat().resolve(&s, &none) == Resolution::Unknown {
            continue;
        }
        resolved += 1;
        let lower = s.to_lowercase();
        assert!(
            tokens.iter().any(|t| lower.starts_with(t.as_str())),
            "`{s}` resolves but starts with no prefilter token"
        );
    }
    assert!(resolved > 10_000, "only {resolved} spellings resolved");
    // Every catalog id resolves, and so do the common prefixed forms.
    for m in cat().iter() {
        assert_ne!(cat().resolve(&m.id, &none), Resolution::Unknown, "{}", m.id);
        if m.provider == "openai" {
            assert_ne!(
                cat().resolve(&format!("openai/{}", m.id), &none),
                Resolution::Unknown,
                "openai/{}",
                m.id
            );
        }
        if m.provider == "gemini" {
            let bare = m.id.trim_start_matches("gemini/");
            assert_ne!(
                cat().resolve(&format!("models/{bare}"), &none),
                Resolution::Unknown,
                "models/{bare}"
            );
        }
    }
}

#[test]
fn prefilter_tokens_are_selective() {
    let tokens = cat().prefilter_tokens();
    assert!(tokens.len() < 200, "{} tokens", tokens.len());
    for t in &tokens {
        assert_eq!(t, &t.to_lowercase());
        assert!(t.len() >= 2, "`{t}` is too short");
        let word_only = t.bytes().all(|b| b.is_ascii_alphabetic());
        assert!(!word_only || t.len() > 6, "`{t}` is a bare word");
        for common in [
            "the", "model", "models", "chat", "text", "code", "us.", "eu.", "in.", "global.",
            "google/", "meta.",
        ] {
            assert_ne!(t, common);
        }
    }
    for (i, a) in tokens.iter().enumerate() {
        for b in &tokens[i + 1..] {
            assert!(
                !b.starts_with(a.as_str()) && !a.starts_with(b.as_str()),
                "`{a}` and `{b}` overlap"
            );
        }
    }
    for t in [
        "gpt-",
        "claude-",
        "gemini-",
        "o1",
        "o3",
        "o4-",
        "grok-",
        "mistral-",
        "deepseek-",
        "anthropic.",
        "us.anthropic.",
        "openai/",
        "models/gemini-",
    ] {
        assert!(tokens.contains(&t.to_string()), "missing `{t}`");
    }
}

#[test]
fn search_globs_and_substrings() {
    let c = cat();
    let found: Vec<&str> = c.search("gpt-5.5*").iter().map(|m| m.id.as_str()).collect();
    assert!(
        found.contains(&"gpt-5.5") && found.contains(&"gpt-5.5-pro"),
        "{found:?}"
    );
    assert!(found.iter().all(|id| id.starts_with("gpt-5.5")));
    assert!(found.windows(2).all(|w| w[0] < w[1]));
    let found = c.search("SONNET-4-6");
    assert!(found.iter().any(|m| m.id == "claude-sonnet-4-6"));
    assert!(found
        .iter()
        .all(|m| m.id.to_lowercase().contains("sonnet-4-6")));
    assert!(c.search("no-such-thing").is_empty());
}

#[test]
fn model_shaped_strings() {
    for yes in [
        "gpt-7",
        "claude-opus-9",
        "my-azure-deployment",
        "acme/llm-large",
        "llama3",
        "meta-llama/Llama-3.3-70B-Instruct",
        "us.anthropic.claude-x-v1:0",
    ] {
        assert!(Catalog::is_model_shaped(yes), "{yes}");
    }
    for no in [
        "model",
        "auto",
        "GPT_MODEL",
        "gpt",
        "hello world",
        "https://api.x.ai/v1",
        "prompts/system.txt",
        "config.yaml",
        "{model}",
        "${MODEL}",
        "v1",
        "2024-01-01",
    ] {
        assert!(!Catalog::is_model_shaped(no), "{no}");
    }
}

fn line_of(text: &str, e: &InputError) -> usize {
    let at = e.span.expect("a span").offset();
    text[..at].matches('\n').count() + 1
}

#[test]
fn pricing_files_load_and_errors_point_at_the_line() {
    let text = "# negotiated\nprovider: openai\nas_of: 2026-10-01\nmodels:\n  gpt-5.4: { input: 2, output: 12 }\n  acme-llm-1: { provider: acme, input: 1, output: 2, max_output: 4096 }\n";
    let c = Catalog::load_pricing_file("prices/negotiated.yaml", text).unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c.get("gpt-5.4").unwrap().price.input.to_string(), "2");
    assert_eq!(c.get("acme-llm-1").unwrap().provider, "acme");
    assert_eq!(
        c.get("acme-llm-1").unwrap().source,
        "file:prices/negotiated.yaml"
    );
    assert_eq!(c.as_of(), Date::parse("2026-10-01"));

    let syntax = "models:\n  a-1: { input: 1, output: 2 }\n  b-2: [input: 1\n";
    let e = Catalog::load_pricing_file("p.yaml", syntax).unwrap_err();
    assert!(line_of(syntax, &e) >= 3, "{e:?}");

    let unknown_key =
        "models:\n  a-1: { input: 1, output: 2 }\n  b-2: { input: 1, output: 2, max_tokens: 5 }\n";
    let e = Catalog::load_pricing_file("p.yaml", unknown_key).unwrap_err();
    assert_eq!(line_of(unknown_key, &e), 3, "{e:?}");
    assert!(e.message.contains("max_tokens"), "{e:?}");

    let wrong_type = "models:\n  a-1:\n    input: 1\n    output: 2\n    max_output: lots\n";
    let e = Catalog::load_pricing_file("p.yaml", wrong_type).unwrap_err();
    assert_eq!(line_of(wrong_type, &e), 5, "{e:?}");

    let top_level = "provider: openai\ncurrency: EUR\nmodels: {}\n";
    let e = Catalog::load_pricing_file("p.yaml", top_level).unwrap_err();
    assert_eq!(line_of(top_level, &e), 2, "{e:?}");
}

#[test]
fn merging_replaces_entries_but_keeps_limits_it_lacks() {
    let mut c = Catalog::builtin().clone();
    let before = c.len();
    let text =
        "models:\n  gpt-5.4: { input: 2, output: 12 }\n  acme-llm-1: { input: 1, output: 2 }\n";
    c.merge(Catalog::load_pricing_file("n.yaml", text).unwrap());
    assert_eq!(c.len(), before + 1);
    let m = c.get("gpt-5.4").unwrap();
    assert_eq!(
        (m.price.input.to_string(), m.price.output.to_string()),
        ("2".into(), "12".into())
    );
    assert_eq!(m.max_output, Some(128_000), "kept from the bundled entry");
    assert_eq!(m.context_window, Some(1_050_000));
    assert_eq!(
        m.price.cached_input, None,
        "not kept: the negotiated price has none"
    );
    assert_eq!(m.source, "file:n.yaml");
    assert_eq!(
        c.resolve("acme-llm-1", &BTreeMap::new()),
        Resolution::Exact {
            id: "acme-llm-1".into()
        }
    );
    let old = c.get("gpt-4o").unwrap();
    assert_eq!(old.replacement.as_deref(), Some("gpt-5.4"));

    let mut e = Catalog::empty();
    assert!(e.is_empty());
    e.merge(Catalog::load_pricing_file("n.yaml", text).unwrap());
    assert_eq!(e.len(), 2);
}

#[test]
fn litellm_files_load() {
    let json = r#"{
        "sample_spec": {"mode": "one of: chat, embedding"},
        "acme/llm-9": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1.5e-06,
                       "output_cost_per_token": 6e-06, "max_output_tokens": 8192, "max_input_tokens": 200000},
        "gpt-9": {"litellm_provider": "openai", "mode": "responses", "input_cost_per_token": 3e-06,
                  "output_cost_per_token": 1.2e-05, "cache_read_input_token_cost": 3e-07, "deprecation_date": "2030-01-01"},
        "text-embedding-9": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-07,
                             "output_cost_per_token": 0}
    }"#;
    let c = Catalog::load_litellm("vendor/prices.json", json).unwrap();
    assert_eq!(c.len(), 2);
    let m = c.get("acme/llm-9").unwrap();
    assert_eq!(
        (m.price.input.to_string(), m.price.output.to_string()),
        ("1.5".into(), "6".into())
    );
    assert_eq!(
        (m.max_output, m.context_window),
        (Some(8192), Some(200_000))
    );
    assert_eq!(m.source, "litellm:vendor/prices.json");
    let g = c.get("gpt-9").unwrap();
    assert_eq!(
        g.price.cached_input.map(|r| r.to_string()).as_deref(),
        Some("0.3")
    );
    assert_eq!(g.deprecation, Date::parse("2030-01-01"));
    assert_eq!(
        c.resolve("openai/gpt-9", &BTreeMap::new()),
        Resolution::Exact { id: "gpt-9".into() }
    );

    let broken = "{\n  \"a\": {\"mode\": \"chat\"},\n  \"b\": oops\n}\n";
    let e = Catalog::load_litellm("x.json", broken).unwrap_err();
    assert_eq!(line_of(broken, &e), 3, "{e:?}");
    assert!(Catalog::load_litellm("x.json", "[1, 2]").is_err());
}

#[test]
fn model_names_drop_host_routes_and_snapshot_dates() {
    use costlint::catalog::model_names;
    assert_eq!(
        model_names("azure/gpt-5.5-pro"),
        ["azure/gpt-5.5-pro", "gpt-5.5-pro"]
    );
    assert_eq!(
        model_names("gpt-5.5-pro-2026-04-23"),
        ["gpt-5.5-pro-2026-04-23", "gpt-5.5-pro"]
    );
    let bedrock = model_names("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert!(
        bedrock.iter().any(|n| n == "claude-sonnet-4-5"),
        "{bedrock:?}"
    );
    let vertex = model_names("vertex_ai/claude-opus-4-1@20250805");
    assert!(vertex.iter().any(|n| n == "claude-opus-4-1"), "{vertex:?}");
    assert_eq!(model_names("gpt-4o"), ["gpt-4o"]);
}

#[test]
fn retired_models_stay_with_their_last_prices() {
    for (id, input, retired) in [
        ("claude-2.1", "8", "2025-07-21"),
        ("groq/llama3-70b-8192", "0.59", "2025-09-07"),
        ("perplexity/pplx-70b-online", "0", "2024-03-15"),
    ] {
        let m = cat().get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(m.price.input.to_string(), input, "{id}");
        assert_eq!(m.deprecation, Date::parse(retired), "{id}");
        assert!(m.replacement.is_some(), "{id}");
    }
    exact("claude-2.1", "claude-2.1");
    exact("llama3-70b-8192", "groq/llama3-70b-8192");
    exact("pplx-70b-online", "perplexity/pplx-70b-online");
    let instruct = cat().get("gpt-3.5-turbo-instruct").expect("current");
    assert_eq!(instruct.provider, "openai");
    assert_eq!(instruct.price.output.to_string(), "2");
}

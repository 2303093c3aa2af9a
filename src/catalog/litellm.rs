//! Reading a pricing database in LiteLLM's `model_prices_and_context_window.json` format: an
//! object of model id → entry with USD-per-token prices. Used at run time for a policy's
//! `pricing: [{litellm: path}]` and by `examples/gen_catalog.rs` to generate the bundled YAML.

use crate::catalog::{ModelInfo, Price};
use crate::cost::Rate;
use crate::date::Date;
use crate::error::{offset_of, InputError};
use serde_json::Value;

/// The modes kept: text generation. Embeddings, images, audio, rerank… are not priced per
/// input/output token the way a call site is.
pub const TEXT_MODES: &[&str] = &["chat", "responses", "completion"];

/// The costlint provider family of a serving provider named in the file: `bedrock_converse` →
/// `bedrock`, `azure_ai` and `azure_text` → `azure`, `text-completion-openai` (OpenAI's
/// completion models, `gpt-3.5-turbo-instruct`) → `openai`, `codestral` and
/// `text-completion-codestral` → `mistral`, every `vertex_ai-…` → `vertex_ai`; other names
/// unchanged.
pub fn family(provider: &str) -> &str {
    match provider {
        "bedrock_converse" => "bedrock",
        "azure_ai" | "azure_text" => "azure",
        "text-completion-openai" => "openai",
        "codestral" | "text-completion-codestral" => "mistral",
        p if p.starts_with("vertex_ai") => "vertex_ai",
        p => p,
    }
}

/// The text-generation entries of the file that have both an input and an output token price.
/// Entries that are not objects, lack a price, or have a negative or absurd price are skipped
/// (the file holds many kinds of models); a file that is not a JSON object is an error.
pub fn parse(display_path: &str, text: &str) -> Result<Vec<ModelInfo>, InputError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let at = offset_of(text, e.line(), e.column());
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        InputError::at(
            display_path,
            text,
            at..end.max(at + 1),
            format!("`{display_path}` is not valid JSON: {e}"),
            "here",
        )
    })?;
    let Some(entries) = value.as_object() else {
        return Err(InputError::at(
            display_path,
            text,
            0..1,
            format!("`{display_path}` is not a LiteLLM pricing file"),
            "expected an object of model id → entry",
        ));
    };
    let source = format!("litellm:{display_path}");
    let mut out = Vec::new();
    for (id, entry) in entries {
        if let Some(info) = convert(id, entry, &source) {
            out.push(info);
        }
    }
    Ok(out)
}

/// The price keys of an entry, USD per token.
const PRICE_KEYS: &[&str] = &[
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
];

/// Like [`parse`], for a file a policy names: a text-generation entry that gives a price
/// costlint cannot use (not a number, negative, more than 1 USD per token) is an error naming
/// the entry, on its line only, instead of an entry left out (its model would then turn
/// unknown without a word). Entries without token prices, of other modes, and LiteLLM's
/// `sample_spec` are left out as in [`parse`].
pub fn parse_strict(display_path: &str, text: &str) -> Result<Vec<ModelInfo>, InputError> {
    let models = parse(display_path, text)?;
    // `parse` succeeded: the text is a JSON object.
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let Some(entries) = value.as_object() else {
        return Ok(models);
    };
    for (id, entry) in entries {
        if let Some(why) = unusable(id, entry) {
            let needle = serde_json::to_string(id).unwrap_or_default();
            let at = text
                .find(&format!("{needle}:"))
                .or_else(|| text.find(&needle));
            let message = format!("LiteLLM entry `{id}` in `{display_path}` cannot be used: {why}");
            let help = "fix or remove the entry; costlint does not leave out a model a price \
                        list names, since its call sites would then go unpriced";
            return Err(match at {
                Some(at) => InputError::at(
                    display_path,
                    text,
                    at..at + needle.len(),
                    message,
                    "this entry",
                )
                .with_help(help),
                None => InputError::plain(message)
                    .in_file(display_path)
                    .with_help(help),
            });
        }
    }
    Ok(models)
}

/// Why a text-generation entry's prices cannot be used, if they cannot.
fn unusable(id: &str, entry: &Value) -> Option<String> {
    let obj = entry.as_object()?;
    let mode = obj.get("mode").and_then(Value::as_str)?;
    if id == "sample_spec" || !TEXT_MODES.contains(&mode) {
        return None;
    }
    if id.trim() != id || id.is_empty() {
        return Some("its name has leading or trailing blanks".into());
    }
    for key in PRICE_KEYS {
        let Some(v) = obj.get(*key) else { continue };
        match v.as_f64() {
            None => return Some(format!("`{key}` is {v}, not a number")),
            Some(f) if Rate::from_usd_per_token(f).is_none() => {
                return Some(format!(
                    "`{key}` is {v}: a price is USD per token, from 0 to 1"
                ))
            }
            Some(_) => {}
        }
    }
    let has = |k: &str| obj.contains_key(k);
    if has("input_cost_per_token") != has("output_cost_per_token") {
        return Some(
            "it has only one of `input_cost_per_token` and `output_cost_per_token`".into(),
        );
    }
    None
}

fn convert(id: &str, entry: &Value, source: &str) -> Option<ModelInfo> {
    let obj = entry.as_object()?;
    let mode = obj.get("mode").and_then(Value::as_str)?;
    if !TEXT_MODES.contains(&mode) || id.trim() != id || id.is_empty() {
        return None;
    }
    let rate = |key: &str| {
        obj.get(key)
            .and_then(Value::as_f64)
            .and_then(Rate::from_usd_per_token)
    };
    let input = rate("input_cost_per_token")?;
    let output = rate("output_cost_per_token")?;
    let provider = obj
        .get("litellm_provider")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    Some(ModelInfo {
        id: id.to_string(),
        provider: family(provider).to_string(),
        price: Price {
            input,
            cached_input: rate("cache_read_input_token_cost"),
            output,
        },
        context_window: obj.get("max_input_tokens").and_then(tokens),
        max_output: obj.get("max_output_tokens").and_then(tokens),
        mode: Some(mode.to_string()),
        deprecation: obj
            .get("deprecation_date")
            .and_then(Value::as_str)
            .and_then(Date::parse),
        replacement: None,
        as_of: None,
        source: source.to_string(),
    })
}

/// A token count: a positive integer, also when written as `2000000.0`.
fn tokens(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return (n > 0).then_some(n);
    }
    let f = v.as_f64()?;
    (f.is_finite() && f >= 1.0 && f.fract() == 0.0 && f < 1e15).then_some(f as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_filters() {
        let text = r#"{
            "sample_spec": {"input_cost_per_token": "x", "mode": "chat"},
            "gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                      "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 2.5e-07,
                      "max_input_tokens": 1050000, "max_output_tokens": 128000.0, "deprecation_date": "2027-01-14"},
            "emb": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-07, "output_cost_per_token": 0},
            "noprice": {"litellm_provider": "openai", "mode": "chat"},
            "vertex_ai/claude-x@20250101": {"litellm_provider": "vertex_ai-anthropic_models", "mode": "chat",
                      "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05}
        }"#;
        let models = parse("x.json", text).unwrap();
        assert_eq!(models.len(), 2);
        let g = models.iter().find(|m| m.id == "gpt-x").unwrap();
        assert_eq!(g.price.input.to_string(), "2.5");
        assert_eq!(
            g.price.cached_input.map(|r| r.to_string()).as_deref(),
            Some("0.25")
        );
        assert_eq!(g.max_output, Some(128_000));
        assert_eq!(g.deprecation, Date::parse("2027-01-14"));
        assert_eq!(
            models
                .iter()
                .find(|m| m.id.starts_with("vertex"))
                .unwrap()
                .provider,
            "vertex_ai"
        );
    }

    #[test]
    fn strict_parsing_names_an_unusable_entry() {
        let text = "{\n  \"ok\": {\"mode\": \"chat\", \"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06},\n  \"acme-7\": {\"mode\": \"chat\", \"input_cost_per_token\": -1, \"output_cost_per_token\": 2e-06}\n}\n";
        let e = parse_strict("x.json", text).unwrap_err();
        assert!(e.message.contains("`acme-7`"), "{}", e.message);
        let at = e.span.unwrap().offset();
        assert_eq!(text[..at].matches('\n').count() + 1, 3);
        assert_eq!(parse("x.json", text).unwrap().len(), 1);
        let only_input = r#"{"b": {"mode": "chat", "input_cost_per_token": 1e-06}}"#;
        assert!(parse_strict("x.json", only_input).is_err());
        let skipped = r#"{"sample_spec": {"mode": "chat", "input_cost_per_token": "x"},
                          "emb": {"mode": "embedding", "input_cost_per_token": "x"},
                          "noprice": {"mode": "chat"}}"#;
        assert!(parse_strict("x.json", skipped).unwrap().is_empty());
    }

    #[test]
    fn syntax_error_points_at_the_line() {
        let text = "{\n  \"a\": {\"mode\": \"chat\"},\n  \"b\": {,}\n}\n";
        let e = parse("x.json", text).unwrap_err();
        let at = e.span.unwrap().offset();
        assert_eq!(text[..at].matches('\n').count() + 1, 3);
    }
}

//! costlint's pricing files (`rules/pricing/*.yaml`, and users' own `prices/*.yaml`): strict
//! YAML, every error pointing at its line.
//!
//! ```yaml
//! provider: openai            # optional: the provider of every entry without its own
//! as_of: 2026-11-25           # optional: the date the prices were read
//! models:
//!   gpt-5.4: { input: 2.5, cached_input: 0.25, output: 15, context_window: 1050000, max_output: 128000 }
//!   my-finetune: { provider: openai, input: 3, output: 12, deprecation: 2027-06-30, replacement: gpt-5.4 }
//! ```
//!
//! Prices are USD per 1M tokens. The entry fields are those of [`Entry`]: `input` and `output`
//! are required; `cached_input`, `context_window`, `max_output`, `mode`, `deprecation`,
//! `replacement`, `provider` and `as_of` are optional. The overlay
//! (`rules/pricing/overlay.yaml`) has the same entry fields, all optional: it patches entries of
//! the generated files field by field.

use super::names;
use crate::catalog::{ModelInfo, Price};
use crate::cost::Rate;
use crate::date::Date;
use crate::error::{did_you_mean, offset_of, InputError};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A price in USD per 1M tokens: a number, 0 or more. Written out as its exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usd(pub Rate);

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Usd, D::Error> {
        // The check runs inside the visitor so that the error carries the number's position.
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Usd;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a price in USD per 1M tokens")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Usd, E> {
                Rate::from_usd_per_mtok(v).map(Usd).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a price: expected USD per 1M tokens, 0 or more"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Usd, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Usd, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_f64(V)
    }
}

/// A map whose keys must be unique (YAML would silently keep the last one).
#[derive(Debug)]
pub struct Entries<T>(pub Vec<(String, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entries<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of model id → entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut out: Vec<(String, T)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format!("model `{key}` is listed twice")));
                    }
                    let value = map.next_value::<T>()?;
                    out.push((key, value));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A pricing file: `provider`, `as_of` and the entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingFile {
    pub provider: Option<String>,
    pub as_of: Option<Date>,
    pub models: Entries<Entry>,
}

/// The fields of an entry, written once: a pricing file's entry (where `input` and `output` are
/// required), an overlay patch (every field optional), and the generator's output line (fields
/// in this order, absent ones left out). Prices in USD per 1M tokens, limits in tokens.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Usd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<Usd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Usd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
}

impl Entry {
    /// The field names, in order, as serde knows them (for "did you mean" and tests).
    pub fn fields() -> &'static [&'static str] {
        let fields = std::cell::Cell::new(&[][..]);
        let _ = Entry::deserialize(FieldNames(&fields));
        fields.get()
    }

    /// Every field of `m` except its `provider` (given once per generated file).
    pub fn of(m: &ModelInfo) -> Entry {
        Entry {
            input: Some(Usd(m.price.input)),
            cached_input: m.price.cached_input.map(Usd),
            output: Some(Usd(m.price.output)),
            context_window: m.context_window,
            max_output: m.max_output,
            mode: m.mode.clone(),
            deprecation: m.deprecation,
            replacement: m.replacement.clone(),
            provider: None,
            as_of: m.as_of,
        }
    }

    /// A catalog entry; the file's `provider` and `as_of` fill in what the entry lacks. Errs
    /// with the name of a missing price (`input`, `output`).
    pub fn into_model(
        self,
        id: String,
        provider: Option<&str>,
        as_of: Option<Date>,
        source: &str,
    ) -> Result<ModelInfo, &'static str> {
        let input = self.input.ok_or("input")?;
        let output = self.output.ok_or("output")?;
        let provider = self
            .provider
            .or_else(|| provider.map(str::to_string))
            .unwrap_or_else(|| names::infer_family(&id).into());
        Ok(ModelInfo {
            provider,
            price: Price {
                input: input.0,
                cached_input: self.cached_input.map(|u| u.0),
                output: output.0,
            },
            context_window: self.context_window,
            max_output: self.max_output,
            mode: self.mode,
            deprecation: self.deprecation,
            replacement: self.replacement,
            as_of: self.as_of.or(as_of),
            source: source.to_string(),
            id,
        })
    }

    /// Applies this entry as a patch: the fields it gives replace those of `m`.
    pub fn patch(self, m: &mut ModelInfo) {
        if let Some(u) = self.input {
            m.price.input = u.0;
        }
        if let Some(u) = self.output {
            m.price.output = u.0;
        }
        if let Some(u) = self.cached_input {
            m.price.cached_input = Some(u.0);
        }
        m.context_window = self.context_window.or(m.context_window);
        m.max_output = self.max_output.or(m.max_output);
        m.mode = self.mode.or(m.mode.take());
        m.deprecation = self.deprecation.or(m.deprecation);
        m.replacement = self.replacement.or(m.replacement.take());
        m.provider = self.provider.unwrap_or(std::mem::take(&mut m.provider));
        m.as_of = self.as_of.or(m.as_of);
    }

    /// The body of a generated line, `input: 2.5, cached_input: 0.25, output: 15, …`: the
    /// fields present, in order, as [`parse_generated`] reads them back.
    pub fn render(&self) -> String {
        let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::to_value(self) else {
            return String::new();
        };
        let mut fields = Vec::with_capacity(map.len());
        for (k, v) in &map {
            let (Some(k), Some(v)) = (
                k.as_str(),
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_u64().map(|n| n.to_string())),
            ) else {
                continue;
            };
            let raw = v.parse::<f64>().is_ok() || Date::parse(&v).is_some();
            let v = if raw { v } else { yaml_scalar(&v) };
            fields.push(format!("{k}: {v}"));
        }
        fields.join(", ")
    }
}

/// Records the field names serde asks a struct deserializer for, then stops.
struct FieldNames<'a>(&'a std::cell::Cell<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field names only"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(fields);
        Err(de::Error::custom("field names only"))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// One value of a generated line, read the way YAML reads a plain scalar: a number where a
/// number is expected, else the text itself (only plain text: no quotes, no YAML syntax).
struct PlainValue<'a>(&'a str);

impl<'de> Deserializer<'de> for PlainValue<'de> {
    type Error = de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        let ok = !self.0.is_empty()
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._/".contains(&b));
        if !ok {
            return Err(de::Error::custom("not a plain scalar"));
        }
        v.visit_borrowed_str(self.0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_some(self)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_f64(self.0.parse().map_err(de::Error::custom)?)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        v.visit_u64(self.0.parse().map_err(de::Error::custom)?)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> de::IntoDeserializer<'de, de::value::Error> for PlainValue<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// The overlay, `rules/pricing/overlay.yaml`: patches by id, limits settled for every host of a
/// model, and the models whose hosts may keep their own limits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayFile {
    /// Patches by catalog id; an id the generated files lack is added and needs `provider`,
    /// `input` and `output`.
    pub models: Entries<Entry>,
    /// By model ([`names::same_model_key`]): `context_window` and `max_output` for every entry
    /// of that model on every host, where hosts disagree and the maker documents one value.
    #[serde(default)]
    pub every_host: Entries<Entry>,
    /// By model: why its hosts' differing limits are kept as each host lists them.
    #[serde(default)]
    pub hosts_differ: Entries<String>,
}

/// Parses a pricing file into entries whose `source` is `source`.
pub fn parse_pricing(
    display_path: &str,
    text: &str,
    source: &str,
) -> Result<Vec<ModelInfo>, InputError> {
    if let Some(models) = parse_generated(text, source) {
        return Ok(models);
    }
    parse_pricing_yaml(display_path, text, source)
}

/// The full YAML parser: any valid pricing file, and the errors.
pub fn parse_pricing_yaml(
    display_path: &str,
    text: &str,
    source: &str,
) -> Result<Vec<ModelInfo>, InputError> {
    let file: PricingFile = parse_yaml(display_path, text)?;
    let mut out = Vec::with_capacity(file.models.0.len());
    for (id, e) in file.models.0 {
        let at = entry_span(text, &id);
        let m = e
            .into_model(id.clone(), file.provider.as_deref(), file.as_of, source)
            .map_err(|missing| {
                InputError::at(
                    display_path,
                    text,
                    at,
                    format!("invalid pricing file `{display_path}`: model `{id}` has no `{missing}` price (USD per 1M tokens)"),
                    "this entry",
                )
            })?;
        out.push(m);
    }
    Ok(out)
}

/// Where the entry `id` starts in a pricing file or the overlay (the file's start if not found).
pub fn entry_span(text: &str, id: &str) -> std::ops::Range<usize> {
    let at = [(format!("\n  {id}:"), 3), (format!("\n  \"{id}\":"), 4)]
        .iter()
        .find_map(|(k, skip)| text.find(k.as_str()).map(|i| i + skip))
        .unwrap_or(0);
    at..at + id.len()
}

/// A lean reader for the exact layout `examples/gen_catalog.rs` writes (comments, `provider:`,
/// `as_of:`, `models:`, then one `  id: { key: value, … }` line per entry), several times faster
/// than the YAML parser on the bundled files. `None` at the first line outside that layout, and
/// the file then goes through the YAML parser, which accepts or rejects it with a located error.
/// A test checks that both readers agree on every bundled file.
pub fn parse_generated(text: &str, source: &str) -> Option<Vec<ModelInfo>> {
    let mut provider: Option<&str> = None;
    let mut as_of: Option<Date> = None;
    let mut in_models = false;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !in_models {
            if let Some(v) = line.strip_prefix("provider: ") {
                provider = Some(plain(v)?);
            } else if let Some(v) = line.strip_prefix("as_of: ") {
                as_of = Some(Date::parse(v)?);
            } else if line == "models:" {
                in_models = true;
            } else if line == "models: {}" {
                return Some(out);
            } else {
                return None;
            }
            continue;
        }
        let rest = line.strip_prefix("  ")?;
        let (id, rest) = if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"')?;
            let id = &q[..end];
            if id.contains('\\') {
                return None;
            }
            (id, q[end + 1..].strip_prefix(": { ")?)
        } else {
            let (id, rest) = rest.split_once(": { ")?;
            (plain(id)?, rest)
        };
        if !seen.insert(id) {
            return None;
        }
        let mut pairs = Vec::new();
        for field in rest.strip_suffix(" }")?.split(", ") {
            let (k, v) = field.split_once(": ")?;
            pairs.push((k, PlainValue(v)));
        }
        let map = de::value::MapDeserializer::<_, de::value::Error>::new(pairs.into_iter());
        let entry = Entry::deserialize(map).ok()?;
        out.push(
            entry
                .into_model(id.to_string(), Some(provider?), as_of, source)
                .ok()?,
        );
    }
    in_models.then_some(out)
}

/// A YAML scalar for a generated file: plain when it reads back as the same string, else
/// double-quoted.
pub fn yaml_scalar(s: &str) -> String {
    match plain(s) {
        Some(p) => p.to_string(),
        None => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// A plain YAML scalar that reads as the same string in YAML: letters first, then letters,
/// digits, `-`, `.`, `_`, `/`; no YAML keyword.
fn plain(s: &str) -> Option<&str> {
    let ok = s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/".contains(&b))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    ok.then_some(s)
}

pub fn parse_overlay(display_path: &str, text: &str) -> Result<OverlayFile, InputError> {
    parse_yaml(display_path, text)
}

fn parse_yaml<T: de::DeserializeOwned>(display_path: &str, text: &str) -> Result<T, InputError> {
    serde_yaml::from_str(text).map_err(|e| yaml_error(display_path, text, &e))
}

/// A serde_yaml error as a diagnostic on the line it names.
fn yaml_error(display_path: &str, text: &str, e: &serde_yaml::Error) -> InputError {
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let message = user_words(&message);
    let (start, end) = match e.location() {
        Some(loc) => {
            let at = offset_of(text, loc.line(), loc.column());
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            (at, line_end.max(at))
        }
        None => (0, 0),
    };
    let label = if message.contains("unknown field") {
        "unknown key"
    } else if message.contains("invalid type") || message.contains("is not a") {
        "wrong type or value"
    } else {
        "here"
    };
    let mut err = InputError::at(
        display_path,
        text,
        start..end,
        format!("invalid pricing file `{display_path}`: {message}"),
        label,
    );
    if e.location().is_none() {
        err.span = None;
    }
    if let Some(field) = unknown_field(&message) {
        let help = match did_you_mean(field, Entry::fields().iter().copied()) {
            Some(near) => format!(
                "did you mean `{near}`? An entry takes: {}",
                Entry::fields().join(", ")
            ),
            None => format!(
                "an entry takes: {}; the file takes: provider, as_of, models",
                Entry::fields().join(", ")
            ),
        };
        err = err.with_help(help);
    }
    err
}

/// serde's words for the shapes it expected (`struct Entry`, `u64`) in the words of a
/// pricing file's documentation.
fn user_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        (
            "struct PricingFile",
            "a pricing file: a mapping with `models`",
        ),
        (
            "struct OverlayFile",
            "an overlay file: a mapping with `models`",
        ),
        (
            "struct Entry",
            "a model entry: a mapping such as `{ input: 2.5, output: 15 }`",
        ),
        ("option", "a value"),
        ("u64", "a whole number"),
        ("u32", "a whole number"),
        ("i64", "a whole number"),
        ("f64", "a number"),
        ("unit value", "nothing"),
        ("map", "a mapping"),
        ("sequence", "a list"),
    ];
    let mut out = message.to_string();
    for (serde, user) in WORDS {
        for lead in ["expected ", "invalid type: "] {
            out = out.replace(&format!("{lead}{serde}"), &format!("{lead}{user}"));
        }
    }
    out
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    Some(&rest[..rest.find('`')?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str, e: &InputError) -> usize {
        let at = e.span.expect("a span").offset();
        text[..at].matches('\n').count() + 1
    }

    #[test]
    fn parses_and_defaults_the_provider() {
        let text = "provider: acme\nas_of: 2026-01-02\nmodels:\n  a-1: { input: 2.5, output: 15 }\n  gpt-x: { input: 1, output: 2, provider: openai, max_output: 10 }\n";
        let m = parse_pricing("p.yaml", text, "file:p.yaml").unwrap();
        assert_eq!(m[0].provider, "acme");
        assert_eq!(m[0].price.output.to_string(), "15");
        assert_eq!(m[0].as_of, Date::parse("2026-01-02"));
        assert_eq!(m[1].provider, "openai");
        assert_eq!(m[1].max_output, Some(10));
    }

    #[test]
    fn lean_reader_agrees_with_yaml() {
        let text = "# c\nprovider: openai\nas_of: 2026-11-25\nmodels:\n  gpt-x: { input: 2.5, cached_input: 0.25, output: 15, context_window: 5, max_output: 6, mode: chat, deprecation: 2027-01-14 }\n  \"a.b-v1:0\": { input: 0.075, output: 0, as_of: 2026-03-03 }\n";
        let lean = parse_generated(text, "s").expect("generated layout");
        assert_eq!(lean, parse_pricing_yaml("p", text, "s").unwrap());
        assert_eq!(lean.len(), 2);
        assert!(
            parse_generated("models:\n  a-1: { input: 1, output: 2, oops: 3 }\n", "s").is_none()
        );
        assert!(parse_generated("models:\n  a-1: {input: 1, output: 2}\n", "s").is_none());
        assert!(parse_generated(
            "models:\n  a-1: { input: 1, output: 2 }\n  a-1: { input: 1, output: 2 }\n",
            "s"
        )
        .is_none());
    }

    #[test]
    fn errors_use_no_serde_or_rust_type_names() {
        for text in [
            "models:\n  gpt-x: 3\n",
            "models: [1]\n",
            "- 1\n",
            "models:\n  gpt-x: { input: 1, output: 2, max_output: -1 }\n",
            "models:\n  gpt-x: { input: 1, output: 2, mode: [] }\n",
        ] {
            let e = parse_pricing_yaml("p.yaml", text, "file:p.yaml").unwrap_err();
            for word in [
                "struct",
                "u64",
                "i64",
                "f64",
                "Entry",
                "PricingFile",
                "option",
            ] {
                assert!(!e.message.contains(word), "{text:?}: {}", e.message);
            }
        }
    }

    #[test]
    fn errors_point_at_their_line() {
        let unknown = "models:\n  a-1: { input: 1, output: 2 }\n  b-2: { input: 1, outptu: 2 }\n";
        let e = parse_pricing("p.yaml", unknown, "").unwrap_err();
        assert_eq!(line_of(unknown, &e), 3, "{e:?}");
        assert!(
            e.help.as_deref().unwrap_or("").contains("`output`"),
            "{e:?}"
        );

        let wrong = "models:\n  a-1: { input: 1, output: 2 }\n  b-2: { input: cheap, output: 2 }\n";
        let e = parse_pricing("p.yaml", wrong, "").unwrap_err();
        assert_eq!(line_of(wrong, &e), 3, "{e:?}");

        let negative = "models:\n  a-1:\n    input: 1\n    output: -2\n";
        let e = parse_pricing("p.yaml", negative, "").unwrap_err();
        assert_eq!(line_of(negative, &e), 4, "{e:?}");

        let syntax = "models:\n  a-1: { input: 1, output: 2 }\n  b-2: { input: 1, output: 2\n";
        let e = parse_pricing("p.yaml", syntax, "").unwrap_err();
        assert!(line_of(syntax, &e) >= 3, "{e:?}");

        let twice = "models:\n  a-1: { input: 1, output: 2 }\n  a-1: { input: 1, output: 3 }\n";
        let e = parse_pricing("p.yaml", twice, "").unwrap_err();
        assert!(e.message.contains("twice"), "{e:?}");

        let missing = "models:\n  a-1: { input: 1 }\n";
        let e = parse_pricing("p.yaml", missing, "").unwrap_err();
        assert!(e.message.contains("output"), "{e:?}");
        assert_eq!(line_of(missing, &e), 2, "{e:?}");
    }
}

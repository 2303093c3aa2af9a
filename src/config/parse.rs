//! Strict conversion of a policy file from a YAML value into a `Policy`. Every mapping is checked
//! against the keys it may hold, every value against the type it must have, and every mistake is
//! reported at its key or value in the file.

// `InputError` carries the whole file for its report; its size is the error module's choice.
#![allow(clippy::result_large_err)]

use super::span::{first_duplicate_key, key_span, value_span};
use super::{
    Budget, CheckEntry, DenyRule, Globs, IgnorePolicy, ModelsPolicy, Policy, PolicyOrigin,
    PolicySource, PricingSource, Usage, UsageChange, UsageOverride, UsagePolicy, MAX_CALLS_PER_DAY,
    MAX_TOKENS,
};
use crate::diagnostic::Level;
use crate::error::{did_you_mean, offset_of, InputError};
use globset::{GlobBuilder, GlobSetBuilder};
use serde_yaml::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

type Result<T> = std::result::Result<T, InputError>;

const TOP_KEYS: &[&str] = &[
    "version",
    "pricing",
    "deployments",
    "usage",
    "models",
    "checks",
    "budget",
    "ignore",
];
const USAGE_KEYS: &[&str] = &["days_per_month", "default", "overrides", "sites"];
const USAGE_FIELDS: &[&str] = &["calls_per_day", "input_tokens", "cached_input_tokens"];
const OVERRIDE_KEYS: &[&str] = &[
    "paths",
    "calls_per_day",
    "input_tokens",
    "cached_input_tokens",
];
const MODELS_KEYS: &[&str] = &["allow", "deny"];
const DENY_KEYS: &[&str] = &["id", "reason"];
const BUDGET_KEYS: &[&str] = &[
    "max_monthly_increase_usd",
    "max_monthly_increase_pct",
    "max_monthly_usd",
];
const BUDGET_LIMIT_KEYS: &[&str] = &["max", "level"];
const IGNORE_KEYS: &[&str] = &["paths"];
const PRICING_KEYS: &[&str] = &["file", "litellm"];
const LEVELS: &[&str] = &["off", "note", "warning", "error"];

/// The most a policy file may hold. Real ones are a few KiB.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;
/// How deep `[` and `{` may nest in a policy file. Real ones nest two or three deep.
const MAX_FLOW_DEPTH: usize = 32;

pub(super) fn parse(display_path: &str, text: &str, base_dir: &Path) -> Result<Policy> {
    let cx = Cx {
        file: display_path,
        text,
        places: RefCell::default(),
    };
    cx.precheck()?;
    let root: Value = serde_yaml::from_str(text).map_err(|e| cx.syntax(&e))?;
    cx.policy(&root, base_dir)
}

/// Where in the file a value sits: keys and list indexes from the top.
#[derive(Clone, Default)]
struct KeyPath(Vec<Segment>);

#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

impl KeyPath {
    fn key(&self, key: &str) -> KeyPath {
        let mut path = self.clone();
        path.0.push(Segment::Key(key.to_string()));
        path
    }

    fn index(&self, index: usize) -> KeyPath {
        let mut path = self.clone();
        path.0.push(Segment::Index(index));
        path
    }

    /// The segments as `span.rs` takes them.
    fn segments(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Index(i) => i.to_string(),
            })
            .collect()
    }

    /// The path without its last segment (the empty path is its own parent).
    fn parent(&self) -> KeyPath {
        let mut path = self.clone();
        path.0.pop();
        path
    }

    fn is_top(&self) -> bool {
        self.0.is_empty()
    }

    /// How messages name this place: `` `usage.default` ``, or the top level.
    fn name(&self) -> String {
        if self.is_top() {
            "the top level of the policy file".to_string()
        } else {
            format!("`{self}`")
        }
    }
}

/// `usage.overrides[0].paths`, as users read it.
impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The keys of a mapping, already checked against the keys it may hold.
struct Fields<'v> {
    path: KeyPath,
    entries: Vec<(String, &'v Value)>,
}

impl<'v> Fields<'v> {
    fn get(&self, key: &str) -> Option<(KeyPath, &'v Value)> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(k, v)| (self.path.key(k), *v))
    }
}

/// The policy file being converted, for error reports.
struct Cx<'a> {
    file: &'a str,
    text: &'a str,
    /// Values checked only once the policy is in use (pricing paths, deployment targets), by
    /// key path: where they are, for the errors found then.
    places: RefCell<BTreeMap<String, Range<usize>>>,
}

impl Cx<'_> {
    /// Rejects, in one pass over the bytes, what would make the YAML parser slow: a file over
    /// [`MAX_POLICY_BYTES`], or `[` and `{` nested deeper than [`MAX_FLOW_DEPTH`] (quoted
    /// strings and comments aside).
    fn precheck(&self) -> Result<()> {
        if self.text.len() > MAX_POLICY_BYTES {
            return Err(InputError::plain(format!(
                "policy file `{}` is {} bytes; costlint reads policy files of at most {} bytes",
                self.file,
                self.text.len(),
                MAX_POLICY_BYTES
            ))
            .in_file(self.file));
        }
        let bytes = self.text.as_bytes();
        let (mut depth, mut i) = (0usize, 0usize);
        let mut line_start = true;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(self
                            .at_offset(
                                i..i + 1,
                                format!("lists and mappings nest more than {MAX_FLOW_DEPTH} deep"),
                                "too deep",
                            )
                            .with_help("a policy nests two or three levels; check the brackets"));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'#' if line_start || i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                    i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                    continue;
                }
                b'"' | b'\'' if line_start || i > 0 && b" \t[{,:-".contains(&bytes[i - 1]) => {
                    // A quoted scalar: skip to its closing quote (`\"` and `''` stay inside).
                    let mut j = i + 1;
                    while j < bytes.len() {
                        if bytes[j] == b && !(b == b'"' && bytes[j - 1] == b'\\') {
                            if b == b'\'' && bytes.get(j + 1) == Some(&b'\'') {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j += 1;
                    }
                    i = j + 1;
                    line_start = false;
                    continue;
                }
                _ => {}
            }
            line_start = b == b'\n';
            i += 1;
        }
        Ok(())
    }

    /// Notes where the value at `path` is, for errors found once the policy is in use.
    fn remember(&self, path: &KeyPath) {
        let span = self.span(path, false);
        self.places.borrow_mut().insert(path.to_string(), span);
    }

    fn at_offset(
        &self,
        range: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> InputError {
        InputError::at(self.file, self.text, range, message, label)
    }

    // ---- error reports ----

    fn syntax(&self, e: &serde_yaml::Error) -> InputError {
        let full = e.to_string();
        let Some(location) = e.location() else {
            return InputError::plain(format!("`{}` is not valid YAML: {full}", self.file));
        };
        // The message repeats the place, which the report shows anyway.
        let marker = format!(" at line {} column {}", location.line(), location.column());
        let reason = full.replacen(&marker, "", 1);
        if reason.contains("duplicate entry") {
            if let Some((key, range)) = first_duplicate_key(self.text) {
                return InputError::at(
                    self.file,
                    self.text,
                    range,
                    format!("duplicate key `{key}`"),
                    "set again here",
                )
                .with_help("a key may appear once in a mapping; keep one of them");
            }
        }
        let start = offset_of(self.text, location.line(), location.column());
        // The first clause says what is wrong; the rest says where the enclosing block began.
        let label = reason
            .split(", while")
            .next()
            .unwrap_or(&reason)
            .to_string();
        let help = if self
            .text
            .get(start..)
            .is_some_and(|rest| rest.starts_with('\t'))
        {
            "YAML does not allow tabs for indentation; indent with spaces"
        } else {
            "a policy file is a YAML mapping; check the indentation and quoting around this line"
        };
        InputError::at(
            self.file,
            self.text,
            self.token_at(start),
            format!("invalid YAML: {reason}"),
            label,
        )
        .with_help(help)
    }

    /// The word starting at `start` (at least one character), to underline.
    fn token_at(&self, start: usize) -> Range<usize> {
        let rest = self.text.get(start..).unwrap_or("");
        let len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        let len = if len == 0 {
            rest.chars().next().map_or(0, char::len_utf8)
        } else {
            len
        };
        start..start + len
    }

    /// Bytes to underline for `path`: its key (`on_key`) or its value, else the nearest enclosing
    /// entry the text shows, else the start of the file. A value spanning several lines is cut to
    /// its first line.
    fn span(&self, path: &KeyPath, on_key: bool) -> Range<usize> {
        let mut path = path.clone();
        let mut on_key = on_key;
        loop {
            let segments = path.segments();
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            let found = if on_key {
                key_span(self.text, &segments)
            } else {
                value_span(self.text, &segments)
            };
            if let Some(range) = found {
                let line_end = self.text[range.clone()]
                    .find('\n')
                    .map_or(range.end, |n| range.start + n);
                let trimmed = self.text[range.start..line_end].trim_end().len();
                return range.start..range.start + trimmed.max(1).min(line_end - range.start);
            }
            if path.is_top() {
                return 0..0;
            }
            path = path.parent();
            on_key = true;
        }
    }

    fn at_key(
        &self,
        path: &KeyPath,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> InputError {
        InputError::at(self.file, self.text, self.span(path, true), message, label)
    }

    fn at_value(
        &self,
        path: &KeyPath,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> InputError {
        InputError::at(self.file, self.text, self.span(path, false), message, label)
    }

    fn wrong_type(&self, path: &KeyPath, expected: &str, found: &Value) -> InputError {
        let at = if path.is_top() {
            "at the top level of the policy file".to_string()
        } else {
            format!("for `{path}`")
        };
        self.at_value(
            path,
            format!("expected {expected} {at}, found {}", describe(found)),
            format!("expected {expected}"),
        )
    }

    /// An unknown `word` where one of `expected` belongs.
    fn unknown(
        &self,
        at: Unknown<'_>,
        message: String,
        word: &str,
        expected: &[&str],
        listing: &str,
    ) -> InputError {
        let list = expected
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match did_you_mean(word, expected.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? {listing}: {list}"),
            None => format!("{listing}: {list}"),
        };
        self.at_key(at.path, message, at.label).with_help(help)
    }

    // ---- shapes ----

    /// A mapping whose keys are strings, in file order.
    fn entries<'v>(&self, value: &'v Value, path: &KeyPath) -> Result<Vec<(String, &'v Value)>> {
        let Value::Mapping(mapping) = value else {
            return Err(self.wrong_type(path, "a mapping", value));
        };
        mapping
            .iter()
            .map(|(k, v)| match k {
                Value::String(k) => Ok((k.clone(), v)),
                other => Err(self.at_key(
                    &path.key(&scalar_text(other)),
                    format!(
                        "keys in {} must be strings, found {}",
                        path.name(),
                        describe(other)
                    ),
                    "not a string",
                )),
            })
            .collect()
    }

    /// A mapping that may hold only `keys`.
    fn fields<'v>(&self, value: &'v Value, path: &KeyPath, keys: &[&str]) -> Result<Fields<'v>> {
        let entries = self.entries(value, path)?;
        if let Some((key, _)) = entries.iter().find(|(k, _)| !keys.contains(&k.as_str())) {
            let place = if path.is_top() {
                "at the top level".to_string()
            } else {
                format!("in `{path}`")
            };
            return Err(self.unknown(
                Unknown {
                    path: &path.key(key),
                    label: "unknown key",
                },
                format!("unknown key `{key}` {place}"),
                key,
                keys,
                "expected one of",
            ));
        }
        Ok(Fields {
            path: path.clone(),
            entries,
        })
    }

    fn list<'v>(&self, value: &'v Value, path: &KeyPath, expected: &str) -> Result<&'v [Value]> {
        match value {
            Value::Sequence(items) => Ok(items),
            other => Err(self.wrong_type(path, expected, other)),
        }
    }

    fn string<'v>(&self, value: &'v Value, path: &KeyPath) -> Result<&'v str> {
        match value {
            Value::String(s) if s.trim().is_empty() => {
                Err(self.at_value(path, format!("`{path}` must not be empty"), "empty string"))
            }
            Value::String(s) => Ok(s),
            other => Err(self.wrong_type(path, "a string", other)),
        }
    }

    fn u64(&self, value: &Value, path: &KeyPath) -> Result<u64> {
        let Value::Number(n) = value else {
            return Err(self.wrong_type(path, "an integer", value));
        };
        if let Some(n) = n.as_u64() {
            return Ok(n);
        }
        let message = if n.as_i64().is_some() || n.as_f64().is_some_and(|f| f < 0.0) {
            format!("`{path}` must not be negative, found {n}")
        } else {
            format!("expected an integer for `{path}`, found {n}")
        };
        Err(self.at_value(path, message, "expected a whole number"))
    }

    fn u64_in(
        &self,
        value: &Value,
        path: &KeyPath,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64> {
        let n = self.u64(value, path)?;
        if range.contains(&n) {
            return Ok(n);
        }
        let (low, high) = (range.start(), range.end());
        let bounds = match (low, high) {
            (_, &u64::MAX) => format!("at least {low}"),
            (0, _) => format!("at most {high}"),
            _ => format!("between {low} and {high}"),
        };
        Err(self.at_value(
            path,
            format!("`{path}` must be {bounds}, found {n}"),
            format!("must be {bounds}"),
        ))
    }

    fn u32_in(
        &self,
        value: &Value,
        path: &KeyPath,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<u32> {
        let n = self.u64_in(
            value,
            path,
            u64::from(*range.start())..=u64::from(*range.end()),
        )?;
        // In range by the check above.
        Ok(u32::try_from(n).unwrap_or(*range.end()))
    }

    /// A finite number ≥ 0 (integer or decimal).
    fn amount(&self, value: &Value, path: &KeyPath) -> Result<f64> {
        let Value::Number(n) = value else {
            return Err(self.wrong_type(path, "a number", value));
        };
        match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Ok(f),
            Some(f) if f.is_finite() => Err(self.at_value(
                path,
                format!("`{path}` must not be negative, found {n}"),
                "must be ≥ 0",
            )),
            _ => Err(self.at_value(
                path,
                format!("`{path}` must be a finite number, found {n}"),
                "not a finite number",
            )),
        }
    }

    fn level(&self, value: &Value, path: &KeyPath) -> Result<Level> {
        let s = match value {
            Value::String(s) => s,
            Value::Bool(_) => {
                return Err(self.wrong_type(path, "a level", value).with_help(
                    "levels are off, note, warning and error; write `off` to turn a check off",
                ))
            }
            other => {
                return Err(self.wrong_type(path, "a level (off, note, warning or error)", other))
            }
        };
        Level::parse(s).ok_or_else(|| {
            let help = match did_you_mean(s, LEVELS.iter().copied()) {
                Some(near) => {
                    format!("did you mean `{near}`? expected one of: off, note, warning, error")
                }
                None => "expected one of: off, note, warning, error".to_string(),
            };
            self.at_value(
                path,
                format!("unknown level `{s}` for `{path}`"),
                "not a level",
            )
            .with_help(help)
        })
    }

    /// A list of globs, compiled. Model ids match case-insensitively and `*` crosses `/`; paths are
    /// matched with `*` stopping at `/` and `**` crossing folders.
    fn globs(&self, value: &Value, path: &KeyPath, kind: GlobKind) -> Result<(Vec<String>, Globs)> {
        let items = self.list(value, path, "a list of globs")?;
        let mut patterns = Vec::with_capacity(items.len());
        let mut set = GlobSetBuilder::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = path.index(i);
            let pattern = self.string(item, &item_path)?;
            set.add(self.glob(pattern, &item_path, kind)?);
            patterns.push(pattern.to_string());
        }
        Ok((patterns, self.build(set, path)?))
    }

    fn build(&self, set: GlobSetBuilder, path: &KeyPath) -> Result<Globs> {
        let set = set.build().map_err(|e| {
            self.at_value(
                path,
                format!("cannot use the globs in `{path}`: {e}"),
                "here",
            )
        })?;
        Ok(Globs(set))
    }

    fn glob(&self, pattern: &str, path: &KeyPath, kind: GlobKind) -> Result<globset::Glob> {
        let mut builder = GlobBuilder::new(pattern);
        match kind {
            GlobKind::Path => builder.literal_separator(true),
            GlobKind::Model => builder.case_insensitive(true),
        };
        builder.build().map_err(|e| {
            self.at_value(path, format!("invalid glob `{pattern}` in `{path}`: {}", e.kind()), "invalid glob").with_help(
                "globs use `*` (any characters), `?` (one character), `[abc]` (a set), `{a,b}` (alternatives) \
                 and, in paths, `**` (any folders)",
            )
        })
    }

    // ---- sections ----

    fn policy(&self, root: &Value, base_dir: &Path) -> Result<Policy> {
        let top = KeyPath::default();
        if root.is_null() {
            return Err(InputError::at(
                self.file,
                self.text,
                0..0,
                "the policy file is empty",
                "expected `version: 1`",
            )
            .with_help(
                "start the file with `version: 1`; `costlint init` writes a commented starter",
            ));
        }
        let fields = self.fields(root, &top, TOP_KEYS)?;
        let version = self.version(fields.get("version"))?;
        let pricing = fields
            .get("pricing")
            .map(|(p, v)| self.pricing(v, &p, base_dir));
        let pricing = pricing
            .transpose()?
            .unwrap_or_else(|| vec![PricingSource::Builtin]);
        let deployments = fields
            .get("deployments")
            .map(|(p, v)| self.deployments(v, &p));
        let usage = fields.get("usage").map(|(p, v)| self.usage(v, &p));
        let models = fields.get("models").map(|(p, v)| self.models(v, &p));
        let checks = fields.get("checks").map(|(p, v)| self.checks(v, &p));
        let budget = fields.get("budget").map(|(p, v)| self.budget(v, &p));
        let ignore = fields.get("ignore").map(|(p, v)| self.ignore(v, &p));
        let origin = PolicyOrigin::File(self.file.into());
        Ok(Policy {
            version,
            pricing,
            deployments: deployments.transpose()?.unwrap_or_default(),
            usage: usage.transpose()?.unwrap_or_default(),
            models: models.transpose()?.unwrap_or_default(),
            checks: checks.transpose()?.unwrap_or_default(),
            budget: budget.transpose()?.unwrap_or_default(),
            ignore: ignore.transpose()?.unwrap_or_default(),
            origin,
            source: Some(PolicySource {
                display_path: self.file.to_string(),
                text: self.text.into(),
                places: self.places.take(),
            }),
        })
    }

    fn version(&self, entry: Option<(KeyPath, &Value)>) -> Result<u32> {
        let Some((path, value)) = entry else {
            return Err(InputError::at(
                self.file,
                self.text,
                0..0,
                "missing `version` in the policy file",
                "expected `version: 1`",
            )
            .with_help("add `version: 1` at the top of the file"));
        };
        match value {
            Value::Number(n) if n.as_u64() == Some(1) => Ok(1),
            Value::Number(n) => Err(self
                .at_value(
                    &path,
                    format!("unsupported policy version {n}"),
                    "expected 1",
                )
                .with_help("this costlint reads `version: 1`")),
            other => Err(self
                .wrong_type(&path, "the integer 1", other)
                .with_help("write `version: 1`")),
        }
    }

    fn pricing(
        &self,
        value: &Value,
        path: &KeyPath,
        base_dir: &Path,
    ) -> Result<Vec<PricingSource>> {
        let expected = "a list of pricing sources";
        let items = self.list(value, path, expected)?;
        if items.is_empty() {
            return Err(self
                .at_value(
                    path,
                    format!("`{path}` names no pricing source"),
                    "empty list",
                )
                .with_help(
                    "list at least `- builtin`, or leave `pricing` out to use the bundled prices",
                ));
        }
        let help = "a pricing source is `builtin`, `file: <path to a costlint pricing file>` or \
                    `litellm: <path to model_prices_and_context_window.json>`";
        let mut sources = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = path.index(i);
            let source = match item {
                Value::String(s) if s == "builtin" => PricingSource::Builtin,
                Value::String(s) => {
                    let message = match did_you_mean(s, ["builtin"]) {
                        Some(near) => {
                            format!("unknown pricing source `{s}` (did you mean `{near}`?)")
                        }
                        None => format!("unknown pricing source `{s}`"),
                    };
                    return Err(self
                        .at_value(&item_path, message, "unknown source")
                        .with_help(help));
                }
                Value::Mapping(m) if m.len() != 1 => {
                    return Err(self
                        .at_value(
                            &item_path,
                            format!("`{item_path}` must name exactly one source"),
                            "one source per item",
                        )
                        .with_help(help));
                }
                Value::Mapping(_) => {
                    let fields = self.fields(item, &item_path, PRICING_KEYS)?;
                    if let Some((p, v)) = fields.get("file") {
                        self.remember(&p);
                        PricingSource::File(base_dir.join(self.string(v, &p)?))
                    } else if let Some((p, v)) = fields.get("litellm") {
                        self.remember(&p);
                        PricingSource::Litellm(base_dir.join(self.string(v, &p)?))
                    } else {
                        return Err(self
                            .wrong_type(&item_path, "a pricing source", item)
                            .with_help(help));
                    }
                }
                other => {
                    return Err(self
                        .wrong_type(&item_path, "a pricing source", other)
                        .with_help(help))
                }
            };
            sources.push(source);
        }
        Ok(sources)
    }

    fn deployments(&self, value: &Value, path: &KeyPath) -> Result<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        for (name, model) in self.entries(value, path)? {
            let entry = path.key(&name);
            if name.trim().is_empty() {
                return Err(self.at_key(
                    &entry,
                    "a deployment name must not be empty",
                    "empty name",
                ));
            }
            let model = match model {
                Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                Value::String(_) | Value::Null => {
                    return Err(self
                        .at_value(&entry, format!("deployment `{name}` maps to no model"), "expected a model id")
                        .with_help(format!("write the catalog model this deployment serves, e.g. `{name}: gpt-5.4`")));
                }
                other => return Err(self.wrong_type(&entry, "a model id (a string)", other)),
            };
            self.remember(&entry);
            out.insert(name, model);
        }
        Ok(out)
    }

    fn usage(&self, value: &Value, path: &KeyPath) -> Result<UsagePolicy> {
        let fields = self.fields(value, path, USAGE_KEYS)?;
        let mut usage = UsagePolicy::default();
        if let Some((p, v)) = fields.get("days_per_month") {
            usage.days_per_month = self.u32_in(v, &p, 1..=31)?;
        }
        if let Some((p, v)) = fields.get("default") {
            let fields = self.fields(v, &p, USAGE_FIELDS)?;
            let [calls, input, cached] = self.usage_fields(&fields)?;
            let base = Usage::default();
            usage.default = Usage {
                calls_per_day: calls.unwrap_or(base.calls_per_day),
                input_tokens: input.unwrap_or(base.input_tokens),
                cached_input_tokens: cached.unwrap_or(base.cached_input_tokens),
            };
            self.check_cached(&fields, usage.default)?;
        }
        if let Some((p, v)) = fields.get("overrides") {
            let items = self.list(v, &p, "a list of overrides")?;
            for (i, item) in items.iter().enumerate() {
                let o = self.usage_override(item, &p.index(i), usage.default)?;
                usage.overrides.push(o);
            }
        }
        if let Some((p, v)) = fields.get("sites") {
            for (key, entry) in self.entries(v, &p)? {
                let at = p.key(&key);
                let fields = self.fields(entry, &at, USAGE_FIELDS)?;
                let [calls_per_day, input_tokens, cached_input_tokens] =
                    self.usage_fields(&fields)?;
                let change = UsageChange {
                    calls_per_day,
                    input_tokens,
                    cached_input_tokens,
                };
                if change == UsageChange::default() {
                    return Err(self
                        .at_value(&at, format!("`{at}` changes nothing"), "no usage field")
                        .with_help("set at least one of `calls_per_day`, `input_tokens`, `cached_input_tokens`"));
                }
                self.check_cached(&fields, change.apply(usage.default))?;
                self.remember(&at);
                usage.sites.insert(key, change);
            }
        }
        Ok(usage)
    }

    /// `calls_per_day` (at most [`MAX_CALLS_PER_DAY`]), `input_tokens` and
    /// `cached_input_tokens` (at most [`MAX_TOKENS`]), each optional.
    fn usage_fields(&self, fields: &Fields<'_>) -> Result<[Option<u64>; 3]> {
        let mut out = [None; 3];
        for (slot, name) in out.iter_mut().zip(USAGE_FIELDS) {
            if let Some((p, v)) = fields.get(name) {
                let most = usage_bound(name);
                *slot = Some(self.u64_in(v, &p, 0..=most).map_err(|e| {
                    e.with_help(format!(
                        "costlint prices at most {} calls a day and {} tokens a call",
                        crate::cost::thousands(MAX_CALLS_PER_DAY),
                        crate::cost::thousands(MAX_TOKENS)
                    ))
                })?);
            }
        }
        Ok(out)
    }

    /// Cached input tokens are part of the input tokens, so never more.
    fn check_cached(&self, fields: &Fields<'_>, usage: Usage) -> Result<()> {
        if usage.cached_input_tokens <= usage.input_tokens {
            return Ok(());
        }
        let at = fields
            .get("cached_input_tokens")
            .or_else(|| fields.get("input_tokens"));
        let path = at.map_or_else(|| fields.path.clone(), |(p, _)| p);
        Err(self
            .at_value(
                &path,
                format!(
                    "`cached_input_tokens` ({}) is more than `input_tokens` ({}) in `{}`",
                    usage.cached_input_tokens, usage.input_tokens, fields.path
                ),
                "more than the input tokens",
            )
            .with_help("cached input tokens are the part of the input read from the prompt cache"))
    }

    fn usage_override(
        &self,
        value: &Value,
        path: &KeyPath,
        default: Usage,
    ) -> Result<UsageOverride> {
        let fields = self.fields(value, path, OVERRIDE_KEYS)?;
        let Some((paths_at, paths)) = fields.get("paths") else {
            return Err(self
                .at_value(path, format!("`{path}` has no `paths`"), "missing `paths`")
                .with_help("an override applies to the files matching `paths: [\"glob\", …]`"));
        };
        let (paths, matcher) = self.globs(paths, &paths_at, GlobKind::Path)?;
        if paths.is_empty() {
            return Err(self.at_value(&paths_at, format!("`{paths_at}` is empty"), "no globs"));
        }
        let [calls_per_day, input_tokens, cached_input_tokens] = self.usage_fields(&fields)?;
        let o = UsageOverride {
            paths,
            calls_per_day,
            input_tokens,
            cached_input_tokens,
            matcher,
        };
        if calls_per_day.is_none() && input_tokens.is_none() && cached_input_tokens.is_none() {
            return Err(self
                .at_value(path, format!("`{path}` changes nothing"), "no usage field")
                .with_help(
                    "set at least one of `calls_per_day`, `input_tokens`, `cached_input_tokens`",
                ));
        }
        self.check_cached(&fields, o.apply(default))?;
        Ok(o)
    }

    fn models(&self, value: &Value, path: &KeyPath) -> Result<ModelsPolicy> {
        let fields = self.fields(value, path, MODELS_KEYS)?;
        let mut models = ModelsPolicy::default();
        if let Some((p, v)) = fields.get("allow") {
            let (allow, matcher) = self.globs(v, &p, GlobKind::Model)?;
            models.allow = Some(allow);
            models.allow_matcher = Some(matcher);
        }
        if let Some((p, v)) = fields.get("deny") {
            let mut set = GlobSetBuilder::new();
            for (i, item) in self.list(v, &p, "a list of deny rules")?.iter().enumerate() {
                let item_path = p.index(i);
                // `- gpt-4o` is short for `- id: gpt-4o`.
                let (rule, id_path) = match item {
                    Value::String(_) => (
                        DenyRule {
                            id: self.string(item, &item_path)?.to_string(),
                            reason: None,
                        },
                        item_path,
                    ),
                    _ => {
                        let rule = self.fields(item, &item_path, DENY_KEYS)?;
                        let Some((id_path, id)) = rule.get("id") else {
                            return Err(self
                                .at_value(
                                    &item_path,
                                    format!("`{item_path}` has no `id`"),
                                    "missing `id`",
                                )
                                .with_help(
                                    "a deny rule is `{ id: \"model-glob\", reason: \"why\" }`",
                                ));
                        };
                        let id = self.string(id, &id_path)?.to_string();
                        let reason = match rule.get("reason") {
                            Some((rp, r)) => Some(self.string(r, &rp)?.to_string()),
                            None => None,
                        };
                        (DenyRule { id, reason }, id_path)
                    }
                };
                set.add(self.glob(&rule.id, &id_path, GlobKind::Model)?);
                models.deny.push(rule);
            }
            models.deny_matcher = self.build(set, &p)?;
        }
        Ok(models)
    }

    /// The entries of `checks:`, kept as written: the check registry reads them.
    fn checks(&self, value: &Value, path: &KeyPath) -> Result<Vec<CheckEntry>> {
        Ok(self
            .entries(value, path)?
            .into_iter()
            .map(|(id, setting)| CheckEntry {
                value: RawValue {
                    value: setting.clone(),
                    path: path.key(&id),
                },
                id,
            })
            .collect())
    }

    fn budget(&self, value: &Value, path: &KeyPath) -> Result<Budget> {
        let fields = self.fields(value, path, BUDGET_KEYS)?;
        let mut levels = Vec::new();
        // A number (the limit, at level error) or `{ max: N, level: warning }`.
        let mut limit = |key: &'static str| -> Result<Option<f64>> {
            let Some((p, v)) = fields.get(key) else {
                return Ok(None);
            };
            if !matches!(v, Value::Mapping(_)) {
                return self.amount(v, &p).map(Some);
            }
            let inner = self.fields(v, &p, BUDGET_LIMIT_KEYS)?;
            if let Some((lp, lv)) = inner.get("level") {
                levels.push((key, self.level(lv, &lp)?));
            }
            match inner.get("max") {
                Some((mp, mv)) => self.amount(mv, &mp).map(Some),
                None => Err(self
                    .at_value(&p, format!("`{p}` needs `max`"), "no `max`")
                    .with_help("write `{ max: 500, level: warning }`, or the number alone")),
            }
        };
        let max_monthly_increase_usd = limit("max_monthly_increase_usd")?;
        let max_monthly_increase_pct = limit("max_monthly_increase_pct")?;
        let max_monthly_usd = limit("max_monthly_usd")?;
        Ok(Budget {
            max_monthly_increase_usd,
            max_monthly_increase_pct,
            max_monthly_usd,
            levels,
        })
    }

    fn ignore(&self, value: &Value, path: &KeyPath) -> Result<IgnorePolicy> {
        let fields = self.fields(value, path, IGNORE_KEYS)?;
        match fields.get("paths") {
            Some((p, v)) => {
                let (paths, matcher) = self.globs(v, &p, GlobKind::Path)?;
                Ok(IgnorePolicy { paths, matcher })
            }
            None => Ok(IgnorePolicy::default()),
        }
    }
}

/// A value of the policy file kept as written, with the path of keys that leads to it, for a
/// reader that knows what it must be (the check registry, for `checks:`).
#[derive(Clone)]
pub struct RawValue {
    value: Value,
    path: KeyPath,
}

impl fmt::Debug for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {:?}", self.path, self.value)
    }
}

impl RawValue {
    /// The path of keys to it as users read it: `checks.max-tokens-ceiling.max`.
    pub fn name(&self) -> String {
        self.path.to_string()
    }

    /// Whether it is a mapping (of options, under `checks:`).
    pub fn is_mapping(&self) -> bool {
        self.value.is_mapping()
    }

    /// Whether it is written as a word: a string, or a boolean (`off` reads as one in YAML).
    pub fn is_word(&self) -> bool {
        matches!(self.value, Value::String(_) | Value::Bool(_))
    }
}

/// Reads [`RawValue`]s of one policy file; every mistake is an error at the value or its key.
pub struct Reader<'a> {
    cx: Cx<'a>,
}

impl<'a> Reader<'a> {
    /// A reader for values of the file `file` whose text is `text`.
    pub(super) fn new(file: &'a str, text: &'a str) -> Reader<'a> {
        Reader {
            cx: Cx {
                file,
                text,
                places: RefCell::default(),
            },
        }
    }

    /// The entries of a mapping with string keys, in file order.
    pub fn entries(&self, raw: &RawValue) -> Result<Vec<(String, RawValue)>> {
        Ok(self
            .cx
            .entries(&raw.value, &raw.path)?
            .into_iter()
            .map(|(key, value)| {
                let path = raw.path.key(&key);
                (
                    key,
                    RawValue {
                        value: value.clone(),
                        path,
                    },
                )
            })
            .collect())
    }

    /// A level: `off`, `note`, `warning` or `error`.
    pub fn level(&self, raw: &RawValue) -> Result<Level> {
        self.cx.level(&raw.value, &raw.path)
    }

    /// A whole number within `range`.
    pub fn whole_number(
        &self,
        raw: &RawValue,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64> {
        self.cx.u64_in(&raw.value, &raw.path, range)
    }

    /// A finite number ≥ 0, whole or decimal.
    pub fn amount(&self, raw: &RawValue) -> Result<f64> {
        self.cx.amount(&raw.value, &raw.path)
    }

    /// "expected `expected` for `path`, found …", at the value.
    pub fn wrong_type(&self, raw: &RawValue, expected: &str) -> InputError {
        self.cx.wrong_type(&raw.path, expected, &raw.value)
    }

    /// An unknown `word` where one of `expected` belongs, underlined at the key that leads to
    /// `raw`, labelled `label`, with "did you mean" and the list of `expected` (introduced by
    /// `listing`) as help.
    pub fn unknown_key(
        &self,
        raw: &RawValue,
        message: String,
        label: &str,
        expected: &[&str],
        listing: &str,
    ) -> InputError {
        let word = match raw.path.0.last() {
            Some(Segment::Key(k)) => k.clone(),
            _ => String::new(),
        };
        let at = Unknown {
            path: &raw.path,
            label,
        };
        self.cx.unknown(at, message, &word, expected, listing)
    }
}

/// The largest value a usage field (`calls_per_day`, `input_tokens`, `cached_input_tokens`)
/// may take, in a policy and in a `costlint: usage` directive.
pub fn usage_bound(field: &str) -> u64 {
    if field == "calls_per_day" {
        MAX_CALLS_PER_DAY
    } else {
        MAX_TOKENS
    }
}

/// Where an unknown word sits and what to call it under the line.
struct Unknown<'a> {
    path: &'a KeyPath,
    label: &'a str,
}

#[derive(Clone, Copy)]
enum GlobKind {
    Path,
    Model,
}

/// A scalar as written in the file, to find it there (empty for anything else).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// What a YAML value is, for "found …" in messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_string(),
        Value::Bool(b) => format!("a boolean (`{b}`)"),
        Value::Number(n) if n.is_f64() => format!("a decimal number (`{n}`)"),
        Value::Number(n) => format!("an integer (`{n}`)"),
        Value::String(_) => "a string".to_string(),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(t) => format!("a value tagged `{}`", t.tag),
    }
}

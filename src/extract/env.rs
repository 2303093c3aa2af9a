//! Environments: `KEY=value` entries. A key that selects a model (`OPENAI_MODEL`) is a site; a
//! key that ends in a limit parameter (`OPENAI_MAX_TOKENS`) is a limit, bound to the model key
//! that shares the longest prefix with it (or to the only model of the environment).
//!
//! [`bind`] does this for a list of [`Entry`] values, whoever read them: `.env` files (here),
//! Dockerfiles (`dockerfile`) and the environments of YAML files (`container`). A value
//! written as a placeholder with a default (`${OPENAI_MODEL:-gpt-4o}`) is its default.

use super::{
    directive, is_model_text, Columns, Context, FileFacts, LimitRef, ModelRef, SiteFact, Via,
};
use crate::catalog::Resolution;
use crate::diagnostic::Span;
use crate::extract::code::parse_int;
use crate::rules::{normalize, ExtractRules};
use std::ops::Range;

/// One `KEY=value` entry of an environment, as byte ranges of the file's text.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The variable's name (`OPENAI_MODEL`).
    pub key: Range<usize>,
    /// The value as written, without enclosing quotes; possibly empty, possibly a placeholder.
    pub value: Range<usize>,
    /// The whole entry, where its site or limit is reported.
    pub whole: Range<usize>,
    /// The statement the entry belongs to, for the directives above it.
    pub statement: Range<usize>,
}

/// The facts of a `.env` file: one environment, read line by line.
pub(super) fn extract(text: &str, cx: &Context) -> FileFacts {
    let mut facts = FileFacts::default();
    let lines = Lines::new(text);
    let mut entries = Vec::new();
    let mut offset = 0;
    let physical: Vec<&str> = text.split_inclusive('\n').collect();
    for (row, raw) in physical.iter().enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        if body.starts_with('#') {
            if body.contains("costlint:") {
                let next = physical
                    .get(row + 1)
                    .map_or(offset..offset, |l| offset..offset + l.len());
                let span = lines.span(start + indent..start + line.len());
                directive::parse(body, span, vec![start..offset, next], &mut facts);
            }
            continue;
        }
        let decl = body.strip_prefix("export ").unwrap_or(body);
        let decl_at = start + indent + (body.len() - decl.len());
        let Some(eq) = decl.find('=') else { continue };
        let key = trimmed(decl_at, &decl[..eq]);
        let raw_value = &decl[eq + 1..];
        let mut value = raw_value.trim_start();
        let value_at = decl_at + eq + 1 + (raw_value.len() - value.len());
        if let Some(hash) = value.find(" #") {
            value = &value[..hash];
        }
        let value = unquoted(value_at, value.trim_end());
        entries.push(Entry {
            key,
            value,
            whole: decl_at + (eq - decl[..eq].trim_start().len())..start + line.len(),
            statement: start..offset,
        });
    }
    bind(text, &lines, &entries, cx, &mut facts);
    facts
}

/// Adds the facts of one environment's `entries` (spans from `lines`, over `text`) to `facts`:
/// a site for each model key whose value names a model, a limit for each limit key, a reference
/// for any other value the catalog knows; then each model key takes the limit key sharing the
/// longest prefix with it, or the only limit key when the environment has one model key.
pub(super) fn bind(
    text: &str,
    lines: &Lines,
    entries: &[Entry],
    cx: &Context,
    facts: &mut FileFacts,
) {
    let rules = ExtractRules::get();
    let mut model_keys: Vec<(usize, String)> = Vec::new(); // site index, normalised key
    let mut limit_keys: Vec<(usize, String)> = Vec::new();
    for e in entries {
        let Some(key) = text.get(e.key.clone()) else {
            continue;
        };
        // A value the file does not give (`${OPENAI_MODEL}`) is chosen where it runs.
        let value = text
            .get(e.value.clone())
            .and_then(default_value)
            .map(|r| e.value.start + r.start..e.value.start + r.end);
        let written = value.clone().and_then(|r| Some((text.get(r.clone())?, r)));
        let (written, at) = written.unwrap_or(("", e.value.end..e.value.end));
        let placeholder = text
            .get(e.value.clone())
            .is_some_and(|v| v.starts_with("${"));
        if crate::rules::is_env_name(key) && rules.is_model_key(key) && !written.is_empty() {
            let resolution = cx.resolve(written);
            if !is_model_text(written, &resolution) {
                continue;
            }
            let model = facts.refs.len();
            facts.refs.push(ModelRef {
                text: written.to_string(),
                span: lines.span(at),
                resolution,
            });
            // An embedding, speech or image model is no text request, even when priced.
            if rules.is_non_text_model(written) {
                continue;
            }
            model_keys.push((facts.sites.len(), normalize(key)));
            facts.sites.push(SiteFact {
                span: lines.span(e.whole.clone()),
                key: Some(key.to_string()),
                model,
                via: if placeholder {
                    let raw = text.get(e.value.clone()).unwrap_or("");
                    Via::EnvDefault {
                        var: placeholder_var(raw),
                    }
                } else {
                    Via::Literal
                },
                limit: None,
                enclosing: None,
            });
        } else if rules.is_limit_env(key) {
            let span = lines.span(e.whole.clone());
            let value_line = Some(lines.span(at.clone()).line).filter(|&l| l != span.line);
            limit_keys.push((facts.limits.len(), normalize(key)));
            facts.limits.push(LimitRef {
                param: key.to_string(),
                value: parse_int(written),
                value_line: value_line.filter(|_| !written.is_empty()),
                conditional: false,
                table_model: None,
                span,
                bound: false,
            });
        } else {
            let resolution = cx.resolve(written);
            if !written.is_empty() && !matches!(resolution, Resolution::Unknown) {
                facts.refs.push(ModelRef {
                    text: written.to_string(),
                    span: lines.span(at),
                    resolution,
                });
            }
        }
    }
    for (site, key) in &model_keys {
        let best = limit_keys
            .iter()
            .map(|(l, lk)| (common_prefix(key, lk), *l))
            .filter(|(n, _)| *n > 0 || model_keys.len() == 1)
            .max_by_key(|(n, l)| (*n, std::cmp::Reverse(*l)));
        if let Some((_, l)) = best {
            facts.sites[*site].limit = Some(l);
            facts.limits[l].bound = true;
        }
    }
}

/// The length of the opening of a placeholder with a default, `${VAR:-` or `${VAR-`, that
/// `value` starts with; `None` when it starts with anything else.
pub(crate) fn placeholder_open(value: &[u8]) -> Option<usize> {
    let rest = value.strip_prefix(b"${")?;
    let name = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    if name == 0 {
        return None;
    }
    let colon = usize::from(rest.get(name) == Some(&b':'));
    (rest.get(name + colon) == Some(&b'-')).then_some(2 + name + colon + 1)
}

/// The bytes of `value` that give its value: all of it; or, for a placeholder with a default
/// (`${VAR:-gpt-4o}`, `${VAR-gpt-4o}`, nested `${A:-${B:-gpt-4o}}`), the default without
/// enclosing quotes. `None` when the file does not give the value: a placeholder without a
/// default (`${VAR}`, `$VAR`), or one that is only part of the value (`${VAR:-a}-b`).
fn default_value(value: &str) -> Option<Range<usize>> {
    let bytes = value.as_bytes();
    let mut start = 0;
    let mut depth = 0;
    while let Some(n) = placeholder_open(&bytes[start..]) {
        start += n;
        depth += 1;
    }
    let end = bytes.len().checked_sub(depth)?;
    if start > end || bytes[end..].iter().any(|&b| b != b'}') {
        return None;
    }
    let inner = &value[start..end];
    if inner.contains(['{', '}', '$']) {
        return None;
    }
    Some(unquoted(start, inner))
}

/// The variable a placeholder reads: `OPENAI_MODEL` in `${OPENAI_MODEL:-gpt-4o}`.
fn placeholder_var(value: &str) -> String {
    value
        .trim_start_matches("${")
        .split([':', '-', '}'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// The bytes of `s`, found at byte `at` of the file, without surrounding whitespace.
pub(super) fn trimmed(at: usize, s: &str) -> Range<usize> {
    let lead = s.len() - s.trim_start().len();
    at + lead..at + s.trim_end().len()
}

/// The bytes of `s`, found at byte `at` of the file, without surrounding quotes.
pub(super) fn unquoted(at: usize, s: &str) -> Range<usize> {
    let quote = |c: char| c == '"' || c == '\'';
    let lead = s.len() - s.trim_start_matches(quote).len();
    let inner = s.trim_matches(quote);
    at + lead..at + lead + inner.len()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Turns byte ranges of a file into spans (lines and character columns), for readers that
/// work on bytes rather than syntax nodes.
pub(super) struct Lines<'t> {
    text: &'t str,
    /// The byte each line starts at; the first is 0.
    starts: Vec<usize>,
    columns: Columns,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines {
            text,
            starts,
            columns: Columns::default(),
        }
    }

    /// The span of bytes `r` (clamped to the text).
    pub(super) fn span(&self, r: Range<usize>) -> Span {
        let point = |b: usize| {
            let row = self.starts.partition_point(|&s| s <= b).saturating_sub(1);
            (row, b - self.starts.get(row).copied().unwrap_or(0))
        };
        let (start, end) = (r.start.min(self.text.len()), r.end.min(self.text.len()));
        let end = end.max(start);
        self.columns
            .span(self.text, start, end, point(start), point(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_of(v: &str) -> Option<&str> {
        default_value(v).map(|r| &v[r])
    }

    #[test]
    fn a_placeholder_with_a_default_is_its_default() {
        assert_eq!(default_of("gpt-4o"), Some("gpt-4o"));
        assert_eq!(default_of("${OPENAI_MODEL:-gpt-4o}"), Some("gpt-4o"));
        assert_eq!(default_of("${OPENAI_MODEL-gpt-4o}"), Some("gpt-4o"));
        assert_eq!(default_of("${A:-${B:-4000}}"), Some("4000"));
        assert_eq!(default_of("${A:-\"gpt-4o\"}"), Some("gpt-4o"));
        assert_eq!(default_of("${A:-}"), Some(""));
        assert_eq!(default_of("${OPENAI_MODEL}"), None);
        assert_eq!(default_of("$OPENAI_MODEL"), None);
        assert_eq!(default_of("${A:-gpt}-4o"), None);
        assert_eq!(default_of("${A:-x}${B:-y}"), None);
        assert_eq!(default_of("${A:?required}"), None);
        assert_eq!(default_of("${A:-gpt-4o"), None);
        assert_eq!(placeholder_var("${OPENAI_MODEL:-gpt-4o}"), "OPENAI_MODEL");
    }

    #[test]
    fn lines_give_lines_and_character_columns() {
        let text = "ab\nçd=e\n";
        let lines = Lines::new(text);
        let s = lines.span(6..7); // `=`, after a two-byte `ç`
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (2, 3, 2, 4));
        let s = lines.span(0..100);
        assert_eq!((s.line, s.column, s.end_line), (1, 1, 3));
    }
}

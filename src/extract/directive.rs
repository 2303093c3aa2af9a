//! `costlint:` directives in comments:
//! - `costlint: ignore[check-id, …] reason="…" until=YYYY-MM-DD` suppresses those checks on the
//!   comment's line and the statement that follows it;
//! - `costlint: usage calls_per_day=20000 input_tokens=1200 cached_input_tokens=0` sets the
//!   volume of the call sites in the statement that follows it.

use super::FileFacts;
use crate::date::Date;
use crate::diagnostic::Span;
use serde::Serialize;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The comment.
    pub span: Span,
    /// Byte ranges it applies to: its own line and the statement after it.
    pub covers: Vec<Range<usize>>,
}

impl Directive {
    pub fn covers(&self, byte: usize) -> bool {
        self.covers
            .iter()
            .any(|r| r.contains(&byte) || (r.is_empty() && r.start == byte))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectiveKind {
    Ignore {
        checks: Vec<String>,
        reason: Option<String>,
        until: Option<Date>,
    },
    Usage(UsageHint),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UsageHint {
    pub calls_per_day: Option<u64>,
    pub input_tokens: Option<u64>,
    pub cached_input_tokens: Option<u64>,
}

/// The keys of `costlint: usage`.
const USAGE_KEYS: &[&str] = &["calls_per_day", "input_tokens", "cached_input_tokens"];

/// Parses the directive in comment text `body`; malformed ones become problems, never silence.
pub(crate) fn parse(body: &str, span: Span, covers: Vec<Range<usize>>, facts: &mut FileFacts) {
    let Some(at) = body.find("costlint:") else {
        return;
    };
    let rest = body[at + "costlint:".len()..].trim();
    let rest = rest.trim_end_matches("*/").trim_end_matches("-->").trim();
    match parse_kind(rest) {
        Ok(kind) => facts.directives.push(Directive { kind, span, covers }),
        Err(message) => facts.problems.push((span, message)),
    }
}

fn parse_kind(rest: &str) -> Result<DirectiveKind, String> {
    if let Some(after) = rest.strip_prefix("ignore") {
        let after = after.trim_start();
        let Some(inner) = after.strip_prefix('[') else {
            return Err("`costlint: ignore` needs the checks it silences: `costlint: ignore[check-id] reason=\"…\"`".into());
        };
        let Some(close) = inner.find(']') else {
            return Err("unclosed `[` in `costlint: ignore[…]`".into());
        };
        let checks: Vec<String> = inner[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if checks.is_empty() {
            return Err("`costlint: ignore[]` names no check".into());
        }
        let (mut reason, mut until) = (None, None);
        for (key, value) in pairs(&inner[close + 1..])? {
            match key.as_str() {
                "reason" => reason = Some(value),
                "until" => {
                    until = Some(
                        Date::parse(&value)
                            .ok_or_else(|| format!("`until={value}` is not a date (YYYY-MM-DD)"))?,
                    )
                }
                other => {
                    return Err(format!(
                    "unknown option `{other}` in `costlint: ignore` (expected `reason` or `until`)"
                ))
                }
            }
        }
        return Ok(DirectiveKind::Ignore {
            checks,
            reason,
            until,
        });
    }
    if let Some(after) = rest.strip_prefix("usage") {
        let mut hint = UsageHint::default();
        for (key, value) in pairs(after)? {
            let n: u64 = value
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{key}={value}` is not a whole number"))?;
            let most = crate::config::usage_bound(&key);
            if n > most && USAGE_KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "`{key}={value}` is more than costlint prices (at most {most})"
                ));
            }
            match key.as_str() {
                "calls_per_day" => hint.calls_per_day = Some(n),
                "input_tokens" => hint.input_tokens = Some(n),
                "cached_input_tokens" => hint.cached_input_tokens = Some(n),
                other => {
                    return Err(format!(
                        "unknown key `{other}` in `costlint: usage` (expected calls_per_day, input_tokens, cached_input_tokens)"
                    ))
                }
            }
        }
        if let (Some(cached), Some(input)) = (hint.cached_input_tokens, hint.input_tokens) {
            if cached > input {
                return Err(format!(
                    "`cached_input_tokens={cached}` is more than `input_tokens={input}`"
                ));
            }
        }
        if hint == UsageHint::default() {
            return Err("`costlint: usage` sets nothing: `costlint: usage calls_per_day=20000 input_tokens=1200`".into());
        }
        return Ok(DirectiveKind::Usage(hint));
    }
    let word = rest.split_whitespace().next().unwrap_or("");
    Err(format!(
        "unknown costlint directive `{word}` (expected `ignore[…]` or `usage`)"
    ))
}

/// `key=value key2="quoted value"` pairs.
fn pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            return Err(format!("expected `key=value`, found `{rest}`"));
        };
        let key = rest[..eq].trim().to_string();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(format!("expected `key=value`, found `{}`", rest.trim()));
        }
        let after = &rest[eq + 1..];
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            let end = q
                .find('"')
                .ok_or_else(|| format!("unclosed quote after `{key}=`"))?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (after[..end].to_string(), &after[end..])
        };
        out.push((key, value));
        rest = tail.trim_start();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ignore_and_usage() {
        let k = parse_kind(
            "ignore[missing-max-tokens, denied-model] reason=\"bounded upstream\" until=2027-03-01",
        )
        .unwrap();
        assert_eq!(
            k,
            DirectiveKind::Ignore {
                checks: vec!["missing-max-tokens".into(), "denied-model".into()],
                reason: Some("bounded upstream".into()),
                until: Date::parse("2027-03-01"),
            }
        );
        let k = parse_kind("usage calls_per_day=20_000 input_tokens=1200").unwrap();
        assert_eq!(
            k,
            DirectiveKind::Usage(UsageHint {
                calls_per_day: Some(20_000),
                input_tokens: Some(1200),
                cached_input_tokens: None
            })
        );
    }

    #[test]
    fn malformed_directives_say_why() {
        assert!(parse_kind("ignore")
            .unwrap_err()
            .contains("needs the checks"));
        assert!(parse_kind("ignore[x] until=2027-13-01")
            .unwrap_err()
            .contains("not a date"));
        assert!(parse_kind("usage calls=3")
            .unwrap_err()
            .contains("unknown key `calls`"));
        assert!(parse_kind("usage calls_per_day=many")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(parse_kind("silence")
            .unwrap_err()
            .contains("unknown costlint directive"));
        assert!(parse_kind("usage calls_per_day=18446744073709551615")
            .unwrap_err()
            .contains("at most 1000000000"));
        assert!(parse_kind("usage input_tokens=100_000_001")
            .unwrap_err()
            .contains("at most 100000000"));
        assert!(parse_kind("usage input_tokens=10 cached_input_tokens=20")
            .unwrap_err()
            .contains("more than `input_tokens=10`"));
        assert!(parse_kind("usage calls_per_day=1_000_000_000").is_ok());
    }
}

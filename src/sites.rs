//! Priced call sites: a model reference, the limit bound to it, the usage it runs at, and what
//! that costs per call and per month.

use crate::catalog::{Catalog, ModelInfo, Resolution};
use crate::cost::Money;
use crate::diagnostic::Span;
use crate::extract::{LimitRef, Via};
use crate::usage::AppliedUsage;
use serde::Serialize;

/// A priced call site.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// A fingerprint of [`Site::site_key`]: stable when lines move or the model changes.
    pub id: String,
    /// The site's key as text (see [`SiteKey`]): path, enclosing names, model key, limit
    /// parameter and ordinal, with no model text and no line in it.
    pub site_key: String,
    /// The functions, classes and mapping keys that enclose the site, outermost first.
    pub enclosing: Option<String>,
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
    pub key: Option<String>,
    pub model: SiteModel,
    pub limit: Option<LimitRef>,
    pub usage: AppliedUsage,
    pub cost: Option<SiteCost>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteModel {
    pub text: String,
    pub line: u32,
    #[serde(skip)]
    pub span: Span,
    pub resolved: Resolution,
    pub provider: Option<String>,
    pub via: Via,
}

/// Where the output-token figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputSource {
    /// The limit bound at the call site.
    Limit,
    /// No limit (or one computed at run time): the model's maximum output.
    ModelMaximum,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteCost {
    pub model_id: String,
    /// USD per 1M tokens.
    pub input_usd_per_mtok: String,
    pub cached_input_usd_per_mtok: String,
    pub output_usd_per_mtok: String,
    pub output_tokens: u64,
    pub output_source: OutputSource,
    #[serde(serialize_with = "money")]
    pub per_call: Money,
    #[serde(serialize_with = "money")]
    pub daily: Money,
    #[serde(serialize_with = "money")]
    pub monthly: Money,
    /// Where each input came from, in words.
    pub basis: String,
}

/// Money in machine output: a decimal string with two places (`"1800.00"`), exact.
pub fn money<S: serde::Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    s.collect_str(&format_args!(
        "{sign}{}.{:02}",
        c.abs() / 100,
        c.abs() % 100
    ))
}

/// What one call costs and what that comes to a day and a month: per call = (input − cached)
/// × input price + cached × cached price (the input price when the model has none) + output ×
/// output price, prices in USD per 1M tokens. `Err` says why the site could not be priced.
pub fn price(
    model: Option<&ModelInfo>,
    limit: Option<&LimitRef>,
    usage: &AppliedUsage,
) -> Result<SiteCost, String> {
    let Some(info) = model else {
        return Err("the model is not in the pricing catalog".into());
    };
    let (output_tokens, output_source) = match limit.and_then(|l| l.value) {
        Some(v) => (v, OutputSource::Limit),
        None => match info.max_output {
            Some(m) => (m, OutputSource::ModelMaximum),
            None => {
                return Err(format!(
                    "no output limit and the catalog has no maximum output for `{}`",
                    info.id
                ))
            }
        },
    };
    let p = info.price;
    let cached_rate = p.cached_input.unwrap_or(p.input);
    // Cached input tokens are the part of the input read from the prompt cache.
    let uncached = usage.input_tokens.saturating_sub(usage.cached_input_tokens);
    let per_call = p.input.cost(uncached)
        + cached_rate.cost(usage.cached_input_tokens)
        + p.output.cost(output_tokens);
    let daily = per_call.times(usage.calls_per_day);
    let monthly = daily.times(u64::from(usage.days_per_month));
    let out_words = match output_source {
        OutputSource::Limit => format!("{output_tokens} output tokens (the call's limit)"),
        OutputSource::ModelMaximum => {
            format!("{output_tokens} output tokens (the model's maximum: no limit set)")
        }
    };
    let basis = format!(
        "{} calls/day × {} days; {} input tokens, {} of them cached; {out_words}; prices of `{}` from {}",
        usage.calls_per_day, usage.days_per_month, usage.input_tokens, usage.cached_input_tokens, info.id, info.source
    );
    Ok(SiteCost {
        model_id: info.id.clone(),
        input_usd_per_mtok: p.input.to_string(),
        cached_input_usd_per_mtok: cached_rate.to_string(),
        output_usd_per_mtok: p.output.to_string(),
        output_tokens,
        output_source,
        per_call,
        daily,
        monthly,
        basis,
    })
}

/// The catalog entry a resolution points at.
pub fn model_info<'c>(catalog: &'c Catalog, r: &Resolution) -> Option<&'c ModelInfo> {
    r.id().and_then(|id| catalog.get(id))
}

/// A call site's identity across edits: its path, the functions, classes or config entries
/// that enclose it, the key that selects the model, the limit parameter, and an ordinal among
/// sites that share all four. No model text and no line: a site keeps its key when lines move
/// above it or its model changes. Written `path::enclosing::key::param::n`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteKey {
    /// `path::enclosing::key::param::n`.
    pub text: String,
}

impl SiteKey {
    /// `path::enclosing::key::param`: what the ordinal counts within.
    pub fn stem(path: &str, enclosing: &str, key: &str, param: &str) -> String {
        format!("{path}::{enclosing}::{key}::{param}")
    }

    /// The key of the `n`th site (from 1) with `stem`.
    pub fn new(stem: String, n: u32) -> SiteKey {
        SiteKey {
            text: format!("{stem}::{n}"),
        }
    }

    /// The short fingerprint reports show as the site's `id`.
    pub fn id(&self) -> String {
        fingerprint(&[&self.text])
    }
}

impl Site {
    /// The key without its path (`::enclosing::key::param::n`): what stays when the file is
    /// renamed.
    pub fn key_within_file(&self) -> &str {
        self.site_key
            .strip_prefix(self.path.as_str())
            .unwrap_or(&self.site_key)
    }
}

/// A short, stable fingerprint (FNV-1a, 64 bits, hex).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// One output-token limit found, for the inventory (`limits[]` in JSON) and the limit checks.
#[derive(Debug, Clone, Serialize)]
pub struct LimitEntry {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The parameter as written: `max_tokens`, `maxOutputTokens`.
    pub param: String,
    /// Tokens; `None` when computed at run time.
    pub value: Option<u64>,
    /// Where the number is written, when not on the limit's own line.
    pub value_line: Option<u32>,
    /// The value is the largest literal branch of a conditional (`vision ? 4096 : undefined`).
    pub conditional: bool,
    /// The model of the call the limit is bound to.
    pub model: Option<LimitModel>,
    /// The id of the call site that claimed it.
    pub site: Option<String>,
    /// Whether the code runs: false in test code priced at zero calls a day, where limits are
    /// not checked.
    #[serde(skip)]
    pub runs: bool,
    #[serde(skip)]
    pub span: Span,
}

/// The model a limit is bound to: its text as written and the line it is written on.
#[derive(Debug, Clone, Serialize)]
pub struct LimitModel {
    pub text: String,
    pub line: u32,
}

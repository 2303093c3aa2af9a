//! How model names are spelled: provider families, route prefixes, snapshot dates, and the
//! leading token of a name that the prefilter and the fast path of `resolve` share.

/// Route prefixes written in front of a model name, and the provider family each one means.
/// `gemini_only` prefixes (`models/`, `google/`) are accepted only in front of a Gemini model.
pub struct Route {
    pub prefix: &'static str,
    pub family: &'static str,
    pub gemini_only: bool,
}

const fn route(prefix: &'static str, family: &'static str) -> Route {
    Route {
        prefix,
        family,
        gemini_only: false,
    }
}

/// No prefix in this table starts another, so order does not matter. Matching is
/// case-sensitive; the case-folding step of `resolve` handles `OpenAI/gpt-4o`.
pub const ROUTES: &[Route] = &[
    // LiteLLM-style `provider/model`.
    route("openai/", "openai"),
    route("anthropic/", "anthropic"),
    route("gemini/", "gemini"),
    route("vertex_ai/", "vertex_ai"),
    route("azure/", "azure"),
    route("azure_ai/", "azure"),
    route("bedrock/", "bedrock"),
    route("converse/", "bedrock"),
    route("invoke/", "bedrock"),
    route("openrouter/", "openrouter"),
    route("groq/", "groq"),
    route("together_ai/", "together_ai"),
    route("mistral/", "mistral"),
    route("mistralai/", "mistral"),
    route("xai/", "xai"),
    route("x-ai/", "xai"),
    route("deepseek/", "deepseek"),
    route("perplexity/", "perplexity"),
    // Gemini API resource names and OpenRouter's `google/` namespace.
    Route {
        prefix: "models/",
        family: "gemini",
        gemini_only: true,
    },
    Route {
        prefix: "google/",
        family: "gemini",
        gemini_only: true,
    },
    // pydantic-ai and LangChain `provider:model`.
    route("openai:", "openai"),
    route("anthropic:", "anthropic"),
    route("google-gla:", "gemini"),
    route("google_genai:", "gemini"),
    route("google-vertex:", "vertex_ai"),
    route("google_vertexai:", "vertex_ai"),
    route("groq:", "groq"),
    route("mistral:", "mistral"),
    route("mistralai:", "mistral"),
    route("xai:", "xai"),
    route("grok:", "xai"),
    route("deepseek:", "deepseek"),
    route("bedrock:", "bedrock"),
    route("bedrock_converse:", "bedrock"),
    route("azure:", "azure"),
    route("azure_openai:", "azure"),
    route("openrouter:", "openrouter"),
    route("together:", "together_ai"),
];

/// The route prefix `s` starts with, if any.
pub fn route_of(s: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| s.starts_with(r.prefix))
}

/// The provider family of an id written without one: from its route prefix or its maker's
/// naming (`gpt-…` → `openai`, `claude-…` → `anthropic`); `custom` when there is no telling.
pub fn infer_family(id: &str) -> &'static str {
    if let Some(r) = route_of(id) {
        return r.family;
    }
    let lower = id.to_ascii_lowercase();
    let starts = |ps: &[&str]| ps.iter().any(|p| lower.starts_with(p));
    if starts(&[
        "gpt-",
        "chatgpt-",
        "ft:",
        "o1",
        "o3",
        "o4-",
        "codex-",
        "computer-use-",
    ]) {
        "openai"
    } else if starts(&["claude-"]) {
        "anthropic"
    } else if starts(&["gemini-", "gemma-", "learnlm-"]) {
        "gemini"
    } else if starts(&["grok-"]) {
        "xai"
    } else if starts(&[
        "mistral-",
        "codestral-",
        "ministral-",
        "magistral-",
        "devstral-",
        "pixtral-",
        "open-mistral-",
        "open-mixtral-",
    ]) {
        "mistral"
    } else if starts(&["deepseek-"]) {
        "deepseek"
    } else if starts(&["pplx-", "sonar-"]) {
        "perplexity"
    } else if split_bedrock_region(&lower).is_some() || split_bedrock_vendor(&lower).is_some() {
        "bedrock"
    } else {
        "custom"
    }
}

/// Bedrock cross-region inference prefixes (`us.anthropic.…`).
pub const BEDROCK_REGIONS: &[&str] = &[
    "us", "eu", "apac", "global", "us-gov", "jp", "au", "ca", "in",
];

/// Bedrock model vendors (`anthropic.claude-…`) whose models are also sold first-party under
/// the same bare name.
pub const BEDROCK_FIRST_PARTY: &[&str] = &["anthropic", "openai", "mistral", "xai", "deepseek"];

/// Azure data-zone segments after `azure/`.
pub const AZURE_ZONES: &[&str] = &["eu", "us", "global", "global-standard", "apac", "us-gov"];

/// `us.anthropic.claude-…` → (`us`, `anthropic.claude-…`) when the text after the region is a
/// `vendor.model` id.
pub fn split_bedrock_region(s: &str) -> Option<(&str, &str)> {
    for region in BEDROCK_REGIONS {
        if let Some(rest) = s.strip_prefix(region).and_then(|r| r.strip_prefix('.')) {
            if split_bedrock_vendor(rest).is_some() {
                return Some((&s[..region.len()], rest));
            }
        }
    }
    None
}

/// `anthropic.claude-…` → (`anthropic`, `claude-…`): a lower-case vendor word, a dot, and a
/// name that starts with a letter.
pub fn split_bedrock_vendor(s: &str) -> Option<(&str, &str)> {
    let (vendor, rest) = s.split_once('.')?;
    let vendor_ok = vendor.len() >= 2
        && vendor
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let rest_ok = rest.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    (vendor_ok && rest_ok).then_some((vendor, rest))
}

/// An AWS region path segment as in `bedrock/us-east-1/…`: `us-east-1`, `us-gov-west-1`.
pub fn is_aws_region(seg: &str) -> bool {
    let parts: Vec<&str> = seg.split('-').collect();
    let n = parts.len();
    (3..=4).contains(&n)
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[n - 1].is_empty()
        && parts[1..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Strips a Bedrock version suffix: `-v1:0`, `-v2:0`, `-v1`, `-1:0`.
pub fn strip_bedrock_version(s: &str) -> Option<&str> {
    let (head, tail) = s.rsplit_once('-')?;
    let tail = tail.strip_prefix('v').unwrap_or(tail);
    let (major, minor) = match tail.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None if s[head.len() + 1..].starts_with('v') => (tail, None),
        None => return None,
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && minor.is_none_or(digits)).then_some(head)
}

/// The route-stripped form of a catalog key: what users of the serving provider's own SDK write.
/// `gemini/gemini-2.5-pro` → `gemini-2.5-pro`; `azure/eu/gpt-4o` → `gpt-4o`;
/// `bedrock/us-east-1/meta.llama3-70b-instruct-v1:0` → `meta.llama3-70b-instruct-v1:0`;
/// `openrouter/anthropic/claude-sonnet-4.5` → `anthropic/claude-sonnet-4.5`;
/// `together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo` → `meta-llama/Llama-3.3-70B-Instruct-Turbo`.
/// `None` when the key has no route prefix.
pub fn route_stripped(key: &str) -> Option<&str> {
    const KEY_ROUTES: &[&str] = &[
        "gemini/",
        "vertex_ai/",
        "azure/",
        "azure_ai/",
        "bedrock/",
        "openrouter/",
        "groq/",
        "together_ai/",
        "mistral/",
        "xai/",
        "deepseek/",
        "perplexity/",
        "anthropic/",
        "openai/",
    ];
    let mut rest = KEY_ROUTES.iter().find_map(|p| key.strip_prefix(p))?;
    while let Some((seg, tail)) = rest.split_once('/') {
        let sub_route = is_aws_region(seg)
            || (key.starts_with("bedrock/")
                && matches!(seg, "invoke" | "converse" | "claude_platform"))
            || (key.starts_with("azure") && AZURE_ZONES.contains(&seg));
        if !sub_route {
            break;
        }
        rest = tail;
    }
    (!rest.is_empty()).then_some(rest)
}

/// The names of the model a catalog id (or a name as written) stands for, for policy rules
/// that name models: the name itself, then without its host route (`azure/gpt-5.5-pro` →
/// `gpt-5.5-pro`; `bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0` →
/// `claude-sonnet-4-5-20250929`; `vertex_ai/claude-opus-4-1@20250805` → `claude-opus-4-1`),
/// and each without its snapshot date (`gpt-5.5-pro-2026-04-23` → `gpt-5.5-pro`). No
/// duplicates; the name itself first.
pub fn model_names(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let mut add = |n: &str| {
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    };
    if let Some(stripped) = route_stripped(name) {
        add(stripped);
    }
    add(bare_name(name));
    let forms: Vec<String> = out.clone();
    for form in &forms {
        let mut form = form.as_str();
        while let Some((base, _)) = split_snapshot(form) {
            out.push(base.to_string());
            form = base;
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|n| seen.insert(n.clone()));
    out
}

/// A snapshot date at the end of a name: `gpt-4o-2024-08-06` → (`gpt-4o`, `2024-08-06`),
/// `claude-sonnet-4-5-20250929` → (`claude-sonnet-4-5`, `20250929`). The date is returned in a
/// form that sorts chronologically (`YYYYMMDD`).
pub fn split_snapshot(s: &str) -> Option<(&str, String)> {
    let b = s.as_bytes();
    let n = b.len();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    // `-YYYY-MM-DD`
    let dashes = n > 11 && b[n - 11] == b'-' && b[n - 6] == b'-' && b[n - 3] == b'-';
    if dashes
        && digits(n - 10..n - 6)
        && digits(n - 5..n - 3)
        && digits(n - 2..n)
        && b[n - 10] == b'2'
    {
        let date = format!("{}{}{}", &s[n - 10..n - 6], &s[n - 5..n - 3], &s[n - 2..n]);
        return Some((&s[..n - 11], date));
    }
    // `-YYYYMMDD`
    if n > 9 && b[n - 9] == b'-' && digits(n - 8..n) && b[n - 8] == b'2' && b[n - 7] == b'0' {
        return Some((&s[..n - 9], s[n - 8..].to_string()));
    }
    None
}

/// `raw` without route prefixes, Bedrock region and vendor prefixes, `ft:` and `@version`: the
/// model's own name, to compare for suggestions. `us.anthropic.claude-x-v1:0` → `claude-x`.
pub fn bare_name(raw: &str) -> &str {
    let mut s = raw
        .strip_prefix("ft:")
        .map_or(raw, |r| r.split(':').next().unwrap_or(r));
    while let Some(route) = route_of(s) {
        s = &s[route.prefix.len()..];
    }
    if let Some((_, rest)) = split_bedrock_region(s) {
        s = rest;
    }
    if let Some((_, rest)) = split_bedrock_vendor(s) {
        s = strip_bedrock_version(rest).unwrap_or(rest);
    }
    s.split('@').next().unwrap_or(s)
}

/// The key under which hosts of one model meet: the bare name of a catalog id (data zones and
/// AWS regions dropped too), folded. `claude-sonnet-4-6`, `us.anthropic.claude-sonnet-4-6`,
/// `vertex_ai/claude-sonnet-4-6@default` and `openrouter/anthropic/claude-sonnet-4.6` all give
/// `claude-sonnet-4-6`.
pub fn same_model_key(id: &str) -> String {
    fold(bare_name(route_stripped(id).unwrap_or(id)))
}

/// Words that are too common in text to be a prefilter token on their own: region codes,
/// namespaces and English words. A token whose word is one of these extends to the next word
/// (`models/gemini-`, `us.anthropic.`, `meta.llama3-`, `text-unicorn`).
const GENERIC: &[&str] = &[
    "us", "eu", "apac", "global", "gov", "jp", "au", "ca", "in", "uk", "sa", "ap", "me", "models",
    "model", "google", "amazon", "meta", "chat", "code", "text", "deep", "open", "computer",
    "labs", "ui", "command", "the", "my", "test", "default", "auto", "api", "base", "custom",
    "local", "new", "old", "free", "mini", "large", "small", "pro",
];

const SEPARATORS: &[u8] = b"-./:@";

/// The leading token of `s` (which must already be lower-case): its first word up to the first
/// separator (`-`, `.`, `/`, `:`, `@`) or digit run, keeping the separator or the digits and the
/// separator after them: `gpt-5.4` → `gpt-`, `o1` → `o1`, `o3-mini` → `o3-`, `llama3-70b` →
/// `llama3-`, `claude-sonnet-4-6` → `claude-`. A generic first word (see [`GENERIC`]) or a
/// one-letter first word (`x-ai/`) extends to the following word. Returns the token's length,
/// so that the fast path of `resolve` needs no allocation.
pub fn leading_token(s: &[u8]) -> usize {
    let n = s.len();
    let mut i = 0;
    loop {
        let mut j = i;
        while j < n && (s[j].is_ascii_alphabetic() || s[j] == b'_') {
            j += 1;
        }
        let word = &s[i..j];
        let mut k = j;
        while k < n && s[k].is_ascii_digit() {
            k += 1;
        }
        let has_digits = k > j;
        let has_sep = k < n && SEPARATORS.contains(&s[k]);
        if has_sep {
            k += 1;
        }
        let generic = GENERIC.iter().any(|g| g.as_bytes() == word)
            || (i == 0 && word.len() < 2 && !has_digits);
        if generic && !has_digits && has_sep && k < n && j > i {
            i = k;
            continue;
        }
        return k;
    }
}

/// [`leading_token`] of a string, lower-cased, as an owned string (slow path and tests).
pub fn token_of(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let n = leading_token(lower.as_bytes());
    lower[..n].to_string()
}

/// Lower-case, and `.` between two digits → `-`: the spelling-insensitive form used to match
/// `claude-sonnet-4.5` with `claude-sonnet-4-5` and `GPT-4o` with `gpt-4o`.
pub fn fold(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        if ch == '.'
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            out.push('-');
        } else {
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

/// A name with no digit and no separator (`auto`, `default`, `model`): never a model on its own.
pub fn is_pure_word(s: &str) -> bool {
    !s.bytes()
        .any(|b| b.is_ascii_digit() || SEPARATORS.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        for (s, t) in [
            ("gpt-5.4", "gpt-"),
            ("o1", "o1"),
            ("o3-mini", "o3-"),
            ("llama3-70b", "llama3-"),
            ("claude-sonnet-4-6", "claude-"),
            ("models/gemini-2.5-pro", "models/gemini-"),
            ("us.anthropic.claude-x", "us.anthropic."),
            ("us-gov.anthropic.claude-x", "us-gov.anthropic."),
            ("x-ai/grok-4", "x-ai/"),
            ("meta-llama/llama-3", "meta-llama/"),
            ("text-unicorn@001", "text-unicorn@"),
            ("chat-latest", "chat-latest"),
            ("auto", "auto"),
            ("ft:gpt-4o", "ft:"),
            ("command-r-plus", "command-r-"),
        ] {
            assert_eq!(token_of(s), t, "{s}");
        }
    }

    #[test]
    fn snapshots_and_suffixes() {
        assert_eq!(
            split_snapshot("gpt-4o-2024-08-06"),
            Some(("gpt-4o", "20240806".into()))
        );
        assert_eq!(
            split_snapshot("claude-sonnet-4-5-20250929"),
            Some(("claude-sonnet-4-5", "20250929".into()))
        );
        assert_eq!(split_snapshot("gpt-4o"), None);
        assert_eq!(split_snapshot("gpt-3.5-turbo-0125"), None);
        assert_eq!(
            strip_bedrock_version("anthropic.claude-x-20250929-v1:0"),
            Some("anthropic.claude-x-20250929")
        );
        assert_eq!(
            strip_bedrock_version("anthropic.claude-opus-4-6-v1"),
            Some("anthropic.claude-opus-4-6")
        );
        assert_eq!(
            strip_bedrock_version("openai.gpt-oss-120b-1:0"),
            Some("openai.gpt-oss-120b")
        );
        assert_eq!(strip_bedrock_version("anthropic.claude-sonnet-4-6"), None);
        assert_eq!(
            split_bedrock_region("us.anthropic.claude-x"),
            Some(("us", "anthropic.claude-x"))
        );
        assert_eq!(
            split_bedrock_region("us-gov.anthropic.claude-x"),
            Some(("us-gov", "anthropic.claude-x"))
        );
        assert_eq!(split_bedrock_region("us.x"), None);
        assert!(
            is_aws_region("us-gov-west-1")
                && is_aws_region("eu-central-1")
                && !is_aws_region("claude_platform")
        );
        assert_eq!(route_stripped("azure/eu/gpt-4o"), Some("gpt-4o"));
        assert_eq!(
            route_stripped("bedrock/us-east-1/meta.llama3-8b-instruct-v1:0"),
            Some("meta.llama3-8b-instruct-v1:0")
        );
        assert_eq!(
            route_stripped("openrouter/anthropic/claude-sonnet-4.5"),
            Some("anthropic/claude-sonnet-4.5")
        );
        assert_eq!(route_stripped("gpt-4o"), None);
        assert_eq!(fold("Claude-Sonnet-4.5"), "claude-sonnet-4-5");
        assert_eq!(fold("gpt-5.4"), "gpt-5-4");
        for id in [
            "claude-sonnet-4-6",
            "us.anthropic.claude-sonnet-4-6",
            "vertex_ai/claude-sonnet-4-6@default",
            "openrouter/anthropic/claude-sonnet-4.6",
            "bedrock/us-east-1/anthropic.claude-sonnet-4-6-v1:0",
        ] {
            assert_eq!(same_model_key(id), "claude-sonnet-4-6", "{id}");
        }
        assert_eq!(same_model_key("azure/eu/gpt-4o"), "gpt-4o");
    }
}

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

use crate::catalog::{Catalog, Resolution};
use crate::context::Context;
use crate::lang::Lang;
use crate::rules::ExtractRules;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::Regex;
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

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

/// What the prefilter found in a file.
pub struct Hits {
    /// Whether extraction can find anything: if not, the file need not be parsed.
    pub wanted: bool,
    /// Sorted byte offsets the extraction walk must look at: every mark and model key word
    /// (empty when not `wanted`).
    pub offsets: Vec<usize>,
    /// Sorted byte offsets of every token and `costlint:` directive, whether it counted or
    /// not: an outline of the file (see `extract::skeleton`) keeps every brace body holding one.
    pub marks: Vec<usize>,
    /// Sorted byte offsets of the model key words (`model`, `deployment`…), which an outline
    /// weighs one by one.
    pub words: Vec<usize>,
}

pub struct Prefilter {
    tokens: AhoCorasick,
    kinds: Vec<Kind>,
    keys: Keys,
}

/// What finds model keys; it does not depend on the catalog.
#[derive(Clone)]
struct Keys {
    /// Words that mark where a model may be chosen through a name (`model=MODEL`).
    words: AhoCorasick,
    code: Regex,
    config: Regex,
    dockerfile: Regex,
}

impl Keys {
    fn new() -> Keys {
        // A name the catalog does not know is only reported when it is model-shaped with a
        // version digit and written as the value of a model key, directly, as an environment
        // default or as a fallback: `model="acme-llm-7"`, `MODEL: str = "x-9"`, `model: acme-7`,
        // `model=os.getenv(…)`, `model: fields?.model || "acme-7"` (over up to three lines).
        // `model_name="page"` in a Django migration is not, and such files are not parsed.
        let words = ExtractRules::get().model_key_words();
        // Comments may stand around the `=` or `:` (`model  # the default\n= "x-7"`), a block
        // comment on one line and without a `*` (each match must end within its line).
        let comments = r#"(?:(?:#[^\n]*|//[^\n]*|/\*[^*\n]*\*/)\s*)*"#;
        let key = format!(
            r#"(?i-u)(?:{})[a-z_.-]*["']?\s*{comments}"#,
            words.join("|")
        );
        let annotation = r#"(?::\s*[a-z_][\w\[\]., |]*\s*)?"#;
        let versioned = r#"[a-z0-9._/:@+-]*[0-9]"#;
        // In code, what follows the key is read by `code_value`.
        // A placeholder's default is the value, quoted or not: `${OPENAI_MODEL:-acme-7}`,
        // `${OPENAI_MODEL-"acme-7"}` (see `extract::env::placeholder_open`).
        let placeholder = r#"(?:\$\{[a-z0-9_]+:?-["']?)*"#;
        let code = format!(r#"{key}{annotation}[:=]\s*{comments}"#);
        let config = format!(r#"{key}[:=]\s*["']?{placeholder}(?P<value>{versioned})"#);
        // A Dockerfile also writes `ENV OPENAI_MODEL acme-7`.
        let dockerfile = format!(r#"{key}[:=]?\s*["']?{placeholder}(?P<value>{versioned})"#);
        let words_ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&words)
            .unwrap_or_else(|e| panic!("prefilter automaton: {e}"));
        Keys {
            words: words_ac,
            code: Regex::new(&code).unwrap_or_else(|e| panic!("{e}")),
            config: Regex::new(&config).unwrap_or_else(|e| panic!("{e}")),
            dockerfile: Regex::new(&dockerfile).unwrap_or_else(|e| panic!("{e}")),
        }
    }
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
        // Every spelling extraction takes for a limit name (`max_tokens`, `max-tokens`,
        // `maxTokens`), matched in any case.
        let limits: Vec<String> = ExtractRules::get()
            .limit_forms()
            .map(str::to_string)
            .collect();
        let keys = Keys::new();
        let draft = Prefilter::build(&models, &limits, None, keys.clone());
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
        Prefilter::build(&models, &limits, Some(AhoCorasickKind::DFA), keys)
    }

    fn build(
        models: &[String],
        limits: &[String],
        kind: Option<AhoCorasickKind>,
        keys: Keys,
    ) -> Prefilter {
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
        Prefilter {
            tokens: ac,
            kinds: tokens.into_values().collect(),
            keys,
        }
    }

    /// Can `bytes`, a file of format `lang`, hold a model reference or a limit?
    pub fn wants(&self, cx: &Context, lang: Lang, bytes: &[u8]) -> bool {
        self.scan(cx, lang, bytes).wanted
    }

    /// One pass over a file's bytes: whether it can hold anything, and if so every place the
    /// extractor must look at (model and limit tokens, model keys with literals, `costlint:`
    /// directives, and any mention of a model key word, as a site may choose its model through
    /// a name: `model=MODEL`). Syntax subtrees holding none of them need no walk.
    pub fn scan(&self, cx: &Context, lang: Lang, bytes: &[u8]) -> Hits {
        let text = Text::new(lang, bytes);
        let mut marks = Vec::new();
        let mut counted = false;
        for m in self.tokens.find_overlapping_iter(bytes) {
            counted = counted || self.token_ok(cx, &text, &m);
            marks.push(m.start());
        }
        // A `costlint:` directive is reported even in a file with nothing else: an expired
        // or malformed one is a diagnostic of its own.
        let wanted = counted
            || self.has_model_key(cx, &text)
            || memchr::memmem::find(bytes, b"costlint:").is_some();
        if !wanted {
            return Hits {
                wanted,
                offsets: Vec::new(),
                marks: Vec::new(),
                words: Vec::new(),
            };
        }
        let words: Vec<usize> = self
            .keys
            .words
            .find_iter(bytes)
            .map(|m| m.start())
            .collect();
        let directives = memchr::memmem::find_iter(bytes, b"costlint:");
        marks.extend(directives);
        marks.sort_unstable();
        marks.dedup();
        // Once a file is wanted the walk looks at every token, counted or not: a limit whose
        // value is only known at run time (`max_tokens=budget`) does not bring a file in, but
        // is kept where it binds to a model of the file.
        let mut offsets = marks.clone();
        offsets.extend(&words);
        offsets.sort_unstable();
        offsets.dedup();
        Hits {
            wanted,
            offsets,
            marks,
            words,
        }
    }

    /// How many distinct catalog model names `bytes` holds, each a whole word (`gpt-4o` in
    /// `model = "gpt-4o"`, in `\"openai/gpt-4o\"` or in a comment; not `gpt-4o` in
    /// `my-gpt-4o-proxy`). For files of formats costlint cannot parse yet: one pass of the
    /// model-token automaton, and a catalog lookup per token found at a word start.
    pub fn model_names(&self, cx: &Context, bytes: &[u8]) -> usize {
        // Every candidate looked up, known or not: a file repeats the same few names.
        let mut seen: HashMap<&[u8], bool> = HashMap::new();
        // The end of the last known name: `gpt-4o` inside `openai/gpt-4o` is not another one.
        let mut covered = 0;
        for m in self.tokens.find_overlapping_iter(bytes) {
            if self.kinds[m.pattern().as_usize()] != Kind::Model || m.start() < covered {
                continue;
            }
            let word_start = m
                .start()
                .checked_sub(1)
                .is_none_or(|i| !is_word_byte(bytes[i]) && bytes[i] != b'-');
            if !word_start {
                continue;
            }
            let run = name_len(bytes[m.end()..].iter());
            let mut name = &bytes[m.start()..m.end() + run];
            // A name ends a sentence or a key: `gpt-4o.`, `gpt-4o:`.
            while let [rest @ .., b'.' | b':' | b'/' | b'-' | b'_' | b'@' | b'+'] = name {
                name = rest;
            }
            let known = *seen.entry(name).or_insert_with(|| {
                std::str::from_utf8(name).is_ok_and(|n| cx.resolve(n) != Resolution::Unknown)
            });
            if known {
                covered = m.start() + name.len();
            }
        }
        seen.values().filter(|known| **known).count()
    }

    fn key(&self, lang: Lang) -> &Regex {
        if lang == Lang::Dockerfile {
            &self.keys.dockerfile
        } else if lang.has_unquoted_values() {
            &self.keys.config
        } else {
            &self.keys.code
        }
    }

    /// A model key given a model-shaped literal or an environment lookup, outside comments; in
    /// YAML also a model key named by a Kubernetes environment entry (`- name: OPENAI_MODEL`),
    /// whatever its value.
    fn has_model_key(&self, cx: &Context, text: &Text) -> bool {
        let bytes = text.bytes;
        if text.lang == Lang::Yaml && self.names_model_variable(text) {
            return true;
        }
        // Matches may overlap (`model: str, model: T = "acme-7"`, where an annotation's text
        // runs into the next key): each key word is tried.
        let re = self.key(text.lang);
        let mut from = 0;
        std::iter::from_fn(|| {
            let c = re.captures_at(bytes, from)?;
            from = c.get(0).map_or(bytes.len(), |m| m.start() + 1);
            Some(c)
        })
        .any(|c| {
            let Some(whole) = c.get(0) else { return false };
            if text.in_comment(whole.start()) || text.in_long_string(whole.start()).is_some() {
                return false;
            }
            let key = &bytes[key_span(bytes, whole.start())];
            if !std::str::from_utf8(key).is_ok_and(|k| ExtractRules::get().is_model_key(k)) {
                return false;
            }
            let is_model = |at: usize| {
                let name = &bytes[at..at + name_len(bytes[at..].iter())];
                std::str::from_utf8(name).is_ok_and(|v| cx.is_model_text(v))
            };
            match c.name("value") {
                Some(value) => is_model(value.start()),
                None => code_value(bytes, whole.end(), is_model),
            }
        })
    }

    /// A model key as the name of a Kubernetes environment entry, outside comments.
    fn names_model_variable(&self, text: &Text) -> bool {
        let bytes = text.bytes;
        self.keys.words.find_iter(bytes).any(|m| {
            let key = key_span(bytes, m.start());
            names_variable(bytes, key.start)
                && !text.in_comment(m.start())
                && std::str::from_utf8(&bytes[key])
                    .is_ok_and(|k| ExtractRules::get().is_model_key(k))
        })
    }

    fn token_ok(&self, cx: &Context, text: &Text, m: &aho_corasick::Match) -> bool {
        let (lang, bytes) = (text.lang, text.bytes);
        if text.in_comment(m.start()) {
            return false;
        }
        let kind = self.kinds[m.pattern().as_usize()];
        if kind == Kind::Limit {
            if text.in_long_string(m.start()).is_some() {
                return false; // a docstring's example
            }
            // A limit is given a value that extraction may read: `max_tokens=8000`,
            // `"max_tokens": "500"`, `maxTokens: LIMIT`, `OPENAI_MAX_TOKENS=4096`; not a type
            // like `max_tokens?: number`, prose, or a value computed at run time
            // (`maxTokens: params.maxTokens`), which extraction keeps only where it binds to a
            // model, and a model token brings such a file in anyway.
            // The name ends with the limit (`SUMMARY_MAX_TOKENS`), as extraction compares whole
            // names: `maxTokensPerDoc` is not a limit.
            let rest = &bytes[m.end()..];
            if rest
                .first()
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                return false;
            }
            // Any white space, line breaks and comments too: `max_tokens\n    =512` inside
            // parentheses.
            let space = |from: usize| rest.get(from..).map_or(0, trivia);
            let quote = usize::from(matches!(rest.first(), Some(b'"' | b'\'')));
            // A subscript: `params["max_tokens"] = 500`, its `]` perhaps on a line of its own.
            let bracket = quote + space(quote);
            let quote = match rest.get(bracket) {
                Some(b']') if quote == 1 => bracket + 1,
                _ => quote,
            };
            let gap = space(quote);
            let sep = quote + gap;
            // `- name: OPENAI_MAX_TOKENS` in YAML: its `value:` is read with it. Extraction
            // takes any name that ends with a limit's (`X_MAX_TOKENS`, even `//MAX_TOKENS`),
            // so the whole scalar before the token is skipped.
            if lang == Lang::Yaml && names_variable(bytes, scalar_start(bytes, m.start())) {
                return true;
            }
            return match rest.get(sep) {
                Some(b'=') => text.readable(&rest[sep + 1..]),
                // `max_tokens: 500`, or an annotation then a value: `max_tokens: int = 500`.
                Some(b':') => {
                    let line = &rest[sep + 1..(sep + 1 + LINE_WINDOW).min(rest.len())];
                    let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
                    text.readable(&rest[sep + 1..])
                        || annotated_value(line).is_some_and(|v| text.readable(v))
                }
                // `ENV OPENAI_MAX_TOKENS 4000`.
                Some(_) if lang == Lang::Dockerfile && gap > 0 => text.readable(&rest[sep..]),
                _ => false,
            };
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
        // A name the catalog does not know is reported only as the value of a model key, which
        // `has_model_key` finds: a token counts when its whole value resolves.
        let resolves =
            |v: &[u8]| std::str::from_utf8(v).is_ok_and(|v| cx.resolve(v) != Resolution::Unknown);
        // Inside a Python docstring or other triple-quoted string, the whole string is the value.
        if let Some(content) = text.in_long_string(m.start()) {
            return resolves(&bytes[content]);
        }
        // In code and JSON a model name is a whole string value, maybe behind a provider prefix
        // (`"openai/gpt-4o"`, `'us.anthropic.claude-…'`, `"openai:o3"`)...
        let quote = |b: Option<u8>| b.is_some_and(|b| is_quote(lang, b));
        let starts_value = quote(before) || matches!(before, Some(b'/' | b'.' | b':'));
        // ...that runs to its closing quote.
        let run = name_len(after.iter());
        if !(starts_value && quote(after.get(run).copied())) {
            return false;
        }
        // ...and names a model as a whole: not `'./claude-code-bridge'`, `"openai/resources"`.
        let head = name_len(bytes[..m.start()].iter().rev());
        let open = m.start() - head;
        match open.checked_sub(1).map(|i| bytes[i]) {
            Some(b) if is_quote(lang, b) => {}
            // Whitespace or non-ASCII text in the value: the catalog resolves no such name and
            // no such name looks like a model (`"see https://ai.google.dev/gemini-api/docs"`).
            Some(b) if b.is_ascii_whitespace() || !b.is_ascii() => return false,
            // Some other character: leave it to extraction.
            _ => return true,
        }
        resolves(&bytes[open..m.end() + run])
    }
}

/// The most white space read between a limit's name and its `=` or `:`; a parser reads any,
/// and real code has a few spaces or a line break and indentation.
const MAX_GAP: usize = 4096;

/// How many bytes of white space and comments (`# …`, `// …`, `/* … */`) start `rest`: what a
/// parser skips between a key, its `=` or `:` and its value (`max_tokens  # the cap\n=1000`).
/// At most [`MAX_GAP`] bytes of white space, and comments closed within [`LINE_WINDOW`] bytes.
/// Both comment styles are skipped in every language: skipping more only lets more through.
fn trivia(rest: &[u8]) -> usize {
    let mut i = 0;
    let mut space = 0;
    while let Some(&b) = rest.get(i) {
        let window = &rest[i..rest.len().min(i + LINE_WINDOW)];
        let comment = match b {
            b if b.is_ascii_whitespace() => {
                space += 1;
                if space > MAX_GAP {
                    break;
                }
                i += 1;
                continue;
            }
            b'#' => memchr::memchr(b'\n', window),
            b'/' if window.get(1) == Some(&b'/') => memchr::memchr(b'\n', window),
            b'/' if window.get(1) == Some(&b'*') => {
                memchr::memmem::find(&window[2..], b"*/").map(|e| e + 4)
            }
            _ => None,
        };
        match comment {
            Some(len) => i += len,
            None => break,
        }
    }
    i
}

/// A file's bytes with what the prefilter learns about them on demand.
struct Text<'b> {
    lang: Lang,
    bytes: &'b [u8],
    /// Python comments and triple-quoted strings, scanned at the first token that needs them.
    prose: OnceCell<Vec<Prose>>,
    /// Names known to be constants with a readable value, or not: each is looked up once.
    constants: RefCell<HashMap<&'b [u8], bool>>,
    /// Where the file's last `*/` starts, if it has one (JavaScript family): a `/*` that no
    /// `*/` follows is no comment to the parser, which recovers by reading what follows as code.
    last_block_close: OnceCell<Option<usize>>,
    /// Whether the file holds a NUL byte: tree-sitter's lexers end a comment or a string at
    /// one and read on as code, so no comment of such a file is trusted to hide anything.
    has_nul: OnceCell<bool>,
}

/// A Python comment (`#` to the end of the line), or the contents of a triple-quoted string.
struct Prose {
    range: Range<usize>,
    comment: bool,
}

impl<'b> Text<'b> {
    fn new(lang: Lang, bytes: &'b [u8]) -> Text<'b> {
        Text {
            lang,
            bytes,
            prose: OnceCell::new(),
            constants: RefCell::new(HashMap::new()),
            last_block_close: OnceCell::new(),
            has_nul: OnceCell::new(),
        }
    }

    /// Can extraction read an integer from the value at the start of `rest`: a number, a
    /// string holding one, or a name assigned such a value somewhere in the file (a constant)?
    fn readable(&self, rest: &'b [u8]) -> bool {
        match value_at(rest) {
            Value::Number => true,
            Value::Other => expression_readable(self.bytes, rest, &mut Vec::new()),
            Value::Name(name) => {
                let cached = self.constants.borrow().get(name).copied();
                let known = cached.unwrap_or_else(|| {
                    let known = assigned(self.bytes, name, &mut Vec::new());
                    self.constants.borrow_mut().insert(name, known);
                    known
                });
                // The rest of the expression (`limit or 200`), the name itself not looked up
                // again.
                known || expression_readable(self.bytes, rest, &mut vec![name])
            }
        }
    }

    fn in_comment(&self, at: usize) -> bool {
        if self.has_nul() {
            return false;
        }
        if self.lang == Lang::Python {
            self.prose_at(at).is_some_and(|p| p.comment)
        } else {
            let closed = || {
                self.last_block_close
                    .get_or_init(|| memchr::memmem::rfind(self.bytes, b"*/"))
                    .is_some_and(|close| close >= at)
            };
            in_comment(self.lang, self.bytes, at, closed)
        }
    }

    /// The contents of the triple-quoted string `at` is in, if any (Python only).
    fn in_long_string(&self, at: usize) -> Option<Range<usize>> {
        if self.lang != Lang::Python || self.has_nul() {
            return None;
        }
        self.prose_at(at)
            .filter(|p| !p.comment)
            .map(|p| p.range.clone())
    }

    fn has_nul(&self) -> bool {
        *self
            .has_nul
            .get_or_init(|| memchr::memchr(0, self.bytes).is_some())
    }

    fn prose_at(&self, at: usize) -> Option<&Prose> {
        let prose = self.prose.get_or_init(|| python_prose(self.bytes));
        let i = prose.partition_point(|p| p.range.end <= at);
        prose.get(i).filter(|p| p.range.start <= at)
    }
}

/// Comments and triple-quoted strings of Python source, in order. A tokenizer for just what
/// matters here: strings (single or triple quotes, backslash escapes, any prefix) are skipped
/// whole, so a `#` or quote inside one is never mistaken for a comment or a string start.
///
/// A backtick in code is a syntax error in Python 3 that tree-sitter's Python grammar reads as
/// the quote of a Python 2 string, so a `#` after it may be no comment to the parser: nothing
/// from the first such backtick on is taken for prose, which only ever hides hits.
fn python_prose(bytes: &[u8]) -> Vec<Prose> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut tick = memchr::memchr(b'`', bytes);
    while let Some(at) = memchr::memchr3(b'#', b'"', b'\'', &bytes[i..]) {
        let start = i + at;
        if tick.is_some_and(|t| t < i) {
            tick = memchr::memchr(b'`', &bytes[i..]).map(|t| i + t);
        }
        if tick.is_some_and(|t| t < start) {
            return out;
        }
        let q = bytes[start];
        if q == b'#' {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |e| start + e);
            out.push(Prose {
                range: start..end,
                comment: true,
            });
            i = end;
            continue;
        }
        let triple = bytes[start..].starts_with(&[q, q, q]);
        // A triple quote glued to a name (`OpenA"""I`, `def ask(qu"""…"""`), other than a
        // string prefix (`f"""`, `rb"""`), is a syntax error: the parser may take it for the
        // start of a string or not, and so each quote after it for an opening or a closing.
        // Nothing after it is taken for prose, which only ever hides hits.
        if triple && !after_string_prefix(bytes, start) {
            return out;
        }
        let open = start + if triple { 3 } else { 1 };
        let mut j = open;
        let end = loop {
            match bytes.get(j) {
                None => break bytes.len(),
                Some(b'\\') => j += 2,
                Some(&b) if b == q && (!triple || bytes[j..].starts_with(&[q, q, q])) => break j,
                // An unterminated one-line string is a syntax error, which the parser may
                // recover from by reading the string on over the lines below: nothing after it
                // is taken for prose.
                Some(b'\n') if !triple => return out,
                Some(_) => j += 1,
            }
        };
        // An unterminated one is no string to the parser, which reads the code after it.
        if triple && end < bytes.len() {
            out.push(Prose {
                range: open..end,
                comment: false,
            });
        }
        let close = if triple { 3 } else { 1 };
        i = (end + close).min(bytes.len());
    }
    out
}

/// The contents of a Python file's triple-quoted strings as the prefilter reads them (sorted
/// byte ranges; see `python_prose`); none in a file that holds a NUL byte, whose strings the
/// prefilter does not trust either.
pub(crate) fn python_long_strings(bytes: &[u8]) -> Vec<Range<usize>> {
    if memchr::memchr(0, bytes).is_some() {
        return Vec::new();
    }
    python_prose(bytes)
        .into_iter()
        .filter(|p| !p.comment)
        .map(|p| p.range)
        .collect()
}

/// Whether the name (if any) that ends at `at` is a Python string prefix (`f`, `rb`, …) or
/// there is none.
fn after_string_prefix(bytes: &[u8], at: usize) -> bool {
    let word = bytes[..at]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    word <= 2
        && bytes[at - word..at]
            .iter()
            .all(|&b| is_string_prefix_byte(b))
}

/// Letters of a Python string's prefix (`f`, `rb`, `T`, …).
fn is_string_prefix_byte(b: u8) -> bool {
    matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't')
}

/// Is `at` on a comment line: `# …` (Python, YAML, .env), or `// …` or a line of a
/// `/* … */` block (JavaScript family)? Only whole lines count, so a string that holds `#` or
/// `//` never hides what follows it. `closed` says whether a `*/` follows `at` in the file: a
/// block never closed is no comment.
fn in_comment(lang: Lang, bytes: &[u8], at: usize, closed: impl Fn() -> bool) -> bool {
    let start = line_start(bytes, at);
    let line = trim_start(&bytes[start..at]);
    match lang {
        Lang::Python | Lang::Yaml | Lang::Env | Lang::Dockerfile => line.first() == Some(&b'#'),
        Lang::Json => false,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            // A line that starts in a string may only look like a comment: a template literal
            // that a backtick before `at` closes, or a string continued by a `\` at the end of
            // the line above. The parser reads what follows as code.
            let above = bytes[..start.saturating_sub(1)].strip_suffix(b"\r");
            if memchr::memchr(b'`', line).is_some()
                || above
                    .unwrap_or(&bytes[..start.saturating_sub(1)])
                    .ends_with(b"\\")
            {
                return false;
            }
            // A `*/` before `at` may close a block comment still open above (`//*/ code`).
            if line.starts_with(b"//") {
                return !contains(line, b"*/");
            }
            // A line of a `/* … */` block: it, or the run of ` * ` lines above it, starts at a
            // `/*` line, with no `*/` on the way (not a multiplication or a generator method
            // that happens to start a line with `*`).
            let (mut line, mut start) = (line, start);
            loop {
                if !line.starts_with(b"/*") && line.first() != Some(&b'*') {
                    return false;
                }
                if contains(line, b"*/") {
                    return false;
                }
                if line.starts_with(b"/*") {
                    return closed();
                }
                if start == 0 {
                    return false;
                }
                let above = line_start(bytes, start - 1);
                line = trim_start(&bytes[above..start - 1]);
                start = above;
            }
        }
    }
}

/// Where the line holding `at` starts, looking back at most [`LINE_WINDOW`] bytes: a minified
/// file is one long line, and each of its hits must not read it all again.
fn line_start(bytes: &[u8], at: usize) -> usize {
    let from = at.saturating_sub(LINE_WINDOW);
    memchr::memrchr(b'\n', &bytes[from..at]).map_or(from, |i| from + i + 1)
}

/// How far a line is read from a hit. Only comment checks and one-line annotations read lines,
/// and none of them is this long in code anyone writes by hand.
const LINE_WINDOW: usize = 4096;

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    &s[n..]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// After a model key in code (`model=`, `model: `): a quoted literal, an environment lookup, or
/// a fallback to a literal within the statement's next three lines (`fields?.model ?? "x-7"`,
/// `args.model or 'x-7'`), a later argument or a `default=` included, as a lookup's default is
/// one (`env.get('EDGE_MODEL', 'x-7')`, `cfg.get("model", default="x-7")`), and so is a literal
/// after an annotation's `=` on the key's line (`model: Literal["fast"] = "x-7"`). `is_model`
/// judges the literal starting at an offset.
fn code_value(bytes: &[u8], at: usize, is_model: impl Fn(usize) -> bool) -> bool {
    let literal = |at: usize| {
        // A Python string's prefix (`b"x-7"`, `rb'x-7'`): extraction reads the string.
        let at = at
            + bytes[at..]
                .iter()
                .take(2)
                .take_while(|&&b| is_string_prefix_byte(b))
                .count();
        let quotes = bytes[at..]
            .iter()
            .take(3)
            .take_while(|b| matches!(b, b'"' | b'\'' | b'`'))
            .count();
        quotes > 0 && is_model(at + quotes)
    };
    // A value in parentheses: `model=("x-7")`.
    let at = at
        + bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || **b == b'(')
            .count();
    let rest = &bytes[at..];
    let lookup = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if literal(at)
        || [&b"os."[..], b"process.env", b"getenv", b"environ"]
            .into_iter()
            .any(lookup)
    {
        return true;
    }
    let mut lines = 0;
    // Still in the key's annotation: on its line, outside calls and braces, before a comma
    // that is not in brackets (`Literal["a", "b"]`). A call's keyword argument
    // (`model_name='page', name='x2'`) is not the key's value.
    let mut annotation = true;
    let mut brackets = 0u32;
    let mut i = at;
    while i < bytes.len() && i - at < 600 {
        let op = match bytes[i] {
            b';' => return false,
            b'\n' => {
                annotation = false;
                lines += 1;
                if lines == 3 {
                    return false;
                }
                0
            }
            b'[' => {
                brackets += 1;
                0
            }
            b']' => {
                brackets = brackets.saturating_sub(1);
                0
            }
            b'(' | b')' | b'{' | b'}' => {
                annotation = false;
                0
            }
            b',' => {
                annotation = annotation && brackets > 0;
                1
            }
            // An annotation the key pattern does not read, before the default:
            // `model: Literal["fast"] = "x-7"`, `model: "str" = "x-7"`; not `==`, `=>`, `<=`.
            b'=' if annotation
                && !matches!(bytes.get(i + 1), Some(b'=' | b'>'))
                && !bytes[..i]
                    .last()
                    .is_some_and(|b| matches!(b, b'=' | b'!' | b'<' | b'>')) =>
            {
                1
            }
            b'd' if bytes[i..].starts_with(b"default")
                && !bytes[..i]
                    .last()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') =>
            {
                let eq = bytes[i + 7..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                match bytes.get(i + 7 + eq) {
                    Some(b'=' | b':') => 8 + eq,
                    _ => 0,
                }
            }
            b'|' if bytes.get(i + 1) == Some(&b'|') => 2,
            b'?' if bytes.get(i + 1) == Some(&b'?') => 2,
            b'o' if bytes.get(i + 1) == Some(&b'r')
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 2).is_some_and(u8::is_ascii_whitespace) =>
            {
                2
            }
            _ => 0,
        };
        if op > 0 {
            let ws = bytes[i + op..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if literal(i + op + ws) {
                return true;
            }
            i += op;
        } else {
            i += 1;
        }
    }
    false
}

/// The whole key around the key word at `at`: the name the word ends (`default_model`,
/// `OPENAI_MODEL`, `'ai-o11y-deployment-id'`) and whatever follows it (`model_name`, `modelId`).
pub fn key_span(bytes: &[u8], at: usize) -> Range<usize> {
    let is_key_byte = |b: &&u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let head = bytes[..at].iter().rev().take_while(is_key_byte).count();
    let tail = bytes[at..].iter().take_while(is_key_byte).count();
    at - head..at + tail
}

/// What a value starts with, as far as reading an integer from it goes.
enum Value<'f> {
    /// A number, or a string holding one.
    Number,
    /// A name: readable if it is a constant assigned a readable value.
    Name(&'f [u8]),
    /// A member, call or index (`params.max_tokens`, `int(x)`), or a name that is never
    /// assigned (`None`, `this`).
    Other,
}

fn value_at(rest: &[u8]) -> Value<'_> {
    let mut skip = 0;
    loop {
        let from = skip;
        skip += trivia(&rest[skip..]);
        while rest.get(skip) == Some(&b'(') {
            skip += 1;
        }
        if skip == from {
            break;
        }
    }
    let mut v = &rest[skip..];
    if let Some(b'"' | b'\'' | b'`') = v.first() {
        v = &v[1..];
    }
    // `${OPENAI_MAX_TOKENS:-4000}`: the default is the value.
    while let Some(open) = crate::extract::placeholder_open(v) {
        v = &v[open..];
    }
    match v.first() {
        Some(b) if b.is_ascii_digit() => Value::Number,
        Some(b) if b.is_ascii_alphabetic() || matches!(b, b'_' | b'$') => {
            let word = v
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
                .count();
            let after = &v[word..];
            let gap = after
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            // Names never assigned, though `x: int | None = None` looks like it.
            const KEYWORDS: &[&[u8]] = &[
                b"None",
                b"True",
                b"False",
                b"null",
                b"undefined",
                b"true",
                b"false",
                b"self",
                b"this",
            ];
            if after.get(gap) == Some(&b'?') && after.get(gap + 1) != Some(&b'.') {
                // A conditional, `isVision ? 4096 : undefined`: extraction reads its largest
                // literal branch.
                Value::Number
            } else if matches!(after.get(gap), Some(b'.' | b'(' | b'['))
                || KEYWORDS.contains(&&v[..word])
            {
                Value::Other
            } else {
                Value::Name(&v[..word])
            }
        }
        _ => Value::Other,
    }
}

/// Is `name` assigned a readable value anywhere in `file` (`NAME = 500`, `NAME: int = OTHER`,
/// `const NAME = 500`)? Keyword arguments (`f(NAME=500)`) count too: that errs on the side of
/// parsing. `seen` holds the names already looked up in this search: each is looked up once, so
/// chains and cycles of names (`max_tokens=max_tokens`) cost one pass over the file per name.
fn assigned<'f>(file: &'f [u8], name: &'f [u8], seen: &mut Vec<&'f [u8]>) -> bool {
    if seen.contains(&name) || seen.len() > 16 {
        return false;
    }
    seen.push(name);
    memchr::memmem::find_iter(file, name).any(|at| {
        if !starts_name(file, at) {
            return false;
        }
        let rest = &file[at + name.len()..];
        if rest.first().is_some_and(|&b| is_ident_byte(b)) {
            return false;
        }
        // White space, line breaks and comments before the `=` (`const LIMIT\n  = 1200`).
        let gap = trivia(rest);
        match rest.get(gap) {
            Some(b'=') if !matches!(rest.get(gap + 1), Some(b'=' | b'>')) => {
                readable(file, &rest[gap + 1..], seen)
            }
            Some(b':') => {
                let after = &rest[gap + 1..];
                let after = &after[..after.len().min(LINE_WINDOW)];
                let line = &after[..memchr::memchr(b'\n', after).unwrap_or(after.len())];
                annotated_value(line).is_some_and(|v| readable(file, v, seen))
            }
            _ => false,
        }
    })
}

/// Can extraction read an integer from the value at the start of `rest`, within one search?
fn readable<'f>(file: &'f [u8], rest: &'f [u8], seen: &mut Vec<&'f [u8]>) -> bool {
    match value_at(rest) {
        Value::Number => true,
        Value::Name(name) => assigned(file, name, seen) || expression_readable(file, rest, seen),
        Value::Other => expression_readable(file, rest, seen),
    }
}

/// Can extraction read an integer from the expression at the start of `rest`, through a
/// conversion, an environment getter's or a lookup's default, or a fallback
/// (`int(os.getenv("MAX_TOKENS", "4096"))`, `parseInt(process.env.MAX_TOKENS) || 2000`)? A
/// superset of what it reads: the expression holds a number, or a name assigned a readable
/// value.
fn expression_readable<'f>(file: &'f [u8], rest: &'f [u8], seen: &mut Vec<&'f [u8]>) -> bool {
    let expr = expression(rest);
    let mut i = 0;
    while i < expr.len() {
        let b = expr[i];
        let after_word = i > 0 && (is_word_byte(expr[i - 1]) || matches!(expr[i - 1], b'.' | b'$'));
        if b.is_ascii_digit() && !after_word {
            return true;
        }
        if (b.is_ascii_alphabetic() || matches!(b, b'_' | b'$')) && !after_word {
            let len = expr[i..]
                .iter()
                .take_while(|b| is_word_byte(**b) || **b == b'$')
                .count();
            if assigned(file, &expr[i..i + len], seen) {
                return true;
            }
            i += len;
            continue;
        }
        i += 1;
    }
    false
}

/// The expression at the start of `rest`: to the end of its line, or further while brackets
/// are open, nothing came yet (`MAX =\n  Number(…)`), or an operator carries it to the next
/// line (`x\n  ? a\n  : 1024`), and never past the `,` `;` or closing bracket that ends it; at
/// most [`LINE_WINDOW`] bytes. A bracket or comma inside a string closed on its line
/// (`os.getenv("]X", "2000")`) is no bracket.
fn expression(rest: &[u8]) -> &[u8] {
    const CARRY: &[u8] = b"?:|&+-*/=.\\";
    let rest = &rest[..rest.len().min(LINE_WINDOW)];
    let mut depth = 0u32;
    let mut i = 0;
    while i < rest.len() {
        let b = rest[i];
        match b {
            b'"' | b'\'' | b'`' => {
                if let Some(len) = closed_string(&rest[i..]) {
                    i += len;
                    continue;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return &rest[..i],
            b')' | b']' | b'}' => depth -= 1,
            b',' | b';' if depth == 0 => return &rest[..i],
            b'\n' if depth == 0 => {
                let before = rest[..i].iter().rev().find(|b| !b.is_ascii_whitespace());
                let after = rest[i..].iter().find(|b| !b.is_ascii_whitespace());
                let carried = before.is_none_or(|b| CARRY.contains(b) && *b != b'.')
                    || after.is_some_and(|b| CARRY.contains(b) && *b != b'=' && *b != b'\\');
                if !carried {
                    return &rest[..i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    rest
}

/// The length of the string that opens at the start of `s` (a quote), if it closes on its
/// line; `\\` escapes the byte after it.
fn closed_string(s: &[u8]) -> Option<usize> {
    let quote = *s.first()?;
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The value after an annotation on one line: `int = 500` → `500`; not `==`, `=>`.
fn annotated_value(line: &[u8]) -> Option<&[u8]> {
    let eq = line
        .windows(2)
        .position(|w| w[0] == b'=' && !matches!(w[1], b'=' | b'>'))?;
    (eq == 0 || !matches!(line[eq - 1], b'=' | b'!' | b'<' | b'>')).then(|| &line[eq + 1..])
}

/// Where the YAML scalar holding `at` starts: after the white space, quote or flow
/// punctuation (`{`, `[`, `,`) before it.
fn scalar_start(bytes: &[u8], at: usize) -> usize {
    let head = bytes[..at]
        .iter()
        .rev()
        .take(LINE_WINDOW)
        .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b',' | b'{' | b'['))
        .count();
    at - head
}

/// Is the key starting at byte `key` of a YAML file the value of a `name:` key, as in a
/// Kubernetes environment entry (`- name: OPENAI_MODEL`, `{"name": "OPENAI_MODEL"`)?
fn names_variable(bytes: &[u8], key: usize) -> bool {
    let name = ExtractRules::get().env_entry_name.as_bytes();
    let before = &bytes[..key];
    let before = before
        .strip_suffix(b"\"")
        .or_else(|| before.strip_suffix(b"'"))
        .unwrap_or(before);
    let gap = before
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let Some(before) = before[..before.len() - gap].strip_suffix(b":") else {
        return false;
    };
    let before = before
        .strip_suffix(b"\"")
        .or_else(|| before.strip_suffix(b"'"))
        .unwrap_or(before);
    before.strip_suffix(name).is_some_and(|head| {
        head.last()
            .is_none_or(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'_' | b'-' | b'.'))
    })
}

/// Does `b` open and close strings in `lang`?
fn is_quote(lang: Lang, b: u8) -> bool {
    match lang {
        Lang::Json => b == b'"',
        Lang::Python | Lang::Yaml | Lang::Env | Lang::Dockerfile => matches!(b, b'"' | b'\''),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => matches!(b, b'"' | b'\'' | b'`'),
    }
}

/// How many bytes of a model name `bytes` starts with (at most 200).
fn name_len<'a>(bytes: impl Iterator<Item = &'a u8>) -> usize {
    bytes.take(200).take_while(|&&b| is_name_byte(b)).count()
}

/// Does a name start at `at`: not inside a longer identifier? A number glued to its front
/// (`8000LIMIT`, `0x1fLIMIT`) is a token of its own, as the parser reads it after a syntax
/// error, so the name starts after it.
fn starts_name(file: &[u8], at: usize) -> bool {
    let run = file[..at]
        .iter()
        .rev()
        .take_while(|&&b| is_ident_byte(b))
        .count();
    run == 0 || file[at - run].is_ascii_digit()
}

/// Bytes of an identifier.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Bytes of a name in code, where JavaScript's `$` is a letter too.
fn is_ident_byte(b: u8) -> bool {
    is_word_byte(b) || b == b'$'
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

    /// A prefilter for the builtin catalog and some deployment names.
    struct Fixture {
        deployments: BTreeMap<String, String>,
        prefilter: Prefilter,
    }

    impl Fixture {
        fn new(deployments: &[(&str, &str)]) -> Fixture {
            let deployments: BTreeMap<String, String> = deployments
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let prefilter = Prefilter::new(Catalog::builtin(), &deployments);
            Fixture {
                deployments,
                prefilter,
            }
        }

        /// Asserts that each of `texts` is wanted, or that none is.
        fn expect(&self, want: bool, lang: Lang, texts: &[&str]) {
            for text in texts {
                assert_eq!(self.wants(lang, text), want, "{text}");
            }
        }

        fn wants(&self, lang: Lang, text: impl AsRef<[u8]>) -> bool {
            let cx = Context {
                catalog: Catalog::builtin(),
                deployments: &self.deployments,
            };
            self.prefilter.wants(&cx, lang, text.as_ref())
        }
    }

    #[test]
    fn every_catalog_model_passes_in_every_format() {
        let catalog = Catalog::builtin();
        let pf = Fixture::new(&[]);
        for m in catalog.iter() {
            for text in [format!("x = \"{}\"", m.id), format!("y('{}')", m.id)] {
                assert!(pf.wants(Lang::Python, text.as_bytes()), "{text}");
                assert!(pf.wants(Lang::TypeScript, text.as_bytes()), "{text}");
            }
            for text in [
                format!("model: {}", m.id),
                format!("- {}\n", m.id),
                format!("X={}", m.id),
            ] {
                assert!(pf.wants(Lang::Yaml, text.as_bytes()), "{text}");
                assert!(pf.wants(Lang::Env, text.as_bytes()), "{text}");
            }
            for text in [format!("ENV X={}", m.id), format!("ENV X {}", m.id)] {
                assert!(pf.wants(Lang::Dockerfile, text.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn ordinary_code_and_prose_are_rejected() {
        let pf = Fixture::new(&[]);
        let code = "import openai\nclient = openai.OpenAI()\nclass Meta:\n    model = Article\nfoo = 'so1x'\n";
        assert!(!pf.wants(Lang::Python, code.as_bytes()));
        assert!(!pf.wants(
            Lang::Python,
            b"# we moved to gpt-4o last year\nx = 'runs on gpt-4o daily'\n"
        ));
        assert!(!pf.wants(Lang::Python, b"f\"gpt-{version}\""));
        // A later keyword argument is not the model key's value.
        assert!(!pf.wants(
            Lang::Python,
            b"migrations.AddField(model_name='page', name='llama3')\n"
        ));
        assert!(!pf.wants(Lang::Python, b"AddField(model_name='page')"));
        assert!(!pf.wants(Lang::Yaml, b"model: page\n"));
        assert!(pf.wants(Lang::Python, b"f(max_tokens=3)"));
        assert!(pf.wants(Lang::Python, b"N = 5\nf(max_tokens = N)"));
        // A subscript assignment, the only limit of its file.
        assert!(pf.wants(Lang::Python, b"params[\"max_tokens\"] = 500\n"));
        assert!(pf.wants(Lang::TypeScript, b"options['maxTokens'] = 1000;\n"));
        // A directive, even alone: an expired or malformed one is a diagnostic.
        assert!(pf.wants(Lang::Python, b"# costlint: ignore[all]\n"));
        assert!(pf.wants(Lang::Python, b"class C:\n    max_tokens: int = 1024\n"));
        assert!(pf.wants(
            Lang::TypeScript,
            b"{ maxTokens: (LIMIT) }\nconst LIMIT = 9;"
        ));
        assert!(pf.wants(Lang::Json, b"{\"max_tokens\": \"300\"}"));
        // Values extraction cannot read, and a limit that binds to nothing: nothing to find.
        pf.expect(
            false,
            Lang::Python,
            &[
                "f(max_tokens = n)",
                "f(max_tokens=self.max_tokens)",
                "f(max_tokens=int(os.environ['N']))",
                "def f(max_completion_tokens: int | None = None): ...",
                "x = {'max_tokens': None}",
            ],
        );
        // A value may start on the line after the key (`{'max_tokens':\n    int(x or 500)}`),
        // so a `case` line that ends in one lets the file through; extraction finds nothing.
        pf.expect(
            true,
            Lang::Python,
            &[
                "case 'max_tokens':\n    return 1",
                "x = {'max_tokens':\n    int(n or 500)}",
            ],
        );
        pf.expect(
            false,
            Lang::TypeScript,
            &[
                "const o = { maxTokens: params.maxTokens };",
                "interface O { maxTokens: number; }",
                "const o = { max_tokens: options?.maxOutputTokens ?? defaults.max };",
            ],
        );
        // Defaults extraction reads through conversions, getters, lookups and fallbacks.
        pf.expect(
            true,
            Lang::TypeScript,
            &[
                "const o = { max_tokens: options?.maxOutputTokens ?? 8192 };",
                "const o = { maxTokens: parseInt(process.env.MAX_TOKENS, 10) || 2000 };",
                "this.maxTokens = process.env.MAX_TOKENS\n  ? Number(process.env.MAX_TOKENS)\n  : 1024;",
            ],
        );
        pf.expect(
            true,
            Lang::Python,
            &[
                "MAX_TOKENS = int(os.getenv('MAX_TOKENS', '4096'))",
                "max_tokens = (\n    int(os.environ['N'])\n    if 'N' in os.environ\n    else 700\n)",
                "f(max_tokens=data.get('max_tokens', 500))",
                "f(max_tokens=settings.max_tokens or 200)",
            ],
        );
        assert!(pf.wants(Lang::Json, b"{\"max_tokens\": 3}"));
        assert!(pf.wants(Lang::Env, b"SUMMARY_MAX_TOKENS=3"));
        // Names that only start with a limit are not limits.
        assert!(!pf.wants(Lang::Env, b"OPENAI_MAX_TOKENS_LIMIT=3"));
        assert!(!pf.wants(Lang::TypeScript, b"{ maxTokensPerDoc: 1000 }"));
        assert!(pf.wants(Lang::Python, b"f(max_tokens_to_sample=300)"));
        // A name passed along is not a constant; one assigned a number is.
        assert!(!pf.wants(Lang::Python, b"f(max_output_tokens=max_output_tokens)"));
        assert!(pf.wants(
            Lang::Python,
            b"N = (\n    4_000\n)\nf(max_tokens=M)\nM = N\n"
        ));
        assert!(!pf.wants(
            Lang::TypeScript,
            b"{ 'ai-o11y-deployment-id': 'deployment-1' }"
        ));
        assert!(pf.wants(Lang::TypeScript, b"{ maxOutputTokens: 3 }"));
        assert!(!pf.wants(Lang::TypeScript, b"interface O { max_tokens?: number }"));
        assert!(!pf.wants(Lang::Python, b"# set max_tokens to bound the reply"));
        assert!(pf.wants(Lang::Python, b"f(model='my-ft-9')"));
        assert!(pf.wants(Lang::Python, b"MODEL: str = 'acme-7'"));
        assert!(pf.wants(Lang::Yaml, b"llm:\n  model: acme-7\n"));
        assert!(pf.wants(Lang::TypeScript, b"x = 'o3'"));
        assert!(pf.wants(Lang::TypeScript, b"x = \"openai/gpt-4o\""));
        assert!(pf.wants(
            Lang::Python,
            b"x = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'"
        ));
    }

    #[test]
    fn comment_lines_never_count() {
        let pf = Fixture::new(&[]);
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
            assert!(!pf.wants(*lang, text.as_bytes()), "{text}");
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
            assert!(pf.wants(*lang, text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn a_token_counts_only_in_a_value_that_may_name_a_model() {
        let pf = Fixture::new(&[("prod-chat", "gpt-4o")]);
        pf.expect(
            false,
            Lang::TypeScript,
            &[
                "import { x } from './claude-code-bridge';",
                "const dir = '/sandbox/claude-code-session';",
                "import type { R } from 'openai/resources/responses';",
                "f(model_name='embedding-001')",
                "x = {'model-specification-version': '4'}",
                "const see = 'see docs/gpt-4o'",
                "expect(agent).toContain('ai-sdk/openai/0.0.0-test');",
                "const cfg = { family: 'gpt-41' };",
                "const LLM = process.env.LLM ?? 'acme-llm-7';",
            ],
        );
        pf.expect(
            true,
            Lang::TypeScript,
            &[
                "f('openai/gpt-4o')",
                "f(\"anthropic:claude-sonnet-4-5\")",
                "model: fields?.model || \"grok-9-fast\",",
                "model:\n  fields?.model ??\n  'acme-llm-9',",
                "const DEFAULT_MODEL = process.env.LLM ?? 'acme-llm-7';",
                "f('prod-chat')",
                "const label = 'a,b/gpt-4o'",
            ],
        );
    }

    #[test]
    fn python_docstrings_and_comments_are_prose() {
        let pf = Fixture::new(&[]);
        let doc = r#"def f():
    """Example:

        client = Client(model="gpt-4o", max_tokens=10)
    """
    return 1  # model='gpt-4o'
"#;
        assert!(!pf.wants(Lang::Python, doc.as_bytes()));
        // Quotes and `#` inside strings open nothing.
        pf.expect(
            true,
            Lang::Python,
            &[
                "x = '#'\ny = 'gpt-4o'\n",
                "x = \"'''\"\ny = 'gpt-4o'\n",
                "x = 'it\\'s'\ny = \"gpt-4o\"\n",
                "x = \"\"\"gpt-4o\"\"\"\n",
                "x = '''a'''; y = 'gpt-4o'\n",
            ],
        );
    }

    #[test]
    fn json_strings_are_double_quoted_and_unknown_names_need_a_model_key() {
        let pf = Fixture::new(&[]);
        pf.expect(
            false,
            Lang::Json,
            &[
                r#"{"description": "Examples: `gemini-1.5-pro` or `gemini-2.0`"}"#,
                r#"{"to": "pipeline-components/agents-1/deep-research-agent"}"#,
                r#"{"id": 'gpt-4o'}"#,
            ],
        );
        pf.expect(
            true,
            Lang::Json,
            &[
                r#"{"m": "gpt-4o"}"#,
                r#"{"model": "acme-llm-7"}"#,
                r#"{"llm": {"default_model_name": "acme-llm-7"}}"#,
            ],
        );
    }

    #[test]
    fn container_environments_pass_in_every_form() {
        let pf = Fixture::new(&[]);
        pf.expect(
            true,
            Lang::Yaml,
            &[
                "environment:\n  - OPENAI_MAX_TOKENS=4000\n",
                "environment:\n  OPENAI_MAX_TOKENS: ${OPENAI_MAX_TOKENS:-4000}\n",
                "environment:\n  - OPENAI_MODEL=${OPENAI_MODEL:-acme-7}\n",
                "environment:\n  OPENAI_MODEL: \"${OPENAI_MODEL-acme-7}\"\n",
                "env:\n  - name: OPENAI_MAX_TOKENS\n    value: \"4000\"\n",
                "env:\n  - name: OPENAI_MODEL\n    value: acme-7\n",
                "env: [{\"name\": \"OPENAI_MODEL\", value: acme-7}]\n",
            ],
        );
        pf.expect(
            true,
            Lang::Dockerfile,
            &[
                "ENV OPENAI_MODEL acme-7\n",
                "ENV OPENAI_MAX_TOKENS 4000\n",
                "ENV A=1 \\\n    OPENAI_MAX_TOKENS=\"4000\"\n",
                "ARG OPENAI_MAX_TOKENS=${DEFAULT:-4000}\n",
            ],
        );
        pf.expect(
            true,
            Lang::Env,
            &[
                "OPENAI_MODEL=${OPENAI_MODEL:-acme-7}\n",
                "OPENAI_MAX_TOKENS=${OPENAI_MAX_TOKENS:-4000}\n",
            ],
        );
        pf.expect(
            false,
            Lang::Dockerfile,
            &[
                "FROM python:3.12\nENV PATH=/app/bin:$PATH\n",
                "# ENV OPENAI_MODEL=gpt-4o\n",
                "ENV OPENAI_MAX_TOKENS ${OPENAI_MAX_TOKENS}\n",
            ],
        );
        pf.expect(
            false,
            Lang::Yaml,
            &[
                "env:\n  - name: LOG_LEVEL\n    value: info\n",
                "containers:\n  - name: api\n    image: acme/api:1.4\n",
                "# - name: OPENAI_MODEL\n",
            ],
        );
    }

    #[test]
    fn chains_and_cycles_of_names_are_looked_up_once() {
        // Each name is followed once per search: before, every occurrence was followed again,
        // and a file like this one took minutes.
        let mut text = String::new();
        for _ in 0..300 {
            text.push_str("f(max_tokens=max_tokens)\na = b\nb = a\nf(max_tokens=a)\n");
        }
        let pf = Fixture::new(&[]);
        assert!(!pf.wants(Lang::Python, &text));
        text.push_str("b = 500\n");
        assert!(pf.wants(Lang::Python, &text));
    }

    #[test]
    fn brackets_in_a_string_are_not_brackets() {
        let pf = Fixture::new(&[]);
        let text = "LIMIT = os.getenv(\"]LIMIT\", \"2000\")\nf(max_tokens=LIMIT)\n";
        assert!(pf.wants(Lang::Python, text));
        let text = "const LIMIT = f(\",\", \"(\", 2000);\ng({ maxTokens: LIMIT });\n";
        assert!(pf.wants(Lang::TypeScript, text));
    }

    #[test]
    fn a_prefixed_string_is_a_string() {
        // Extraction reads `b"…"`, `rb'…'` and the like as strings: a model key's value.
        let pf = Fixture::new(&[]);
        pf.expect(
            true,
            Lang::Python,
            &[
                "settings.llm.deployment_id = b\"acme-7-prod\"",
                "f(model=B\"acme-7-prod\")",
                "f(model=rb'acme-7-prod')",
            ],
        );
        pf.expect(false, Lang::Python, &["f(model=ab\"acme-7-prod\")"]);
    }

    #[test]
    fn a_number_glued_to_a_name_ends_before_it() {
        // The parser reads `8000LIMIT` as a number and then the name `LIMIT` (after a syntax
        // error), whose value a limit then reads; `x8000LIMIT` is one name.
        let pf = Fixture::new(&[]);
        for head in ["8000", "0x1f", "1.5", "8_000", "8000n"] {
            let text = format!("{head}LIMIT = 1200;\nf({{ maxOutputTokens: LIMIT }});\n");
            assert!(pf.wants(Lang::TypeScript, &text), "{text}");
        }
        let text = "x8000LIMIT = 1200;\nf({ maxOutputTokens: LIMIT });\n";
        assert!(!pf.wants(Lang::TypeScript, text));
    }

    #[test]
    fn model_names_counts_distinct_whole_names() {
        let pf = Fixture::new(&[("chat-prod", "gpt-4o")]);
        let cx = Context {
            catalog: Catalog::builtin(),
            deployments: &pf.deployments,
        };
        let count = |text: &str| pf.prefilter.model_names(&cx, text.as_bytes());
        let cases = [
            // A Go struct, a notebook cell's escaped quotes, TOML, a properties file.
            ("Model: \"claude-sonnet-4-6\",", 1),
            (
                "\"resp = create(model=\\\"gpt-4o\\\", max_tokens=5)\\n\",",
                1,
            ),
            ("model = \"openai/gpt-4o\"\nfallback = 'gpt-4o-mini'", 2),
            ("llm.model=gpt-4o\nllm.backup=gpt-4o", 1),
            // A comment names a model too; a sentence ends after one.
            ("// costs less than gpt-4o.", 1),
            ("deployment = \"chat-prod\"", 1),
            // Not a whole name, or not a model the catalog knows.
            ("image: my-gpt-4o-proxy:latest", 0),
            ("gpt-4o_helper()", 0),
            ("model = \"acme-llm-7\"", 0),
            ("max_tokens = 500", 0),
            ("", 0),
        ];
        for (text, want) in cases {
            assert_eq!(count(text), want, "{text}");
        }
    }
}

//! Per-file facts: model references, output-token limits, the call sites that bind them, and
//! costlint directives in comments. One small module per format family; all produce
//! [`FileFacts`].

mod code;
mod container;
mod directive;
mod dockerfile;
mod env;
pub mod shape;
mod skeleton;

use skeleton::Skeleton;

use crate::catalog::Resolution;
use crate::diagnostic::Span;
use crate::lang::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

pub use crate::context::{is_model_text, Context};
pub use directive::{Directive, DirectiveKind, UsageHint};
pub(crate) use env::placeholder_open;

/// A place where a model is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRef {
    pub text: String,
    pub span: Span,
    pub resolution: Resolution,
}

/// An output-token limit: `max_tokens=8000`. `value` is `None` when the limit is computed at run
/// time and cannot be read from the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitRef {
    pub param: String,
    pub value: Option<u64>,
    /// The line the number is written on, when it is not the limit's own line
    /// (`max_tokens=LIMIT` with `LIMIT = 4000` above).
    pub value_line: Option<u32>,
    /// The value is the largest literal branch of a conditional (`vision ? 4096 : undefined`).
    pub conditional: bool,
    /// For a limit in a model settings table (`{ modelId: "gpt-4o", MAX_TOKEN_OUTPUT_LENGTH:
    /// 4096 }`): its row's model, known to the catalog or not. Such a limit binds to no call
    /// site and is not checked.
    pub table_model: Option<TableModel>,
    pub span: Span,
    /// Whether a call site (or, for a settings table's limit, its row's model) claimed it.
    pub bound: bool,
}

/// The model of a settings table's row: its text as written and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableModel {
    pub text: String,
    pub line: u32,
}

/// How a call site reaches its model text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Via {
    /// The literal is the value itself: `model="gpt-4o"`.
    Literal,
    /// Through a same-file name: `model=MODEL` with `MODEL = "gpt-4o"` on `line`.
    Constant { name: String, line: u32 },
    /// The default of an environment lookup: `os.getenv("MODEL", "gpt-4o")`.
    EnvDefault { var: String },
    /// The argument of a call: `openai("gpt-4o")`, `ChatAnthropic("claude-…")`.
    Call { callee: String },
}

/// One place that selects a model for calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFact {
    /// Where the model is selected: the `model=` pair, or the literal itself.
    pub span: Span,
    /// The key or parameter that selects it, if any.
    pub key: Option<String>,
    /// Index into [`FileFacts::refs`].
    pub model: usize,
    pub via: Via,
    /// Index into [`FileFacts::limits`].
    pub limit: Option<usize>,
    /// The functions, classes and mapping keys that enclose it, outermost first, joined with
    /// `.` (`Summarizer.run`, `model_list.litellm_params`); part of the site's key.
    pub enclosing: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    pub refs: Vec<ModelRef>,
    pub limits: Vec<LimitRef>,
    pub sites: Vec<SiteFact>,
    pub directives: Vec<Directive>,
    /// Malformed directives: span and what is wrong.
    pub problems: Vec<(Span, String)>,
    /// Calls with a readable output limit whose model is chosen at run time
    /// (`model=args.model, max_tokens=500`): not priced, counted.
    pub dynamic_models: u32,
    /// The parser gave up on part of the file (syntax errors); facts are best effort.
    pub had_syntax_errors: bool,
}

/// Per-thread state reused across files (tree-sitter parsers are costly to create).
#[derive(Default)]
pub struct Extractor {
    parsers: BTreeMap<Lang, (tree_sitter::Parser, crate::lang::Roles)>,
    outline_sizes: skeleton::Sizes,
    /// Files read from their outline.
    outlined: u64,
}

impl Extractor {
    pub fn new() -> Extractor {
        Extractor::default()
    }

    /// Facts of one file. Never panics on any input text.
    ///
    /// `hits` are the prefilter's (from [`crate::prefilter::Prefilter::scan`] on `text`). With
    /// `guided`, they let the walk skip expressions that hold none, and a JavaScript,
    /// TypeScript, Python or JSON file be parsed from its outline (see `skeleton`): the scan's
    /// path. Without, the file is parsed whole and every node walked: what the scan is checked
    /// against.
    ///
    /// Either way, a file whose whole parse has a syntax error is read from its outline when
    /// the outline parses cleanly and can stand for it: the error then sits in a body that
    /// holds nothing to report, and blanking it keeps tree-sitter's recovery from spreading it
    /// to the code around (`{ t ier: 'fast' }` in a mock must not swallow the call below). This
    /// is also what keeps the two paths equal on broken files, as the scan's path never sees
    /// an error in a body its outline blanks.
    pub fn extract(
        &mut self,
        lang: Lang,
        text: &str,
        cx: &Context,
        hits: &crate::prefilter::Hits,
        guided: bool,
    ) -> FileFacts {
        let mut facts = match lang.syntax() {
            None if lang == Lang::Dockerfile => dockerfile::extract(text, cx),
            None => env::extract(text, cx),
            Some(syntax) => {
                let sizes = self.outline_sizes;
                let (parser, roles) = self.parsers.entry(lang).or_insert_with(|| {
                    let language = (syntax.language)();
                    let mut p = tree_sitter::Parser::new();
                    // Grammar and library versions are pinned together; a test loads every grammar.
                    let _ = p.set_language(&language);
                    (p, crate::lang::Roles::new(syntax, &language))
                });
                let offsets = guided.then_some(&hits.offsets[..]);
                let whole = match guided {
                    true => None,
                    false => Some(code::extract(parser, syntax, roles, text, cx, None)),
                };
                let outlined = match &whole {
                    Some(whole) if !whole.had_syntax_errors => None,
                    _ => Skeleton::new(text, lang, hits, |v| cx.is_model_text(v), sizes).and_then(
                        |o| code::read(parser, syntax, roles, text, cx, offsets, Some(&o)),
                    ),
                };
                match (outlined, whole) {
                    (Some(mut facts), whole) => {
                        self.outlined += 1;
                        // The whole parse, when there was one, saw the error the outline hides.
                        facts.had_syntax_errors = whole.is_some();
                        facts
                    }
                    (None, whole) => {
                        let mut facts = whole.unwrap_or_else(|| {
                            code::extract(parser, syntax, roles, text, cx, offsets)
                        });
                        // tree-sitter recovers from a syntax error by reading on with the
                        // string that an external scanner had opened forgotten: a triple-quoted
                        // Python string after the error is read as code. Python's tokenizer
                        // reads it as a string, and so does the prefilter; what recovery found
                        // inside one is dropped.
                        if lang == Lang::Python && facts.had_syntax_errors {
                            let strings = crate::prefilter::python_long_strings(text.as_bytes());
                            facts.drop_inside(&strings);
                        }
                        facts
                    }
                }
            }
        };
        facts.drop_silent_limits();
        facts
    }
}

impl FileFacts {
    /// What the file's path says about its facts: recorded data (cassettes, snapshots, result
    /// files, `recorded_paths` in `rules/shapes.yaml`) and type declarations (`.pyi`, `.d.ts`)
    /// name models without calling them, so only their references are kept.
    pub fn in_file(&mut self, rel: &str) {
        let shapes = shape::ShapeRules::get();
        if shapes.is_recorded_path(rel) || shapes.is_type_only_path(rel) {
            self.sites.clear();
            self.limits.clear();
            self.dynamic_models = 0;
        }
    }

    /// Drops the references, limits and call sites that start inside one of `ranges` (byte
    /// ranges), and the sites whose model reference is dropped, keeping the indices between
    /// them right.
    pub(crate) fn drop_inside(&mut self, ranges: &[Range<usize>]) {
        let inside = |span: &Span| ranges.iter().any(|r| r.contains(&span.start_byte));
        let refs = keep_indexed(&mut self.refs, |r| !inside(&r.span));
        let limits = keep_indexed(&mut self.limits, |l| !inside(&l.span));
        self.sites.retain_mut(|s| {
            let Some(model) = refs[s.model] else {
                return false;
            };
            s.model = model;
            s.limit = s.limit.and_then(|l| limits[l]);
            !inside(&s.span)
        });
    }

    /// A limit that binds to no call and whose value cannot be read (`maxTokens:
    /// params.maxTokens` in a helper) says nothing costlint can price or check: it is dropped.
    /// This also keeps a file's facts independent of whether the prefilter read it, as the
    /// prefilter only lets such limits through when they may be readable.
    fn drop_silent_limits(&mut self) {
        let speaks = |l: &LimitRef| l.bound || l.value.is_some();
        if self.limits.iter().all(speaks) {
            return;
        }
        let index = keep_indexed(&mut self.limits, speaks);
        for s in &mut self.sites {
            s.limit = s.limit.and_then(|l| index[l]);
        }
    }
}

/// Keeps the items `keep` accepts, in order; returns each old index's new one.
fn keep_indexed<T>(items: &mut Vec<T>, keep: impl Fn(&T) -> bool) -> Vec<Option<usize>> {
    let mut index = Vec::with_capacity(items.len());
    let mut kept = Vec::with_capacity(items.len());
    for item in std::mem::take(items) {
        if keep(&item) {
            index.push(Some(kept.len()));
            kept.push(item);
        } else {
            index.push(None);
        }
    }
    *items = kept;
    index
}

/// Turns byte positions into 1-based lines and character columns. Long lines (minified
/// bundles) get a table of character counts every [`BLOCK`] bytes, built once, so that many
/// references on one line cost linear, not quadratic, time.
#[derive(Default)]
pub(crate) struct Columns {
    long_lines: std::cell::RefCell<std::collections::HashMap<usize, Vec<u32>>>,
}

const BLOCK: usize = 4096;

/// Characters in a byte range of UTF-8 text (cut anywhere): the bytes that start a character.
fn chars(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32
}

impl Columns {
    fn column(&self, text: &str, byte: usize, col_bytes: usize) -> u32 {
        let bytes = text.as_bytes();
        let byte = byte.min(bytes.len());
        let start = byte.saturating_sub(col_bytes);
        let col_bytes = byte - start;
        if col_bytes <= BLOCK {
            return chars(&bytes[start..byte]) + 1;
        }
        let mut lines = self.long_lines.borrow_mut();
        let marks = lines.entry(start).or_default(); // marks[i] = characters in start..start + i*BLOCK
        let need = col_bytes / BLOCK;
        while marks.len() <= need {
            let i = marks.len();
            let before = if i == 0 {
                0
            } else {
                marks[i - 1] + chars(&bytes[start + (i - 1) * BLOCK..start + i * BLOCK])
            };
            marks.push(before);
        }
        marks[need] + chars(&bytes[start + need * BLOCK..byte]) + 1
    }

    /// The span of bytes `start..end` whose tree-sitter points (row, byte column) are `sp`, `ep`.
    pub(crate) fn span(
        &self,
        text: &str,
        start: usize,
        end: usize,
        sp: (usize, usize),
        ep: (usize, usize),
    ) -> Span {
        Span {
            line: sp.0 as u32 + 1,
            column: self.column(text, start, sp.1),
            end_line: ep.0 as u32 + 1,
            end_column: self.column(text, end, ep.1),
            start_byte: start,
            end_byte: end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::prefilter::Prefilter;
    use std::path::{Path, PathBuf};

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    static NO_DEPLOYMENTS: BTreeMap<String, String> = BTreeMap::new();

    /// The bundled catalog, no deployments, and their prefilter.
    fn builtin() -> (Context<'static>, Prefilter) {
        let catalog = Catalog::builtin();
        let prefilter = Prefilter::new(catalog, &NO_DEPLOYMENTS);
        let cx = Context {
            catalog,
            deployments: &NO_DEPLOYMENTS,
        };
        (cx, prefilter)
    }

    /// Every JavaScript, TypeScript, Python and JSON fixture, outlined as far as it goes (no size
    /// thresholds), gives the facts of the whole file.
    #[test]
    fn outlines_give_the_facts_of_the_whole_file() {
        let (cx, prefilter) = builtin();
        let mut whole = Extractor::new();
        let mut outlined = Extractor {
            outline_sizes: skeleton::Sizes {
                file: 0,
                body: 0,
                share: usize::MAX,
            },
            ..Extractor::default()
        };
        let mut files = Vec::new();
        files_under(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut files,
        );
        files.sort();
        let mut tried = 0;
        for path in files {
            let lang = Lang::for_path(&path);
            if !matches!(
                lang,
                Some(Lang::JavaScript | Lang::TypeScript | Lang::Python | Lang::Json)
            ) {
                continue;
            }
            let Some(lang) = lang else { continue };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let hits = prefilter.scan(&cx, lang, text.as_bytes());
            if !hits.wanted {
                continue;
            }
            tried += 1;
            let expected = whole.extract(lang, &text, &cx, &hits, false);
            let got = outlined.extract(lang, &text, &cx, &hits, true);
            assert_eq!(
                format!("{got:#?}"),
                format!("{expected:#?}"),
                "{}",
                path.display()
            );
        }
        assert!(tried >= 5, "only {tried} fixtures tried");
        assert!(
            outlined.outlined >= 3,
            "only {} of {tried} fixtures were read from an outline",
            outlined.outlined
        );
    }

    /// The large test file fixture is read from its outline at the default sizes.
    #[test]
    fn a_large_test_file_is_read_from_its_outline() {
        let (cx, prefilter) = builtin();
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lang/typescript/outline.test.ts");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let hits = prefilter.scan(&cx, Lang::TypeScript, text.as_bytes());
        let mut ex = Extractor::new();
        let facts = ex.extract(Lang::TypeScript, &text, &cx, &hits, true);
        assert_eq!(ex.outlined, 1);
        let names: Vec<&str> = facts.refs.iter().map(|r| r.text.as_str()).collect();
        // `acme-mock-7` sits in a mock (`const mock = { response: { modelId: … } }`): no site,
        // and an unknown name outside a site is no reference.
        assert_eq!(names, ["gpt-5.4", "acme-fallback-2"]);
        let Some(outline) = Skeleton::new(
            &text,
            Lang::TypeScript,
            &hits,
            |v| cx.is_model_text(v),
            Default::default(),
        ) else {
            panic!("no outline");
        };
        // The mock stream, the mock response and the helpers are blanked.
        assert!(!outline.text.contains("doStream"));
        assert!(!outline.text.contains("mock-model-id"));
        assert!(!outline.text.contains("controller"));
        assert!(outline.text.contains("maxOutputTokens: 800"));
        assert_eq!(outline.text.lines().count(), text.lines().count());
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        let line = format!("{}é{}x", "a".repeat(5000), "b".repeat(9000));
        let at = line.rfind('x').unwrap();
        let cols = Columns::default();
        // 5000 a + é + 9000 b before x: column 14002, whichever order spans are asked in.
        assert_eq!(cols.column(&line, at, at), 14_002);
        assert_eq!(cols.column(&line, 5000, 5000), 5001);
        assert_eq!(cols.column(&line, at, at), 14_002);
        assert_eq!(Columns::default().column("ab\ncé", 6, 3), 3);
    }
}

//! The one entry point for the CLI (and later the diff mode and the language server): files in,
//! priced call sites and diagnostics out. Every stage is a plain function over plain data;
//! nothing here knows about output formats.

use crate::catalog::{Catalog, Resolution};
use crate::checks::{self, CheckContext, CheckSettings};
use crate::config::{Policy, PricingSource};
use crate::cost::Money;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Level};
use crate::error::InputError;
use crate::extract::{Context, DirectiveKind, Extractor, FileFacts, LimitRef};
use crate::files::{FileResult, PackedFile};
use crate::lang::Lang;
use crate::prefilter::Prefilter;
use crate::sites::{self, Site, SiteModel};
use crate::usage;
use crate::walk::{self, SkipReason};
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Files larger than this are not read unless configured otherwise (minified bundles, dumps).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub threads: usize,
    pub max_file_size: u64,
    /// Parse every file, not only those the byte prefilter lets through, and walk every syntax
    /// node, not only those holding a prefilter hit (to check that the prefilter never changes
    /// a result, and to measure what it saves).
    pub no_prefilter: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: default_threads(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            no_prefilter: false,
        }
    }
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(12)
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ScanStats {
    /// Files of a format costlint reads (after ignore rules).
    pub files_seen: u64,
    /// Files the prefilter let through to the parser.
    pub files_parsed: u64,
    /// Files read with invalid UTF-8 replaced.
    pub invalid_utf8: Vec<String>,
    /// Files the parser could only partly understand.
    pub syntax_errors: Vec<String>,
}

/// A file in a format costlint cannot parse yet that names catalog models: listed so that a
/// user can tell "no LLM use" from "not looked at".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NotScanned {
    pub path: String,
    /// The format's label: `.ipynb`, `.go`, `.toml`.
    pub format: &'static str,
    /// How many distinct catalog model names the file holds.
    pub models: u64,
}

#[derive(Debug, Default)]
pub struct Scan {
    /// The path arguments scanned, as given.
    pub paths: Vec<String>,
    /// The files with facts, packed, sorted by path.
    pub files: Vec<PackedFile>,
    pub skipped: Vec<(String, SkipReason)>,
    /// Files of formats costlint cannot parse yet that name models, sorted by path.
    pub not_scanned: Vec<NotScanned>,
    pub stats: ScanStats,
}

/// A file given as text: its path relative to the scanned folder, and its bytes.
pub type Text = (String, Vec<u8>);

/// A policy with its pricing loaded and its prefilter built.
pub struct Engine<'p> {
    pub policy: &'p Policy,
    pub catalog: Cow<'static, Catalog>,
    prefilter: Prefilter,
    /// [`Policy::folder`], found once.
    folder: Option<PathBuf>,
    /// The policy's `checks:` section, validated by the check registry.
    settings: CheckSettings,
}

impl<'p> Engine<'p> {
    /// The policy's `checks:` section, validated.
    pub fn check_settings(&self) -> &CheckSettings {
        &self.settings
    }

    /// The engine for `policy`: its `checks:` section validated, its pricing sources read and
    /// merged, the prefilter built for that catalog. A mistake in any is bad input.
    pub fn new(policy: &'p Policy) -> Result<Engine<'p>, InputError> {
        let settings = checks::configure(policy)?;
        let catalog = load_pricing(policy)?;
        let prefilter = Prefilter::new(&catalog, &policy.deployments);
        Ok(Engine {
            policy,
            catalog,
            prefilter,
            folder: policy.folder(),
            settings,
        })
    }

    fn context(&self) -> Context<'_> {
        Context {
            catalog: &self.catalog,
            deployments: &self.policy.deployments,
        }
    }

    /// Facts of one file's text (the path decides the format); `None` for formats costlint
    /// does not read.
    pub fn check_source(
        &self,
        extractor: &mut Extractor,
        rel: &str,
        text: &str,
    ) -> Option<FileResult> {
        let lang = Lang::for_path(Path::new(rel))?;
        let text = match text.contains('\r') {
            true => {
                let mut bytes = text.as_bytes().to_vec();
                editor_line_breaks(&mut bytes);
                // A line feed for a carriage return leaves UTF-8 valid.
                Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
            }
            false => Cow::Borrowed(text),
        };
        let mut facts = self.extract(extractor, lang, &text);
        facts.in_file(rel);
        Some(FileResult {
            path: rel.to_string(),
            policy_path: self.folder.as_ref().map(|_| rel.to_string()),
            lang,
            facts,
        })
    }

    /// Walks, reads, prefilters and extracts `paths` in parallel, paths reported relative to
    /// [`walk::root_for`] them; the result is sorted by path.
    pub fn scan(&self, paths: &[PathBuf], opts: &ScanOptions) -> Scan {
        self.scan_from(paths, &walk::root_for(paths), opts)
    }

    /// [`Engine::scan`] with paths reported relative to `root`, so that several scans of one run
    /// (one per policy) report alike.
    pub fn scan_from(&self, paths: &[PathBuf], root: &Path, opts: &ScanOptions) -> Scan {
        // Each argument's real path, found once, places its files under the policy's folder.
        let anchors: Vec<(&Path, PathBuf)> = paths
            .iter()
            .map(|p| (p.as_path(), p.canonicalize().unwrap_or_else(|_| p.clone())))
            .collect();
        let out = Mutex::new(Scan {
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            ..Scan::default()
        });
        walk::walk(
            paths,
            root,
            opts.threads.max(1),
            |entry| {
                let policy_path = self.policy_path(&anchors, &entry.path);
                if !entry.explicit
                    && policy_path
                        .as_deref()
                        .is_some_and(|p| self.policy.is_ignored(p))
                {
                    return;
                }
                let lang = match entry.kind {
                    walk::Kind::Source(lang) => lang,
                    walk::Kind::NotYet(format) => {
                        let found = self.look_for_models(&entry, format, opts);
                        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                        match found {
                            Ok(Some(n)) => out.not_scanned.push(n),
                            Ok(None) => {}
                            Err(reason) => out.skipped.push((entry.rel, reason)),
                        }
                        return;
                    }
                };
                let result = self.read_and_extract(&entry, lang, opts);
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                out.stats.files_seen += 1;
                match result {
                    ReadOutcome::Skipped(reason) => out.skipped.push((entry.rel, reason)),
                    ReadOutcome::Filtered => {}
                    ReadOutcome::Parsed { facts, lossy } => {
                        out.stats.files_parsed += 1;
                        if lossy {
                            out.stats.invalid_utf8.push(entry.rel.clone());
                        }
                        if facts.had_syntax_errors
                            && !(facts.refs.is_empty() && facts.limits.is_empty())
                        {
                            out.stats.syntax_errors.push(entry.rel.clone());
                        }
                        let empty = facts.refs.is_empty()
                            && facts.limits.is_empty()
                            && facts.directives.is_empty()
                            && facts.problems.is_empty()
                            && facts.dynamic_models == 0;
                        if !empty {
                            out.files.push(PackedFile::pack(FileResult {
                                path: entry.rel,
                                policy_path,
                                lang,
                                facts,
                            }));
                        }
                    }
                }
            },
            |rel, reason| {
                // A symbolic link named like a policy is a policy (read through `discover`),
                // not a skipped source file, like policy files that are not links.
                let policy_link = matches!(reason, SkipReason::Symlink)
                    && rel
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| crate::config::POLICY_FILE_NAMES.contains(&n));
                if policy_link {
                    return;
                }
                // A tool cache that the policy ignores stays unlisted.
                if matches!(reason, SkipReason::ToolCache) {
                    let at = self.policy_path(&anchors, &root.join(&rel));
                    if at.is_some_and(|p| {
                        self.policy.is_ignored(&p) || self.policy.is_ignored(&format!("{p}/-"))
                    }) {
                        return;
                    }
                }
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                out.skipped.push((rel, reason));
            },
        );
        let mut scan = out.into_inner().unwrap_or_else(|e| e.into_inner());
        scan.files.sort_by(|a, b| a.path.cmp(&b.path));
        scan.files.dedup_by(|a, b| a.path == b.path);
        scan.skipped.sort();
        scan.skipped.dedup();
        scan.not_scanned.sort();
        scan.not_scanned.dedup();
        scan.stats.invalid_utf8.sort();
        scan.stats.syntax_errors.sort();
        scan
    }

    /// `path` (as the walk gives it, under one of the `anchors`: each argument as given and its
    /// real path) relative to the policy's folder, `/`-separated; `None` outside that folder.
    fn policy_path(&self, anchors: &[(&Path, PathBuf)], path: &Path) -> Option<String> {
        let folder = self.folder.as_ref()?;
        let (given, real) = anchors
            .iter()
            .filter(|(given, _)| path.starts_with(given))
            .max_by_key(|(given, _)| given.components().count())?;
        let inside = path.strip_prefix(given).ok()?;
        let real = real.join(inside);
        let rel = real.strip_prefix(folder).ok()?;
        Some(walk::relative(Path::new(""), rel))
    }

    /// A file of a format costlint cannot parse yet: `Some` when it names catalog models, or
    /// why it could not be read. One named on the command line that names none is skipped as
    /// not a format costlint reads.
    fn look_for_models(
        &self,
        entry: &walk::Entry,
        format: &'static str,
        opts: &ScanOptions,
    ) -> Result<Option<NotScanned>, SkipReason> {
        let bytes = read_source(&entry.path, opts.max_file_size)?;
        let models = self.prefilter.model_names(&self.context(), &bytes) as u64;
        if models == 0 {
            return if entry.explicit {
                Err(SkipReason::UnknownFormat)
            } else {
                Ok(None)
            };
        }
        Ok(Some(NotScanned {
            path: entry.rel.clone(),
            format,
            models,
        }))
    }

    fn read_and_extract(&self, entry: &walk::Entry, lang: Lang, opts: &ScanOptions) -> ReadOutcome {
        let bytes = match read_source(&entry.path, opts.max_file_size) {
            Ok(b) => b,
            Err(reason) => return ReadOutcome::Skipped(reason),
        };
        self.extract_bytes(&entry.rel, lang, bytes, opts.no_prefilter)
    }

    /// Files given as texts (a git revision's, an editor's buffers), as [`Engine::scan`] reads
    /// files from disk: `texts` are (path relative to `root`, bytes); the policy's ignore
    /// rules, the size limit and the binary rule apply. Formats costlint does not parse are
    /// left out. Sorted by path.
    pub fn scan_texts(&self, root: &Path, texts: Vec<Text>, opts: &ScanOptions) -> Scan {
        let real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let anchors = [(root, real)];
        let out = Mutex::new(Scan {
            paths: vec![root.display().to_string()],
            ..Scan::default()
        });
        let next = std::sync::atomic::AtomicUsize::new(0);
        let texts: Vec<Mutex<Option<Text>>> =
            texts.into_iter().map(|t| Mutex::new(Some(t))).collect();
        std::thread::scope(|scope| {
            for _ in 0..opts.threads.clamp(1, texts.len().max(1)) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(slot) = texts.get(i) else { break };
                    let Some((rel, bytes)) = slot.lock().ok().and_then(|mut t| t.take()) else {
                        continue;
                    };
                    let Some(lang) = Lang::for_path(Path::new(&rel)) else {
                        continue;
                    };
                    // What the walk leaves out: policy files and tool caches.
                    let name = rel.rsplit('/').next().unwrap_or(&rel);
                    if crate::config::POLICY_FILE_NAMES.contains(&name)
                        || rel.split('/').any(|c| walk::TOOL_CACHES.contains(&c))
                    {
                        continue;
                    }
                    let policy_path = self.policy_path(&anchors, &root.join(&rel));
                    if policy_path
                        .as_deref()
                        .is_some_and(|p| self.policy.is_ignored(p))
                    {
                        continue;
                    }
                    let outcome = if bytes.len() as u64 > opts.max_file_size {
                        ReadOutcome::Skipped(SkipReason::TooLarge {
                            bytes: bytes.len() as u64,
                            limit: opts.max_file_size,
                        })
                    } else if bytes[..bytes.len().min(8192)].contains(&0) {
                        ReadOutcome::Skipped(SkipReason::Binary)
                    } else {
                        self.extract_bytes(&rel, lang, bytes, opts.no_prefilter)
                    };
                    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                    out.stats.files_seen += 1;
                    match outcome {
                        ReadOutcome::Skipped(reason) => out.skipped.push((rel, reason)),
                        ReadOutcome::Filtered => {}
                        ReadOutcome::Parsed { facts, lossy } => {
                            out.stats.files_parsed += 1;
                            if lossy {
                                out.stats.invalid_utf8.push(rel.clone());
                            }
                            out.files.push(PackedFile::pack(FileResult {
                                path: rel,
                                policy_path,
                                lang,
                                facts,
                            }));
                        }
                    }
                });
            }
        });
        let mut scan = out.into_inner().unwrap_or_else(|e| e.into_inner());
        scan.files.sort_by(|a, b| a.path.cmp(&b.path));
        scan.skipped.sort();
        scan.stats.invalid_utf8.sort();
        scan
    }

    /// What a scan makes of one file's bytes, `rel` being its reported path: filtered out by
    /// the prefilter, or its facts. With `no_prefilter`, every file is parsed whole and every
    /// node walked, which is what the prefilter's results are checked against: the two give
    /// the same facts for any bytes (a property test holds them to it).
    pub fn extract_bytes(
        &self,
        rel: &str,
        lang: Lang,
        mut bytes: Vec<u8>,
        no_prefilter: bool,
    ) -> ReadOutcome {
        editor_line_breaks(&mut bytes);
        let cx = self.context();
        let hits = self.prefilter.scan(&cx, lang, &bytes);
        if !no_prefilter && !hits.wanted {
            return ReadOutcome::Filtered;
        }
        let (text, hits) = match String::from_utf8(bytes) {
            Ok(s) => (s, Some(hits)),
            // Replacement characters move offsets: the hits are found again in the text.
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), None),
        };
        let lossy = hits.is_none();
        let mut facts = with_extractor(|ex| {
            let cx = self.context();
            let hits = hits.unwrap_or_else(|| self.prefilter.scan(&cx, lang, text.as_bytes()));
            // Without the prefilter, every file is parsed whole and every node walked: what the
            // prefilter's results are checked against.
            ex.extract(lang, &text, &cx, &hits, !no_prefilter)
        });
        facts.in_file(rel);
        ReadOutcome::Parsed { facts, lossy }
    }

    /// The one extraction path of a scan and of [`Engine::check_source`]: the prefilter's hits
    /// guide the walk, so both give the same facts for the same text.
    fn extract(&self, extractor: &mut Extractor, lang: Lang, text: &str) -> FileFacts {
        let cx = self.context();
        let hits = self.prefilter.scan(&cx, lang, text.as_bytes());
        extractor.extract(lang, text, &cx, &hits, true)
    }

    /// One file's call sites priced at their usage (each with a stable id, sorted by place),
    /// its references, its limit inventory, and the sites that could not be priced, with why.
    /// A pure function of the file's facts and this engine's policy and catalog, so a report
    /// derives it again whenever it is read instead of holding it ([`Report::files`]).
    ///
    /// `earlier` counts, for site-key stems of this file, the sites of files before it in path
    /// order with the same stem: a stem starts with its file's path, so this is empty unless a
    /// path holds `::` (`a.yaml::b`), which can make two files' stems the same text.
    pub fn derive(&self, file: &FileResult, earlier: Option<&HashMap<String, u32>>) -> FileItems {
        let facts = &file.facts;
        let mut sites = Vec::with_capacity(facts.sites.len());
        let mut unpriced = Vec::new();
        let mut occurrences: HashMap<String, u32> = earlier.cloned().unwrap_or_default();
        for s in &facts.sites {
            let r = &facts.refs[s.model];
            let limit = s.limit.map(|l| facts.limits[l].clone());
            let stem = site_stem(file, s, limit.as_ref());
            let n = occurrences.entry(stem.clone()).or_insert(0);
            *n += 1;
            let site_key = sites::SiteKey::new(stem, *n);
            let hint = usage_hint(facts, s.span.start_byte);
            let usage = usage::for_site(
                self.policy,
                &file.path,
                file.policy_path.as_deref(),
                Some(&site_key.text),
                hint,
            );
            let info = sites::model_info(&self.catalog, &r.resolution);
            let cost = match sites::price(info, limit.as_ref(), &usage) {
                Ok(c) => Some(c),
                Err(why) => {
                    unpriced.push(Unpriced {
                        path: file.path.clone(),
                        line: s.span.line,
                        model: r.text.clone(),
                        why,
                    });
                    None
                }
            };
            let id = site_key.id();
            sites.push(Site {
                id,
                site_key: site_key.text,
                enclosing: s.enclosing.clone(),
                path: file.path.clone(),
                span: s.span,
                key: s.key.clone(),
                model: SiteModel {
                    text: r.text.clone(),
                    line: r.span.line,
                    span: r.span,
                    resolved: r.resolution.clone(),
                    provider: info.map(|i| i.provider.clone()),
                    via: s.via.clone(),
                },
                limit,
                usage,
                cost,
            });
        }
        let mut limits = Vec::with_capacity(facts.limits.len());
        self.inventory_limits(file, &sites, &mut limits);
        // Ids are unique, so the order is total.
        sites.sort_unstable_by(|a, b| {
            (a.span.line, a.span.column, &a.id).cmp(&(b.span.line, b.span.column, &b.id))
        });
        unpriced.sort_by(|a, b| (a.line, &a.model).cmp(&(b.line, &b.model)));
        // Two calls of one unknown model on one line are one line of the list.
        unpriced.dedup_by(|a, b| (a.line, &a.model) == (b.line, &b.model));
        let mut references: Vec<Reference> = facts
            .refs
            .iter()
            .map(|r| Reference {
                path: file.path.clone(),
                line: r.span.line,
                column: r.span.column,
                text: r.text.clone(),
                provider: sites::model_info(&self.catalog, &r.resolution)
                    .map(|i| i.provider.clone()),
                resolved: r.resolution.clone(),
            })
            .collect();
        references.sort_by_key(|r| (r.line, r.column));
        FileItems {
            references,
            sites,
            limits,
            unpriced,
        }
    }

    /// Runs the checks on `scan`, file by file in path order, applies suppressions, and sums
    /// the summary. The report holds the files' facts, the diagnostics and the summary; call
    /// sites, references and limits are derived again from the facts when an output reads
    /// them, so that memory holds one file's of them at a time, not the repository's.
    pub fn evaluate(&self, scan: Scan, today: Date, run_checks: bool) -> Report<'_> {
        let mut tally = Tally::default();
        let mut diagnostics = Vec::new();
        let mut silenced = Vec::new();
        // Site-key ordinals count across files only where paths hold `::` (see `derive`).
        let mut stems: Option<HashMap<String, u32>> = scan
            .files
            .iter()
            .any(|f| f.path.contains("::"))
            .then(HashMap::new);
        let mut earlier_of = Vec::with_capacity(scan.files.len());
        for packed in &scan.files {
            let file = packed.unpack();
            let earlier = stems.as_mut().map(|all| {
                let mine: Vec<String> = file
                    .facts
                    .sites
                    .iter()
                    .map(|s| site_stem(&file, s, s.limit.map(|l| &file.facts.limits[l])))
                    .collect();
                let before: HashMap<String, u32> = mine
                    .iter()
                    .filter_map(|m| all.get(m).map(|&n| (m.clone(), n)))
                    .collect();
                for m in mine {
                    *all.entry(m).or_insert(0) += 1;
                }
                before
            });
            let items = self.derive(&file, earlier.as_ref());
            if run_checks {
                self.check_file(&file, &items, today, &mut diagnostics, &mut silenced);
            }
            tally.add(&file, items);
            earlier_of.push(earlier.filter(|e| !e.is_empty()));
        }
        let suppressed = silenced.len();
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        silenced.sort_by(|a, b| a.diagnostic.sort_key().cmp(&b.diagnostic.sort_key()));
        let summary = Summary::new(self, &scan, &tally, &diagnostics, suppressed);
        let mut files = scan.files;
        files.shrink_to_fit();
        Report {
            files: files
                .into_iter()
                .zip(earlier_of)
                .map(|(file, earlier)| Held {
                    engine: self,
                    file,
                    earlier,
                })
                .collect(),
            diagnostics,
            suppressed: silenced,
            summary,
            diff: None,
            texts: HashMap::new(),
        }
    }

    /// The checks' diagnostics on one file, those that a directive silences moved to
    /// `silenced`.
    fn check_file(
        &self,
        file: &FileResult,
        items: &FileItems,
        today: Date,
        diagnostics: &mut Vec<Diagnostic>,
        silenced: &mut Vec<Suppressed>,
    ) {
        let cx = CheckContext {
            policy: self.policy,
            settings: &self.settings,
            catalog: &self.catalog,
            today,
            files: std::slice::from_ref(file),
            sites: &items.sites,
            limits: &items.limits,
        };
        // A diagnostic on a site's model text (perhaps a constant far above) is silenced by a
        // directive above the site itself.
        let mut site_of: HashMap<usize, usize> = HashMap::new();
        for s in &items.sites {
            site_of.insert(s.span.start_byte, s.span.start_byte);
            site_of
                .entry(s.model.span.start_byte)
                .or_insert(s.span.start_byte);
        }
        for d in checks::run_all(&cx) {
            let site = site_of.get(&d.span.start_byte).copied();
            let file = (d.path == file.path).then_some(file);
            match suppressed(&d, file, site, today) {
                Some(reason) => silenced.push(Suppressed {
                    diagnostic: d,
                    reason,
                }),
                None => diagnostics.push(d),
            }
        }
    }
}

/// The stem of a site's key ([`sites::SiteKey::stem`]): its file's path, enclosing names, model
/// key and limit parameter.
fn site_stem(file: &FileResult, s: &crate::extract::SiteFact, limit: Option<&LimitRef>) -> String {
    sites::SiteKey::stem(
        &file.path,
        s.enclosing.as_deref().unwrap_or(""),
        s.key.as_deref().unwrap_or(""),
        limit.map_or("", |l| l.param.as_str()),
    )
}

/// One file's derived content ([`Engine::derive`]), each list sorted by place.
#[derive(Debug, Default)]
pub struct FileItems {
    pub references: Vec<Reference>,
    pub sites: Vec<Site>,
    /// Every output-token limit, bound or not, in file order.
    pub limits: Vec<sites::LimitEntry>,
    pub unpriced: Vec<Unpriced>,
}

/// The summary's figures that the files' derived content gives, summed file by file.
#[derive(Default)]
struct Tally {
    files_with_findings: u64,
    references: u64,
    sites: u64,
    sites_priced: u64,
    dynamic_model_sites: u64,
    unbound_limits: u64,
    monthly_total: Money,
    /// In path order, as files are tallied.
    unpriced: Vec<Unpriced>,
}

impl Tally {
    fn add(&mut self, file: &FileResult, items: FileItems) {
        let facts = &file.facts;
        if !facts.refs.is_empty() || !facts.limits.is_empty() {
            self.files_with_findings += 1;
        }
        self.references += facts.refs.len() as u64;
        self.sites += items.sites.len() as u64;
        for c in items.sites.iter().filter_map(|s| s.cost.as_ref()) {
            self.sites_priced += 1;
            self.monthly_total = self.monthly_total + c.monthly;
        }
        self.dynamic_model_sites += u64::from(facts.dynamic_models);
        self.unbound_limits += facts.limits.iter().filter(|l| !l.bound).count() as u64;
        self.unpriced.extend(items.unpriced);
    }
}

impl Engine<'_> {
    /// Adds file `file`'s limits to the inventory, each with the site (among `sites`, the
    /// file's own) that claimed it and that site's model.
    fn inventory_limits(
        &self,
        file: &FileResult,
        sites: &[Site],
        out: &mut Vec<sites::LimitEntry>,
    ) {
        let facts = &file.facts;
        let mut claimed: Vec<Option<&Site>> = vec![None; facts.limits.len()];
        for (fact, site) in facts.sites.iter().zip(sites) {
            if let Some(slot) = fact.limit.and_then(|l| claimed.get_mut(l)) {
                slot.get_or_insert(site);
            }
        }
        for (l, site) in facts.limits.iter().zip(claimed) {
            let table_model = l.table_model.as_ref();
            let runs = match site {
                Some(site) => site.usage.calls_per_day > 0,
                // A settings table's limit calls nothing.
                None if table_model.is_some() => false,
                None => {
                    let hint = usage_hint(facts, l.span.start_byte);
                    let at = file.policy_path.as_deref();
                    usage::for_site(self.policy, &file.path, at, None, hint).calls_per_day > 0
                }
            };
            out.push(sites::LimitEntry {
                path: file.path.clone(),
                line: l.span.line,
                column: l.span.column,
                param: l.param.clone(),
                value: l.value,
                value_line: l.value_line,
                conditional: l.conditional,
                model: match (site, table_model) {
                    (Some(s), _) => Some(sites::LimitModel {
                        text: s.model.text.clone(),
                        line: s.model.line,
                    }),
                    (None, Some(t)) => Some(sites::LimitModel {
                        text: t.text.clone(),
                        line: t.line,
                    }),
                    (None, None) => None,
                },
                site: site.map(|s| s.id.clone()),
                runs,
                span: l.span,
            });
        }
    }
}

/// A file's bytes, or why it is not read: unreadable, larger than `max_size`, or binary (a NUL
/// byte in its first 8 KiB).
pub fn read_source(path: &Path, max_size: u64) -> Result<Vec<u8>, SkipReason> {
    let unreadable = |e: std::io::Error| SkipReason::Unreadable {
        error: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the file have become a FIFO since the walk saw it, opening it must not wait
        // for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() && !meta.is_dir() {
        return Err(SkipReason::Special {
            kind: walk::special_kind(meta.file_type()),
        });
    }
    let len = meta.len();
    if len > max_size {
        return Err(SkipReason::TooLarge {
            bytes: len,
            limit: max_size,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    // `take` guards against files that grow while being read.
    (&mut file)
        .take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_size {
        return Err(SkipReason::TooLarge {
            bytes: bytes.len() as u64,
            limit: max_size,
        });
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(SkipReason::Binary);
    }
    Ok(bytes)
}

/// Runs `f` with this thread's extractor (parsers are reused across files).
fn with_extractor<R>(f: impl FnOnce(&mut Extractor) -> R) -> R {
    thread_local! {
        static EXTRACTOR: RefCell<Extractor> = RefCell::new(Extractor::new());
    }
    EXTRACTOR.with(|e| f(&mut e.borrow_mut()))
}

/// What a scan makes of one file.
#[derive(Debug)]
pub enum ReadOutcome {
    /// Not read: why.
    Skipped(SkipReason),
    /// Read, and the prefilter found nothing extraction could report: not parsed.
    Filtered,
    /// Parsed: its facts, and whether invalid UTF-8 was replaced.
    Parsed { facts: FileFacts, lossy: bool },
}

/// Makes every lone carriage return (one not followed by a line feed) a line feed, in place:
/// editors, Python and JavaScript count it as a line break, and so do lines and columns in
/// costlint's output, while every stage (the prefilter, outlines, the parsers) needs to look
/// for one kind of line end only. Offsets stay those of the file.
pub fn editor_line_breaks(bytes: &mut [u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\r', &bytes[from..]) {
        let at = from + i;
        if bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
        from = at + 1;
    }
}

/// The most a pricing file named by a policy may hold: 64 MiB (LiteLLM's whole price list is
/// under 2 MiB).
pub const MAX_PRICING_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The pricing sources of the policy, merged in order (later ones override earlier ones); then
/// every `deployments:` target must resolve in the result.
///
/// A policy is repository content that any pull request can change, so the files it names are
/// untrusted: each must be a regular file (no folder, FIFO, device or socket: checked before it
/// is opened, and opened without blocking) of at most [`MAX_PRICING_FILE_BYTES`], whose real
/// path (`..` and symbolic links resolved) is inside the repository that holds the policy (the
/// nearest folder above it with `.git`), or under the policy's own folder outside any
/// repository. Errors about reaching a file point at the policy line that names it
/// (`pricing[1].file`); errors inside a file show that one line of it, no more.
pub fn load_pricing(policy: &Policy) -> Result<Cow<'static, Catalog>, InputError> {
    let catalog = if let [PricingSource::Builtin] = policy.pricing.as_slice() {
        Cow::Borrowed(Catalog::builtin())
    } else {
        let root = pricing_root(policy);
        let mut catalog = Catalog::empty();
        for (i, source) in policy.pricing.iter().enumerate() {
            let next = match source {
                PricingSource::Builtin => Catalog::builtin().clone(),
                PricingSource::File(path) => {
                    let key = format!("pricing[{i}].file");
                    let text = read_pricing_source(policy, &key, path, &root)?;
                    Catalog::load_pricing_file(&display_path(path), &text)
                        .map_err(|e| foreign(e, policy, &key))?
                }
                PricingSource::Litellm(path) => {
                    let key = format!("pricing[{i}].litellm");
                    let text = read_pricing_source(policy, &key, path, &root)?;
                    Catalog::load_litellm_strict(&display_path(path), &text)
                        .map_err(|e| foreign(e, policy, &key))?
                }
            };
            catalog.merge(next);
        }
        Cow::Owned(catalog)
    };
    check_deployments(policy, &catalog)?;
    Ok(catalog)
}

/// Every `deployments:` target resolves in `catalog`: a deployment whose model is unknown
/// would leave its call sites unpriced without a word.
fn check_deployments(policy: &Policy, catalog: &Catalog) -> Result<(), InputError> {
    let none = std::collections::BTreeMap::new();
    for (name, target) in &policy.deployments {
        if catalog.resolve(target, &none) != Resolution::Unknown {
            continue;
        }
        let near = catalog.suggest(target, 3);
        let help = match near.split_first() {
            Some((first, [])) => format!("did you mean `{first}`?"),
            Some((first, rest)) => format!(
                "did you mean `{first}`? other near names: {}",
                rest.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "`costlint models PATTERN` lists the catalog's models".to_string(),
        };
        return Err(crate::config::policy_error(
            policy,
            &format!("deployments.{name}"),
            format!("deployment `{name}` maps to `{target}`, which is not in the pricing catalog"),
            "unknown model",
        )
        .with_help(help));
    }
    Ok(())
}

/// The folder pricing files must be in: the repository holding the policy file (the nearest
/// folder above it with `.git`), else the policy's folder; real paths.
fn pricing_root(policy: &Policy) -> PathBuf {
    let cwd = || std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let policy_path = match &policy.origin {
        crate::config::PolicyOrigin::File(p) => cwd().join(p),
        crate::config::PolicyOrigin::Embedded => cwd().join("costlint.yaml"),
    };
    let folder = policy_path.parent().map_or_else(cwd, Path::to_path_buf);
    let folder = folder.canonicalize().unwrap_or(folder);
    folder
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&folder)
        .to_path_buf()
}

/// The text of the pricing file `path`, named at `key` of the policy, under the rules of
/// [`load_pricing`].
fn read_pricing_source(
    policy: &Policy,
    key: &str,
    path: &Path,
    root: &Path,
) -> Result<String, InputError> {
    let shown = display_path(path);
    let at = |message: String, label: &str| {
        crate::config::policy_error(policy, key, message, format!("`{key}`: {label}"))
            .with_help("paths under `pricing:` are relative to the policy file's folder")
    };
    let real = path.canonicalize().map_err(|e| {
        at(
            format!("cannot read pricing file `{shown}`: {e}"),
            "cannot read",
        )
    })?;
    if !real.starts_with(root) {
        return Err(at(
            format!(
                "pricing file `{shown}` is outside the repository that holds the policy (`{}`)",
                root.display()
            ),
            "outside the repository",
        )
        .with_help(
            "a policy may name only files inside its own repository (outside a repository, \
             under its own folder); copy the price list into the repository",
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| {
        at(
            format!("cannot read pricing file `{shown}`: {e}"),
            "cannot read",
        )
    })?;
    if !meta.is_file() {
        return Err(at(
            format!(
                "pricing file `{shown}` is {}, not a regular file",
                crate::config::file_kind(&meta)
            ),
            "not a regular file",
        ));
    }
    let too_large = |bytes: u64| {
        at(
            format!(
                "pricing file `{shown}` is {bytes} bytes; costlint reads pricing files of at most {MAX_PRICING_FILE_BYTES} bytes"
            ),
            "too large",
        )
    };
    if meta.len() > MAX_PRICING_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the file become a FIFO between the check above and here, opening it must not
        // wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(&real).map_err(|e| {
        at(
            format!("cannot read pricing file `{shown}`: {e}"),
            "cannot read",
        )
    })?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(at(
            format!("pricing file `{shown}` is not a regular file"),
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PRICING_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            at(
                format!("cannot read pricing file `{shown}`: {e}"),
                "cannot read",
            )
        })?;
    if bytes.len() as u64 > MAX_PRICING_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        at(
            format!("pricing file `{shown}` is not valid UTF-8: byte offset {offset} starts an invalid sequence"),
            "not UTF-8",
        )
    })
}

/// An error inside a pricing file: that one line of it, and which policy entry named it.
fn foreign(e: InputError, policy: &Policy, key: &str) -> InputError {
    let mut e = e.only_its_line();
    let named = match &policy.source {
        Some(src) => format!("named by `{key}` in `{}`", src.display_path),
        None => format!("named by `{key}`"),
    };
    e.help = Some(match e.help.take() {
        Some(h) => format!("{h} ({named})"),
        None => named,
    });
    e
}

/// The `costlint: usage` hint whose statement holds byte `at`.
fn usage_hint(facts: &FileFacts, at: usize) -> Option<(u32, crate::extract::UsageHint)> {
    facts.directives.iter().rev().find_map(|d| match &d.kind {
        DirectiveKind::Usage(h) if d.covers(at) => Some((d.span.line, *h)),
        _ => None,
    })
}

/// Is `d` silenced by a live `costlint: ignore[…]` covering its span or its call site? If so,
/// `Some` with the directive's `reason`, if it gives one.
pub(crate) fn suppressed(
    d: &Diagnostic,
    file: Option<&FileResult>,
    site: Option<usize>,
    today: Date,
) -> Option<Option<String>> {
    let file = file?;
    if d.check == "expired-suppression" || d.check == "invalid-directive" {
        return None;
    }
    let places = [Some(d.span.start_byte), site];
    let places: Vec<usize> = places.into_iter().flatten().collect();
    file.facts
        .directives
        .iter()
        .find_map(|dir| match &dir.kind {
            DirectiveKind::Ignore {
                checks,
                until,
                reason,
            } => (checks.iter().any(|c| c == d.check || c == "all")
                && until.is_none_or(|u| u >= today)
                && places.iter().any(|&p| dir.covers(p)))
            .then(|| reason.clone()),
            DirectiveKind::Usage(_) => None,
        })
}

/// A diagnostic silenced by a `costlint: ignore[…]` directive: left out of every report but
/// SARIF, which carries it with a suppression so that code scanning shows it as dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The diagnostic as the check reported it.
    pub diagnostic: Diagnostic,
    /// The directive's `reason="…"`, when it gives one.
    pub reason: Option<String>,
}

/// Every model reference, for the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub text: String,
    pub resolved: Resolution,
    pub provider: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unpriced {
    pub path: String,
    pub line: u32,
    pub model: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub files_seen: u64,
    pub files_parsed: u64,
    pub files_with_findings: u64,
    pub references: u64,
    pub sites: u64,
    pub sites_priced: u64,
    pub unpriced: Vec<Unpriced>,
    /// Calls with a readable output limit whose model is chosen at run time: not priced.
    pub dynamic_model_sites: u64,
    /// Readable limits not bound to any model (still checked against the ceiling).
    pub unbound_limits: u64,
    #[serde(serialize_with = "sites::money")]
    pub monthly_total: Money,
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    pub suppressed: u64,
    pub skipped: Vec<Skipped>,
    /// Files of formats costlint cannot parse yet (`.ipynb`, `.go`…) that name catalog models,
    /// sorted by path; such files that name none are not listed.
    pub not_scanned: Vec<NotScanned>,
    pub invalid_utf8: Vec<String>,
    pub syntax_errors: Vec<String>,
    pub assumptions: Assumptions,
}

/// What the figures assume. The policy fields are those of the first policy in `policies`
/// (the one of the first path argument); `policies` lists every policy that applied.
#[derive(Debug, Clone, Serialize)]
pub struct Assumptions {
    pub policy: String,
    pub days_per_month: u32,
    pub default_calls_per_day: u64,
    pub default_input_tokens: u64,
    pub default_cached_input_tokens: u64,
    pub pricing_as_of: Option<Date>,
    pub output_tokens: &'static str,
    pub prices: &'static str,
    /// Every policy that applied, in the order of the path arguments, each with the path
    /// arguments it covered.
    pub policies: Vec<AppliedPolicy>,
}

/// One policy of a run and the path arguments it covered.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedPolicy {
    /// The policy file as users would type it, or `embedded default`.
    pub policy: String,
    /// The path arguments it covered, as given.
    pub paths: Vec<String>,
    pub days_per_month: u32,
    pub default_calls_per_day: u64,
    pub default_input_tokens: u64,
    pub default_cached_input_tokens: u64,
    pub pricing_as_of: Option<Date>,
}

impl Summary {
    fn new(
        engine: &Engine,
        scan: &Scan,
        tally: &Tally,
        diags: &[Diagnostic],
        suppressed: usize,
    ) -> Summary {
        let count = |l: Level| diags.iter().filter(|d| d.level == l).count() as u64;
        let p = engine.policy;
        Summary {
            files_seen: scan.stats.files_seen,
            files_parsed: scan.stats.files_parsed,
            files_with_findings: tally.files_with_findings,
            references: tally.references,
            sites: tally.sites,
            sites_priced: tally.sites_priced,
            unpriced: tally.unpriced.clone(),
            dynamic_model_sites: tally.dynamic_model_sites,
            unbound_limits: tally.unbound_limits,
            monthly_total: tally.monthly_total,
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            notes: count(Level::Note),
            suppressed: suppressed as u64,
            skipped: scan
                .skipped
                .iter()
                .map(|(p, r)| Skipped {
                    path: p.clone(),
                    reason: r.to_string(),
                })
                .collect(),
            not_scanned: scan.not_scanned.clone(),
            invalid_utf8: scan.stats.invalid_utf8.clone(),
            syntax_errors: scan.stats.syntax_errors.clone(),
            assumptions: Assumptions::new(vec![AppliedPolicy {
                policy: match &p.origin {
                    crate::config::PolicyOrigin::Embedded => "embedded default".to_string(),
                    crate::config::PolicyOrigin::File(f) => display_path(f),
                },
                paths: scan.paths.clone(),
                days_per_month: p.usage.days_per_month,
                default_calls_per_day: p.usage.default.calls_per_day,
                default_input_tokens: p.usage.default.input_tokens,
                default_cached_input_tokens: p.usage.default.cached_input_tokens,
                pricing_as_of: engine.catalog.as_of(),
            }]),
        }
    }

    /// The summary of several reports' merged content (`report`, already merged and sorted):
    /// figures of the content are tallied again, file by file; the others are added up.
    fn merged(report: &Report, parts: Vec<Summary>) -> Summary {
        let count = |l: Level| report.diagnostics.iter().filter(|d| d.level == l).count() as u64;
        let mut tally = Tally::default();
        for h in &report.files {
            tally.add(&h.file.unpack(), h.derive());
        }
        let mut policies = Vec::new();
        let (mut seen, mut parsed, mut suppressed) = (0, 0, 0);
        let (mut skipped, mut invalid_utf8, mut syntax_errors) =
            (Vec::new(), Vec::new(), Vec::new());
        let mut not_scanned = Vec::new();
        for part in parts {
            seen += part.files_seen;
            parsed += part.files_parsed;
            suppressed += part.suppressed;
            skipped.extend(part.skipped);
            invalid_utf8.extend(part.invalid_utf8);
            syntax_errors.extend(part.syntax_errors);
            not_scanned.extend(part.not_scanned);
            policies.extend(part.assumptions.policies);
        }
        skipped.sort_by(|a: &Skipped, b: &Skipped| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
        skipped.dedup_by(|a, b| (&a.path, &a.reason) == (&b.path, &b.reason));
        for list in [&mut invalid_utf8, &mut syntax_errors] {
            list.sort();
            list.dedup();
        }
        not_scanned.sort();
        not_scanned.dedup();
        Summary {
            files_seen: seen,
            files_parsed: parsed,
            files_with_findings: tally.files_with_findings,
            references: tally.references,
            sites: tally.sites,
            sites_priced: tally.sites_priced,
            unpriced: tally.unpriced,
            dynamic_model_sites: tally.dynamic_model_sites,
            unbound_limits: tally.unbound_limits,
            monthly_total: tally.monthly_total,
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            notes: count(Level::Note),
            suppressed,
            skipped,
            not_scanned,
            invalid_utf8,
            syntax_errors,
            assumptions: Assumptions::new(policies),
        }
    }
}

impl Assumptions {
    /// The assumptions of a run under `policies` (at least one; the first gives the top-level
    /// figures).
    fn new(policies: Vec<AppliedPolicy>) -> Assumptions {
        let first = policies.first();
        Assumptions {
            policy: first.map_or_else(String::new, |p| p.policy.clone()),
            days_per_month: first.map_or(0, |p| p.days_per_month),
            default_calls_per_day: first.map_or(0, |p| p.default_calls_per_day),
            default_input_tokens: first.map_or(0, |p| p.default_input_tokens),
            default_cached_input_tokens: first.map_or(0, |p| p.default_cached_input_tokens),
            pricing_as_of: first.and_then(|p| p.pricing_as_of),
            output_tokens: "the call's output-token limit; without one, the model's maximum output",
            prices: "USD per 1M tokens; money exact, rounded half-up to the cent when shown",
            policies,
        }
    }
}

/// A path as users typed it: relative to the working folder when it is inside it.
pub fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| c.canonicalize().ok());
    match cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()) {
        Some(rel) => rel.to_string_lossy().into_owned(),
        None => p.display().to_string(),
    }
}

/// Everything a reporter needs: the files' facts, each with the engine that prices it, the
/// diagnostics and the summary. Call sites, references and limits are not held: each read
/// ([`Report::sites`], [`Report::references`], [`Report::limits`], [`Report::items`]) derives
/// them again from the facts, file by file in path order, so that memory holds the facts
/// (compact) and one file's derived content, however large the repository.
#[derive(Debug)]
pub struct Report<'e> {
    /// Files with facts, sorted by path, each once.
    files: Vec<Held<'e>>,
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics that `costlint: ignore[…]` directives silenced, sorted like
    /// `diagnostics`; `summary.suppressed` counts them.
    pub suppressed: Vec<Suppressed>,
    pub summary: Summary,
    /// The cost impact of a change, in diff mode (`--base`).
    pub diff: Option<crate::diff::Diff>,
    /// Texts of files that are not on disk as reported (a `--head` revision's), by path, for
    /// reports that show snippets.
    pub texts: HashMap<String, String>,
}

/// A file's facts, packed, and the engine (policy and catalog) that prices them.
struct Held<'e> {
    engine: &'e Engine<'e>,
    file: PackedFile,
    /// Site-key ordinals of earlier files ([`Engine::derive`]); `None` almost always.
    earlier: Option<HashMap<String, u32>>,
}

impl Held<'_> {
    fn derive(&self) -> FileItems {
        self.engine
            .derive(&self.file.unpack(), self.earlier.as_ref())
    }
}

impl std::fmt::Debug for Held<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.file.fmt(f)
    }
}

impl<'e> Report<'e> {
    /// The most severe level among the diagnostics.
    pub fn max_level(&self) -> Option<Level> {
        self.diagnostics.iter().map(|d| d.level).max()
    }

    /// The files with facts, sorted by path, each unpacked as it is read.
    pub fn files(&self) -> impl Iterator<Item = FileResult> + '_ {
        self.files.iter().map(|h| h.file.unpack())
    }

    /// Each file's derived content ([`Engine::derive`]), in path order.
    pub fn items(&self) -> impl Iterator<Item = FileItems> + '_ {
        self.files.iter().map(Held::derive)
    }

    /// Every call site, sorted by path, line, column and id.
    pub fn sites(&self) -> impl Iterator<Item = Site> + '_ {
        self.items().flat_map(|i| i.sites)
    }

    /// Every model reference, sorted by path, line and column.
    pub fn references(&self) -> impl Iterator<Item = Reference> + '_ {
        self.items().flat_map(|i| i.references)
    }

    /// Every output-token limit, bound or not: by path, then in file order.
    pub fn limits(&self) -> impl Iterator<Item = sites::LimitEntry> + '_ {
        self.items().flat_map(|i| i.limits)
    }

    /// One report of several, each from its own policy's scan of its own path arguments, all
    /// with paths relative to the same folder. A file that two of them hold (a file under two
    /// path arguments with two policies) is reported as the first holds it. Everything is
    /// sorted as [`Engine::evaluate`] sorts it; the summary lists every policy.
    pub fn merge(mut reports: Vec<Report<'e>>) -> Option<Report<'e>> {
        if reports.len() <= 1 {
            return reports.pop();
        }
        let mut taken: HashSet<String> = HashSet::new();
        let mut summaries = Vec::new();
        let mut merged = Report {
            files: Vec::new(),
            diagnostics: Vec::new(),
            suppressed: Vec::new(),
            summary: reports[0].summary.clone(),
            diff: None,
            texts: HashMap::new(),
        };
        for r in reports {
            let theirs: HashSet<String> = r.files.iter().map(|h| h.file.path.clone()).collect();
            let fresh = |path: &str| !taken.contains(path);
            merged
                .diagnostics
                .extend(r.diagnostics.into_iter().filter(|x| fresh(&x.path)));
            merged.suppressed.extend(
                r.suppressed
                    .into_iter()
                    .filter(|x| fresh(&x.diagnostic.path)),
            );
            merged
                .files
                .extend(r.files.into_iter().filter(|x| fresh(&x.file.path)));
            taken.extend(theirs);
            summaries.push(r.summary);
        }
        merged
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merged.diagnostics.dedup();
        merged
            .suppressed
            .sort_by(|a, b| a.diagnostic.sort_key().cmp(&b.diagnostic.sort_key()));
        merged.files.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        merged.summary = Summary::merged(&merged, summaries);
        Some(merged)
    }
}

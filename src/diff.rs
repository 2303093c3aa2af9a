//! The cost impact of a change: the same pipeline over the base revision and the head, call
//! sites matched across the edit, each match classified, and the policy's budgets checked.
//!
//! The base is the merge-base of `--base` and the head, as a pull request's diff is computed.
//! Only files changed between the two are read twice: the base's report is the head's, with
//! the changed files' facts replaced by those of their base texts (read through git, see
//! [`crate::git`]). Both sides are priced under the head's policy, so that the delta is the
//! change's, not a policy edit's.

use crate::cost::Money;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Level};
use crate::engine::{Engine, Report, ScanOptions};
use crate::error::InputError;
use crate::git::{FileChange, Repo};
use crate::sites::{LimitEntry, Site};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// The revision the change is measured against (its merge-base with the head is used).
    pub base: String,
    /// The head revision; `None`: the working tree, staged and unstaged edits included.
    pub head: Option<String>,
    /// Report the per-site diagnostics of every site, not only of added and changed ones.
    pub all: bool,
}

/// How a matched, added or removed site changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Its model, limit, usage or price differs.
    Changed,
    /// Only its place differs (another line, or a renamed file).
    Moved,
    /// New in the head.
    Added,
    /// Gone from the head.
    Removed,
}

/// One side of a change: where the site is and what it costs.
#[derive(Debug, Clone, Serialize)]
pub struct SiteState {
    pub id: String,
    pub site_key: String,
    pub path: String,
    pub line: u32,
    /// The model as written.
    pub model: String,
    /// The catalog model it resolves to, if any.
    pub model_id: Option<String>,
    /// The output-token limit's parameter, if one is bound.
    pub limit_param: Option<String>,
    /// Its value in tokens; `None` without a limit or when computed at run time.
    pub limit: Option<u64>,
    pub calls_per_day: u64,
    /// Input tokens per call.
    pub input_tokens: u64,
    /// Where the usage figures came from.
    pub usage_source: String,
    /// USD per month; `None` when the site could not be priced.
    #[serde(serialize_with = "opt_money")]
    pub monthly: Option<Money>,
}

/// One call site's change between base and head.
#[derive(Debug, Clone, Serialize)]
pub struct SiteChange {
    pub kind: ChangeKind,
    /// For `changed`: which of `model`, `limit`, `usage`, `price` differ.
    pub what: Vec<&'static str>,
    pub before: Option<SiteState>,
    pub after: Option<SiteState>,
    /// After minus before, USD per month.
    #[serde(serialize_with = "crate::sites::money")]
    pub monthly_delta: Money,
}

impl SiteChange {
    /// The head's side when there is one, else the base's.
    pub fn shown(&self) -> Option<&SiteState> {
        self.after.as_ref().or(self.before.as_ref())
    }
}

/// Monthly cost of one model before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ModelCost {
    pub model: String,
    #[serde(serialize_with = "crate::sites::money")]
    pub before: Money,
    #[serde(serialize_with = "crate::sites::money")]
    pub after: Money,
}

/// The `diff` section of a report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    /// `--base` as given, and the merge-base commit used.
    pub base: Revision,
    /// `--head` as given (`working tree` without it), and its commit (`HEAD`'s for the
    /// working tree).
    pub head: Revision,
    /// USD per month, every priced site of the base.
    #[serde(serialize_with = "crate::sites::money")]
    pub monthly_before: Money,
    #[serde(serialize_with = "crate::sites::money")]
    pub monthly_after: Money,
    #[serde(serialize_with = "crate::sites::money")]
    pub monthly_delta: Money,
    /// The delta in percent of the base's total, one decimal (`"100.0"`); `null` when the base
    /// costs nothing.
    pub percent: Option<String>,
    /// Files changed between base and head (renames count once).
    pub files_changed: usize,
    /// Sites changed, moved, added or removed, by file and line.
    pub changes: Vec<SiteChange>,
    /// Sites untouched by the change, and what they cost a month.
    pub unchanged_sites: usize,
    #[serde(serialize_with = "crate::sites::money")]
    pub unchanged_monthly: Money,
    /// Monthly cost by catalog model, before and after, for every model either side prices.
    pub by_model: Vec<ModelCost>,
    /// Budget breaches, in words (also reported as `monthly-budget` diagnostics).
    pub budget: Vec<String>,
    /// The head's lines the change touched, by path: `(first, last)`, 1-based, inclusive;
    /// an added file is `(1, u32::MAX)`. For ordering annotations, not part of the JSON.
    #[serde(skip)]
    pub changed_lines: HashMap<String, Vec<(u32, u32)>>,
}

impl Diff {
    /// Whether the change touched any line from `first` to `last` of the head's `path`.
    pub fn touches(&self, path: &str, first: u32, last: u32) -> bool {
        let last = last.max(first);
        self.changed_lines
            .get(path)
            .is_some_and(|ranges| ranges.iter().any(|&(a, b)| a <= last && first <= b))
    }
}

/// A revision as given and the commit it named.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Revision {
    pub rev: String,
    pub commit: String,
}

fn opt_money<S: serde::Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => crate::sites::money(m, s),
        None => s.serialize_none(),
    }
}

/// The check id of budget breaches.
pub const BUDGET_CHECK: &str = crate::checks::monthly_budget::CHECK.id;

/// Compares the base and the head of the repository folder `root` under `engine`: the head's
/// report (checked when `run_checks`) with its `diff` section, budgets applied and, unless
/// `all`, per-site diagnostics kept only for added and changed sites.
pub fn run<'e>(
    engine: &'e Engine,
    root: &Path,
    req: &DiffRequest,
    opts: &ScanOptions,
    today: Date,
    run_checks: bool,
) -> Result<Report<'e>, InputError> {
    let repo = Repo::open(root)?;
    let head_commit = match &req.head {
        Some(h) => repo.resolve(h, "--head")?,
        None => repo.resolve("HEAD", "--head")?,
    };
    let base_named = repo.resolve(&req.base, "--base")?;
    let base_commit = repo.merge_base(&base_named, &head_commit, &req.base)?;
    let head_rev = req.head.as_ref().map(|_| head_commit.as_str());
    let changes = repo.changes(&base_commit, head_rev)?;
    let mut changed_lines = repo.changed_lines(&base_commit, head_rev)?;
    for c in &changes {
        if let FileChange::Added(p) = c {
            changed_lines.insert(p.clone(), vec![(1, u32::MAX)]);
        }
    }

    // For a `--head` revision, its texts, kept for the report's snippets.
    let mut head_texts: HashMap<String, Vec<u8>> = HashMap::new();
    let head_scan = match &req.head {
        None => engine.scan_from(&[root.to_path_buf()], root, opts),
        Some(_) => {
            let files = repo.files(&head_commit)?;
            let texts = repo.read(&head_commit, &files)?;
            let scan = engine.scan_texts(root, texts.clone().into_iter().collect(), opts);
            let kept: HashSet<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
            head_texts = texts
                .into_iter()
                .filter(|(p, _)| kept.contains(p.as_str()))
                .collect();
            scan
        }
    };
    // The base: the head's unchanged files, and the base texts of the changed ones.
    let touched: HashSet<&str> = changes.iter().filter_map(FileChange::new_path).collect();
    let old_paths: Vec<String> = changes
        .iter()
        .filter_map(|c| c.old_path().map(str::to_string))
        .collect();
    let base_texts = repo.read(&base_commit, &old_paths)?;
    let mut base_scan = engine.scan_texts(root, base_texts.into_iter().collect(), opts);
    let old: HashSet<&str> = old_paths.iter().map(String::as_str).collect();
    base_scan.files.extend(
        head_scan
            .files
            .iter()
            .filter(|f| !touched.contains(f.path.as_str()) && !old.contains(f.path.as_str()))
            .cloned(),
    );
    base_scan.files.sort_by(|a, b| a.path.cmp(&b.path));
    base_scan.paths = head_scan.paths.clone();
    let base = engine.evaluate(base_scan, today, false);
    let mut head = engine.evaluate(head_scan, today, run_checks);

    let renames: HashMap<&str, &str> = changes
        .iter()
        .filter_map(|c| match c {
            FileChange::Renamed(a, b) => Some((a.as_str(), b.as_str())),
            _ => None,
        })
        .collect();
    // A diff compares every site of one side with the other's: both sides' sites are held.
    let base_sites: Vec<Site> = base.sites().collect();
    let head_sites: Vec<Site> = head.sites().collect();
    let site_changes = match_sites(&base_sites, &head_sites, &renames);
    if !req.all {
        let head_limits: Vec<LimitEntry> = head.limits().collect();
        keep_new_findings(
            &mut head,
            &head_sites,
            &head_limits,
            &site_changes,
            &touched,
        );
    }
    let mut diff = summarize(
        &base,
        &base_sites,
        &head,
        &head_sites,
        site_changes,
        changes.len(),
    );
    diff.base = Revision {
        rev: req.base.clone(),
        commit: base_commit,
    };
    diff.head = Revision {
        rev: req.head.clone().unwrap_or_else(|| "working tree".into()),
        commit: head_commit,
    };
    diff.changed_lines = changed_lines;
    budgets(engine, &mut head, &head_sites, &mut diff, today);
    head.diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let count = |l: Level| head.diagnostics.iter().filter(|d| d.level == l).count() as u64;
    head.summary.errors = count(Level::Error);
    head.summary.warnings = count(Level::Warning);
    head.summary.notes = count(Level::Note);
    head.diff = Some(diff);
    head.texts = head_texts
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
        .collect();
    Ok(head)
}

fn state(s: &Site) -> SiteState {
    SiteState {
        id: s.id.clone(),
        site_key: s.site_key.clone(),
        path: s.path.clone(),
        line: s.span.line,
        model: s.model.text.clone(),
        model_id: s.model.resolved.id().map(str::to_string),
        limit_param: s.limit.as_ref().map(|l| l.param.clone()),
        limit: s.limit.as_ref().and_then(|l| l.value),
        calls_per_day: s.usage.calls_per_day,
        input_tokens: s.usage.input_tokens,
        usage_source: s.usage.source.clone(),
        monthly: s.cost.as_ref().map(|c| c.monthly),
    }
}

fn monthly(s: &Site) -> Money {
    s.cost.as_ref().map_or(Money::ZERO, |c| c.monthly)
}

/// Pairs base and head sites: by key; then by key within a renamed file; then, within the same
/// (or renamed) file, by the same model text and limit at the nearest line. The rest are added
/// or removed. Unchanged pairs are left out.
pub fn match_sites(base: &[Site], head: &[Site], renames: &HashMap<&str, &str>) -> Vec<SiteChange> {
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut base_taken = vec![false; base.len()];
    let mut head_taken = vec![false; head.len()];
    let by_key: HashMap<&str, usize> = base
        .iter()
        .enumerate()
        .map(|(i, s)| (s.site_key.as_str(), i))
        .collect();
    for (h, s) in head.iter().enumerate() {
        if let Some(&b) = by_key.get(s.site_key.as_str()) {
            if !base_taken[b] {
                base_taken[b] = true;
                head_taken[h] = true;
                pairs.push((Some(b), Some(h)));
            }
        }
    }
    // The head path a base file has now.
    let now = |p: &str| -> String { renames.get(p).map_or(p, |n| *n).to_string() };
    for (h, s) in head.iter().enumerate() {
        if head_taken[h] {
            continue;
        }
        let found = base.iter().enumerate().position(|(b, o)| {
            !base_taken[b]
                && renames.get(o.path.as_str()) == Some(&s.path.as_str())
                && o.key_within_file() == s.key_within_file()
        });
        if let Some(b) = found {
            base_taken[b] = true;
            head_taken[h] = true;
            pairs.push((Some(b), Some(h)));
        }
    }
    for (h, s) in head.iter().enumerate() {
        if head_taken[h] {
            continue;
        }
        let limit = |x: &Site| x.limit.as_ref().map(|l| (l.param.clone(), l.value));
        let found = base
            .iter()
            .enumerate()
            .filter(|(b, o)| {
                !base_taken[*b]
                    && now(&o.path) == s.path
                    && o.model.text == s.model.text
                    && limit(o) == limit(s)
            })
            .min_by_key(|(_, o)| o.span.line.abs_diff(s.span.line))
            .map(|(b, _)| b);
        if let Some(b) = found {
            base_taken[b] = true;
            head_taken[h] = true;
            pairs.push((Some(b), Some(h)));
        }
    }
    pairs.extend(
        (0..head.len())
            .filter(|&h| !head_taken[h])
            .map(|h| (None, Some(h))),
    );
    pairs.extend(
        (0..base.len())
            .filter(|&b| !base_taken[b])
            .map(|b| (Some(b), None)),
    );

    let mut out: Vec<SiteChange> = pairs
        .into_iter()
        .filter_map(|(b, h)| {
            let (b, h) = (b.map(|i| &base[i]), h.map(|i| &head[i]));
            let delta = h.map_or(Money::ZERO, monthly) - b.map_or(Money::ZERO, monthly);
            let (kind, what) = match (b, h) {
                (Some(b), Some(h)) => {
                    let what = differences(b, h);
                    if !what.is_empty() {
                        (ChangeKind::Changed, what)
                    } else if b.path != h.path || b.span.line != h.span.line {
                        (ChangeKind::Moved, what)
                    } else {
                        return None;
                    }
                }
                (None, Some(_)) => (ChangeKind::Added, Vec::new()),
                (Some(_), None) => (ChangeKind::Removed, Vec::new()),
                (None, None) => return None,
            };
            Some(SiteChange {
                kind,
                what,
                before: b.map(state),
                after: h.map(state),
                monthly_delta: delta,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |c: &SiteChange| c.shown().map(|s| (s.path.clone(), s.line, s.id.clone()));
        (key(a), a.kind).cmp(&(key(b), b.kind))
    });
    out
}

/// Which of model, limit, usage and price (the same model's rates) differ between two sides
/// of a site.
fn differences(b: &Site, h: &Site) -> Vec<&'static str> {
    let mut what = Vec::new();
    if b.model.text != h.model.text || b.model.resolved.id() != h.model.resolved.id() {
        what.push("model");
    }
    let limit = |x: &Site| x.limit.as_ref().map(|l| (l.param.clone(), l.value));
    if limit(b) != limit(h) {
        what.push("limit");
    }
    let usage = |x: &Site| {
        (
            x.usage.calls_per_day,
            x.usage.input_tokens,
            x.usage.cached_input_tokens,
            x.usage.days_per_month,
        )
    };
    if usage(b) != usage(h) {
        what.push("usage");
    }
    let rates = |x: &Site| {
        x.cost.as_ref().map(|c| {
            (
                c.input_usd_per_mtok.clone(),
                c.cached_input_usd_per_mtok.clone(),
                c.output_usd_per_mtok.clone(),
            )
        })
    };
    // A new model has new prices; `price` is the same model's prices changing.
    if what.first() != Some(&"model") && rates(b) != rates(h) {
        what.push("price");
    }
    what
}

/// Drops per-site diagnostics of sites the change did not add or change, and diagnostics of
/// files it did not touch: only new findings fail a change.
fn keep_new_findings(
    head: &mut Report,
    sites: &[Site],
    limits: &[LimitEntry],
    changes: &[SiteChange],
    touched: &HashSet<&str>,
) {
    let fresh: HashSet<&str> = changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::Added | ChangeKind::Changed))
        .filter_map(|c| c.after.as_ref().map(|s| s.id.as_str()))
        .collect();
    let mut site_at: HashMap<(&str, usize), &str> = HashMap::new();
    for s in sites {
        site_at.insert((s.path.as_str(), s.span.start_byte), s.id.as_str());
        site_at
            .entry((s.path.as_str(), s.model.span.start_byte))
            .or_insert(s.id.as_str());
    }
    // A limit's diagnostics belong to the site that claimed it.
    for l in limits {
        if let Some(id) = &l.site {
            site_at
                .entry((l.path.as_str(), l.span.start_byte))
                .or_insert(id.as_str());
        }
    }
    let keep: Vec<bool> = head
        .diagnostics
        .iter()
        .map(
            |d| match site_at.get(&(d.path.as_str(), d.span.start_byte)) {
                Some(id) => fresh.contains(id),
                None => touched.contains(d.path.as_str()),
            },
        )
        .collect();
    let mut keep = keep.into_iter();
    head.diagnostics.retain(|_| keep.next().unwrap_or(false));
}

fn summarize(
    base: &Report,
    base_sites: &[Site],
    head: &Report,
    head_sites: &[Site],
    changes: Vec<SiteChange>,
    files: usize,
) -> Diff {
    let before = base.summary.monthly_total;
    let after = head.summary.monthly_total;
    let delta = after - before;
    let percent = (before.cents() != 0).then(|| {
        // Tenths of a percent, rounded half away from zero.
        let num = delta.cents() * 1000;
        let den = before.cents();
        let q = num / den;
        let r = num % den;
        let tenths = if r.abs() * 2 >= den.abs() {
            q + num.signum() * den.signum()
        } else {
            q
        };
        let sign = if tenths < 0 { "-" } else { "" };
        format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
    });
    let changed_after: HashSet<&str> = changes
        .iter()
        .filter_map(|c| c.after.as_ref().map(|s| s.id.as_str()))
        .collect();
    let unchanged: Vec<&Site> = head_sites
        .iter()
        .filter(|s| !changed_after.contains(s.id.as_str()))
        .collect();
    let mut models: BTreeMap<String, (Money, Money)> = BTreeMap::new();
    let model_of = |s: &Site| s.cost.as_ref().map(|c| (c.model_id.clone(), c.monthly));
    for s in base_sites {
        if let Some((m, c)) = model_of(s) {
            let e = models.entry(m).or_default();
            e.0 = e.0 + c;
        }
    }
    for s in head_sites {
        if let Some((m, c)) = model_of(s) {
            let e = models.entry(m).or_default();
            e.1 = e.1 + c;
        }
    }
    Diff {
        base: Revision {
            rev: String::new(),
            commit: String::new(),
        },
        head: Revision {
            rev: String::new(),
            commit: String::new(),
        },
        monthly_before: before,
        monthly_after: after,
        monthly_delta: delta,
        percent,
        files_changed: files,
        changes,
        unchanged_sites: unchanged.len(),
        unchanged_monthly: unchanged.iter().map(|s| monthly(s)).sum(),
        by_model: models
            .into_iter()
            .filter(|(_, (b, a))| *b != Money::ZERO || *a != Money::ZERO)
            .map(|(model, (before, after))| ModelCost {
                model,
                before,
                after,
            })
            .collect(),
        budget: Vec::new(),
        changed_lines: HashMap::new(),
    }
}

/// The policy's budgets against the diff: each breach is a `monthly-budget` diagnostic on the
/// site that contributes most to it, and a line in the diff's `budget`.
fn budgets(engine: &Engine, head: &mut Report, sites: &[Site], diff: &mut Diff, today: Date) {
    let b = &engine.policy.budget;
    // The change that adds the most, for increase budgets; the costliest site, for the total.
    let top_increase = diff
        .changes
        .iter()
        .filter(|c| c.after.is_some())
        .max_by_key(|c| c.monthly_delta)
        .and_then(|c| c.after.as_ref().map(|s| s.id.clone()));
    let top_site = sites
        .iter()
        .max_by_key(|s| monthly(s))
        .map(|s| s.id.clone());
    let mut breaches: Vec<(&'static str, String, Option<String>)> = Vec::new();
    let delta = diff.monthly_delta;
    if let Some(max) = b.max_monthly_increase_usd.and_then(Money::from_usd) {
        if delta > max {
            breaches.push((
                "max_monthly_increase_usd",
                format!("the change adds {delta}/month, over the budget of {max}/month (`budget.max_monthly_increase_usd`)"),
                top_increase.clone(),
            ));
        }
    }
    if let (Some(max), Some(pct)) = (b.max_monthly_increase_pct, diff.percent.as_deref()) {
        let pct_f: f64 = pct.parse().unwrap_or(0.0);
        if pct_f > max {
            breaches.push((
                "max_monthly_increase_pct",
                format!("the change adds {pct}% to the monthly total, over the budget of {max}% (`budget.max_monthly_increase_pct`)"),
                top_increase.clone(),
            ));
        }
    }
    if let Some(max) = b.max_monthly_usd.and_then(Money::from_usd) {
        if diff.monthly_after > max && diff.monthly_before <= max {
            breaches.push((
                "max_monthly_usd",
                format!(
                    "the monthly total rises to {}, over the budget of {max} (`budget.max_monthly_usd`)",
                    diff.monthly_after
                ),
                top_site.clone(),
            ));
        } else if diff.monthly_after > max && delta > Money::ZERO {
            breaches.push((
                "max_monthly_usd",
                format!(
                    "the monthly total, already over the budget of {max}, rises to {} (`budget.max_monthly_usd`)",
                    diff.monthly_after
                ),
                top_site,
            ));
        }
    }
    let check_level = engine
        .check_settings()
        .get(BUDGET_CHECK)
        .and_then(|s| s.level);
    for (key, message, anchor) in breaches {
        let level = b
            .level(key)
            .or(check_level)
            .unwrap_or(crate::checks::monthly_budget::CHECK.default_level);
        diff.budget.push(message.clone());
        if level == Level::Off {
            continue;
        }
        let site = anchor.and_then(|id| sites.iter().find(|s| s.id == id));
        let (path, span) = match site {
            Some(s) => (s.path.clone(), s.span),
            None => (String::new(), Default::default()),
        };
        let diagnostic = Diagnostic {
            check: BUDGET_CHECK,
            level,
            message,
            path,
            span,
            label: "contributes most".into(),
            labels: Vec::new(),
            help: Some(format!(
                "raise `budget.{key}` in the policy, or make the change cost less"
            )),
        };
        // `costlint: ignore[monthly-budget]` above the site that contributes most.
        let file = head.files().find(|f| f.path == diagnostic.path);
        match crate::engine::suppressed(&diagnostic, file.as_ref(), None, today) {
            Some(reason) => {
                head.suppressed
                    .push(crate::engine::Suppressed { diagnostic, reason });
                head.summary.suppressed += 1;
            }
            None => head.diagnostics.push(diagnostic),
        }
    }
    head.suppressed
        .sort_by(|a, b| a.diagnostic.sort_key().cmp(&b.diagnostic.sort_key()));
}

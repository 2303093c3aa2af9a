//! The cost impact of a change, end to end: real git histories in throw-away repositories
//! (init, commit, change, commit), the built binary run on them.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod support;

use support::{commit, git, write};

const SEED_POLICY: &str = "version: 1\nusage:\n  days_per_month: 30\n  default: { calls_per_day: 500, input_tokens: 0 }\n";

fn call(model: &str, limit: u32) -> String {
    format!(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef summarize(text: str) -> str:\n    response = client.chat.completions.create(\n        model=\"{model}\",\n        max_tokens={limit},\n        messages=[{{\"role\": \"user\", \"content\": text}}],\n    )\n    return response.choices[0].message.content\n"
    )
}

/// A repository with `files` committed on `main`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), files);
    commit(dir.path(), "base");
    dir
}

fn costlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(args)
        .current_dir(dir)
        .env("COSTLINT_TODAY", "2026-11-25")
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `costlint diff --base main --format json` on `dir`'s working tree: the `diff` section.
fn diff(dir: &Path) -> Value {
    let out = costlint(dir, &["diff", "--base", "main", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)["diff"].clone()
}

fn kinds(d: &Value) -> Vec<String> {
    d["changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["kind"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn seed_change_to_gpt_5_5_is_plus_1800_as_one_changed_site() {
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    commit(dir.path(), "upgrade");
    let d = diff(dir.path());
    assert_eq!(d["monthly_before"], "1800.00");
    assert_eq!(d["monthly_after"], "3600.00");
    assert_eq!(d["monthly_delta"], "1800.00");
    assert_eq!(d["percent"], "100.0");
    assert_eq!(kinds(&d), ["changed"]);
    let c = &d["changes"][0];
    assert_eq!(c["what"][0], "model");
    assert_eq!(c["before"]["model"], "gpt-5.4");
    assert_eq!(c["after"]["model"], "gpt-5.5");
    assert_eq!(
        c["before"]["id"], c["after"]["id"],
        "the id survives a model change"
    );

    let out = costlint(dir.path(), &["diff", "--base", "main"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("+$1,800.00/month (+100%), $1,800.00 → $3,600.00"),
        "{text}"
    );
    let md = costlint(
        dir.path(),
        &["diff", "--base", "main", "--format", "markdown"],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("### costlint: +$1,800.00/month (+100%)"),
        "{md}"
    );
}

#[test]
fn seed_change_to_gpt_5_5_pro_is_plus_19800() {
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.5-pro", 8000))]);
    let d = diff(dir.path());
    assert_eq!(d["monthly_delta"], "19800.00");
    assert_eq!(d["monthly_after"], "21600.00");
}

#[test]
fn budget_on_the_increase_fails_check_base() {
    for (max, code) in [(500, 1), (2000, 0)] {
        let policy = format!("{SEED_POLICY}budget:\n  max_monthly_increase_usd: {max}\n");
        let dir = repo(&[
            ("costlint.yaml", &policy),
            ("summarize.py", &call("gpt-5.4", 8000)),
        ]);
        write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
        let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
        assert_eq!(out.status.code(), Some(code), "budget {max}");
        let v = json(&out);
        let budget: Vec<&Value> = v["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|d| d["check"] == "monthly-budget")
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(budget.len(), usize::from(code == 1), "{v}");
        if code == 1 {
            assert_eq!(budget[0]["path"], "summarize.py");
            assert_eq!(budget[0]["line"], 8);
        }
    }
}

/// The severities of the `monthly-budget` diagnostics in a JSON report, in order.
fn budget_levels(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["check"] == "monthly-budget")
                .filter_map(|d| d["severity"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_total_budget_crossing_is_reported() {
    let policy = format!(
        "{SEED_POLICY}budget:\n  max_monthly_usd: {{ max: 3000, level: warning }}\n  max_monthly_increase_pct: 50\n"
    );
    let dir = repo(&[
        ("costlint.yaml", &policy),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "the percent budget is an error");
    let v = json(&out);
    let budget = v["diff"]["budget"].as_array().cloned().unwrap_or_default();
    assert_eq!(budget.len(), 2, "{budget:?}");
    assert_eq!(budget_levels(&v), ["error", "warning"]);
}

#[test]
fn moved_renamed_limit_added_and_removed_are_classified() {
    // Moved 20 lines down.
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    let moved = format!("{}{}", "# padding\n".repeat(20), call("gpt-5.4", 8000));
    write(dir.path(), &[("summarize.py", &moved)]);
    let d = diff(dir.path());
    assert_eq!(kinds(&d), ["moved"]);
    assert_eq!(d["monthly_delta"], "0.00");
    assert_eq!(d["changes"][0]["after"]["line"].as_u64(), Some(28));

    // Renamed file (committed on a branch, so git sees the rename).
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    git(dir.path(), &["mv", "summarize.py", "summary.py"]);
    commit(dir.path(), "rename");
    let d = diff(dir.path());
    assert_eq!(kinds(&d), ["moved"]);
    assert_eq!(d["changes"][0]["before"]["path"], "summarize.py");
    assert_eq!(d["changes"][0]["after"]["path"], "summary.py");

    // A limit-only change.
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.4", 16000))]);
    let d = diff(dir.path());
    assert_eq!(kinds(&d), ["changed"]);
    assert_eq!(d["changes"][0]["what"], serde_json::json!(["limit"]));
    assert_eq!(d["changes"][0]["before"]["limit"], 8000);
    assert_eq!(d["changes"][0]["after"]["limit"], 16000);
    assert_eq!(d["monthly_delta"], "1800.00");

    // An added call and a removed one.
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("old.py", &call("gpt-5.4", 8000)),
    ]);
    std::fs::remove_file(dir.path().join("old.py")).unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), &[("new.py", &call("gpt-5-mini", 1000))]);
    let d = diff(dir.path());
    assert_eq!(kinds(&d), ["added", "removed"]);
    assert_eq!(d["changes"][0]["after"]["path"], "new.py");
    assert_eq!(d["changes"][1]["before"]["path"], "old.py");
}

#[test]
fn a_clean_diff_reports_nothing() {
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    let d = diff(dir.path());
    assert_eq!(d["monthly_delta"], "0.00");
    assert_eq!(kinds(&d), Vec::<String>::new());
    let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["diagnostics"], serde_json::json!([]));
    let md = costlint(
        dir.path(),
        &["diff", "--base", "main", "--format", "markdown"],
    );
    assert_eq!(String::from_utf8_lossy(&md.stdout).lines().count(), 1);
}

const DEPRECATED_POLICY: &str =
    "version: 1\nchecks:\n  deprecated-model: { level: error, lead_days: 60 }\n";
const RETIRED: &str = "from openai import OpenAI\n\nclient = OpenAI()\nclient.messages.create(model=\"claude-3-7-sonnet-20250219\", max_tokens=1000)\n";

#[test]
fn only_new_findings_fail_a_change() {
    let dir = repo(&[
        ("costlint.yaml", DEPRECATED_POLICY),
        ("legacy.py", RETIRED),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    // A plain check fails on the retired model…
    assert_eq!(costlint(dir.path(), &["check"]).status.code(), Some(1));
    // …a change elsewhere does not.
    write(dir.path(), &[("summarize.py", &call("gpt-5.4", 4000))]);
    let out = costlint(dir.path(), &["check", "--base", "main"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // `--all` shows it again.
    let out = costlint(dir.path(), &["check", "--base", "main", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    // The same model brought in by the change fails it.
    write(dir.path(), &[("fresh.py", RETIRED)]);
    let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["path"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(paths, ["fresh.py"]);
}

#[test]
fn a_shallow_clone_without_the_base_is_exit_2_with_the_fetch_hint() {
    let origin = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    let base = git(origin.path(), &["rev-parse", "HEAD"]);
    write(origin.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    commit(origin.path(), "upgrade");
    let clones = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clones.path().join("shallow");
    let out = costlint(&shallow, &["check", "--base", &base]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("git fetch --depth=1 origin {base}")),
        "{err}"
    );
    assert!(err.contains("fetch-depth: 0"), "{err}");
    // A typo too.
    let out = costlint(&shallow, &["diff", "--base", "mian"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn not_a_git_repository_is_exit_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), &[("summarize.py", &call("gpt-5.4", 8000))]);
    let out = costlint(dir.path(), &["check", "--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
}

/// Every byte under `.git/index` and the working tree (but `.git`'s other files).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(dir)
                .map(|r| r.display().to_string())
                .unwrap_or_default();
            if p.is_dir() {
                if rel != ".git" {
                    stack.push(p);
                }
            } else if !rel.starts_with(".git/") || rel == ".git/index" {
                out.push((rel, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_working_tree_and_index_are_untouched() {
    let dir = repo(&[
        ("costlint.yaml", SEED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
        ("other.py", &call("gpt-5-mini", 100)),
    ]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    commit(dir.path(), "upgrade");
    // Staged, unstaged and untracked edits on top.
    write(dir.path(), &[("other.py", &call("gpt-5.4", 100))]);
    git(dir.path(), &["add", "other.py"]);
    write(
        dir.path(),
        &[
            ("other.py", &call("gpt-5.5", 100)),
            ("new.py", &call("gpt-5.4", 10)),
        ],
    );
    // Stale stat information, which a refresh would rewrite in the index.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    let before = snapshot(dir.path());
    let out = costlint(dir.path(), &["diff", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["diff"]["head"]["rev"], "working tree");
    assert_eq!(snapshot(dir.path()), before);
    let out = costlint(
        dir.path(),
        &[
            "diff", "--base", "main", "--head", "feature", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(
        kinds(&v["diff"]),
        ["changed"],
        "--head reads the commit, not the edits"
    );
    assert_eq!(snapshot(dir.path()), before);
}

/// Golden files: the markdown summary (small, large and cut, no change) and the JSON section.
mod golden {
    use super::*;

    fn settings() -> insta::Settings {
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path("snapshots");
        s.set_prepend_module_to_snapshot(false);
        s
    }

    /// `text` with the repository's commit hashes (which depend on the temporary repository)
    /// written `[commit]`.
    fn redact(dir: &Path, text: &str) -> String {
        let mut out = text.to_string();
        for rev in ["main", "HEAD"] {
            let sha = git(dir, &["rev-parse", rev]);
            out = out.replace(&sha, "[commit]").replace(&sha[..7], "[commit]");
        }
        out
    }

    fn small() -> tempfile::TempDir {
        let dir = repo(&[
            ("costlint.yaml", SEED_POLICY),
            ("summarize.py", &call("gpt-5.4", 8000)),
            ("steady.py", &call("gpt-5-mini", 1000)),
        ]);
        write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
        dir
    }

    #[test]
    fn markdown_small_change() {
        let dir = small();
        let out = costlint(
            dir.path(),
            &["diff", "--base", "main", "--format", "markdown"],
        );
        settings().bind(|| {
            insta::assert_snapshot!(
                "diff__markdown_small",
                redact(dir.path(), &String::from_utf8_lossy(&out.stdout))
            )
        });
    }

    #[test]
    fn json_diff_section() {
        let dir = small();
        let out = costlint(dir.path(), &["diff", "--base", "main", "--format", "json"]);
        let mut d = json(&out)["diff"].clone();
        d["base"]["commit"] = "[commit]".into();
        d["head"]["commit"] = "[commit]".into();
        let text = serde_json::to_string_pretty(&d).unwrap_or_default();
        settings().bind(|| insta::assert_snapshot!("diff__json_section", text));
    }

    #[test]
    fn markdown_no_change() {
        let dir = small();
        git(dir.path(), &["checkout", "-q", "--", "."]);
        let out = costlint(
            dir.path(),
            &["diff", "--base", "main", "--format", "markdown"],
        );
        settings().bind(|| {
            insta::assert_snapshot!(
                "diff__markdown_no_change",
                redact(dir.path(), &String::from_utf8_lossy(&out.stdout))
            )
        });
    }

    #[test]
    fn markdown_large_change_is_cut_to_fit_a_comment() {
        let files: Vec<(String, String)> = (0..900)
            .map(|i| {
                (
                    format!("svc/a_very_long_folder_name_for_width/module_{i:04}.py"),
                    call("gpt-5.4", 8000),
                )
            })
            .collect();
        let mut all: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        all.push(("costlint.yaml", SEED_POLICY));
        let dir = repo(&all);
        let changed: Vec<(String, String)> = (0..900)
            .map(|i| (files[i].0.clone(), call("gpt-5.5", 8000)))
            .collect();
        let changed: Vec<(&str, &str)> = changed
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        write(dir.path(), &changed);
        let out = costlint(
            dir.path(),
            &["diff", "--base", "main", "--format", "markdown"],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            text.chars().count() < 65_536,
            "{} characters",
            text.chars().count()
        );
        assert!(text.contains("The table is cut to fit a comment"), "{text}");
        // The golden file keeps the head and the tail, not the hundreds of rows between.
        let lines: Vec<&str> = text.lines().collect();
        let shown = [
            &lines[..8],
            &["[…]"],
            &lines[lines.len().saturating_sub(40)..],
        ]
        .concat();
        let shown = redact(dir.path(), &shown.join("\n"));
        settings().bind(|| insta::assert_snapshot!("diff__markdown_large", shown));
    }
}

#[test]
fn a_head_revision_is_read_from_git_snippets_included() {
    let dir = repo(&[
        ("costlint.yaml", DEPRECATED_POLICY),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(dir.path(), &[("fresh.py", RETIRED)]);
    commit(dir.path(), "retired model");
    git(dir.path(), &["checkout", "-q", "main"]);
    // fresh.py is not on disk: the diagnostic's snippet comes from the revision.
    let out = costlint(
        dir.path(),
        &[
            "check", "--base", "main", "--head", "feature", "--color", "never",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("claude-3-7-sonnet-20250219\", max_tokens=1000)"),
        "{text}"
    );
    assert!(text.contains("added"), "{text}");
}

/// `monthly-budget` is a check like the others: `explain` documents it, `checks:` sets its
/// level, and `costlint: ignore[monthly-budget]` above the site that contributes most
/// silences it (with no `invalid-directive`).
#[test]
fn the_budget_check_is_registered_configurable_and_suppressible() {
    let out = costlint(Path::new("."), &["explain", "monthly-budget"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("max_monthly_increase_usd"));

    let budget = "budget:\n  max_monthly_increase_usd: 500\n";
    // `checks: monthly-budget: warning` lowers a budget written as a number alone.
    let policy = format!("{SEED_POLICY}{budget}checks:\n  monthly-budget: warning\n");
    let dir = repo(&[
        ("costlint.yaml", &policy),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    write(dir.path(), &[("summarize.py", &call("gpt-5.5", 8000))]);
    let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "a warning does not fail");
    assert_eq!(budget_levels(&json(&out)), ["warning"]);

    // An in-code directive above the site silences it.
    let policy = format!("{SEED_POLICY}{budget}");
    let dir = repo(&[
        ("costlint.yaml", &policy),
        ("summarize.py", &call("gpt-5.4", 8000)),
    ]);
    let silenced = call("gpt-5.5", 8000).replace(
        "    response = client",
        "    # costlint: ignore[monthly-budget] reason=\"approved in the planning review\"\n    response = client",
    );
    write(dir.path(), &[("summarize.py", &silenced)]);
    let out = costlint(dir.path(), &["check", "--base", "main", "--format", "json"]);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert!(budget_levels(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    let checks: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["check"].as_str()).collect())
        .unwrap_or_default();
    assert!(!checks.contains(&"invalid-directive"), "{v}");
}

/// `--format github` in a diff: within each level, annotations on the lines the change touched
/// (a line edited in a commit, a whole untracked file) come before those on other lines, so the
/// runner's ten per level are spent on what the pull request changed.
#[test]
fn annotations_on_changed_lines_come_first() {
    let unbounded = |model: &str| {
        format!("from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model=\"{model}\")\n")
    };
    let mut files: Vec<(String, String)> = (0..12)
        .map(|i| (format!("a{i:02}.py"), unbounded("gpt-5.4")))
        .collect();
    files.push((
        "z.py".to_string(),
        "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model=\"gpt-5.4\")\nclient.chat.completions.create(model=\"gpt-5.4\", max_tokens=10)\n".to_string(),
    ));
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    all.push(("costlint.yaml", SEED_POLICY));
    let dir = repo(&all);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    // Line 5 of z.py loses its limit (committed); new.py is untracked.
    write(
        dir.path(),
        &[(
            "z.py",
            "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model=\"gpt-5.4\")\nclient.chat.completions.create(model=\"gpt-5.5\")\n",
        )],
    );
    commit(dir.path(), "drop the limit");
    write(dir.path(), &[("new.py", &unbounded("gpt-5.5"))]);

    let out = costlint(
        dir.path(),
        &["check", "--base", "main", "--all", "--format", "github"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .collect();
    assert_eq!(warnings.len(), 10, "{text}");
    let place = |w: &str| w.split(",col=").next().unwrap_or_default().to_string();
    let changed = ["::warning file=new.py,line=4", "::warning file=z.py,line=5"];
    let first: Vec<String> = warnings.iter().map(|w| place(w)).collect();
    let n = first
        .iter()
        .take_while(|p| changed.contains(&p.as_str()))
        .count();
    assert!(n >= 2, "{text}");
    for c in changed {
        assert!(first[..n].iter().any(|p| p == c), "{c} not first:\n{text}");
    }
    // z.py line 4, untouched, is not among the first.
    assert!(
        !first[..n].iter().any(|p| p.ends_with("z.py,line=4")),
        "{text}"
    );
}

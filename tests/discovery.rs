//! Which policy applies where, on the built binary: each path argument uses the nearest policy
//! file above it (up to the repository root), a policy's globs are relative to its own folder
//! whatever is scanned and from wherever, and `--config` names one policy for everything.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn costlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(args)
        .current_dir(dir)
        .env("COSTLINT_TODAY", "2026-11-25")
        .env_remove("NO_COLOR")
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

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// `gpt-5.4` ($2.50/$15 per 1M tokens) with 8,000 output tokens: at the default 2,000 input
/// tokens a call costs $0.125, so $1,875.00 a month at 500 calls a day and $75,000.00 at 20,000.
const BATCH_CALL: &str =
    "client.chat.completions.create(model=\"gpt-5.4\", max_tokens=8000, messages=m)\n";
const AT_DEFAULT: &str = "1875.00";
const AT_BATCH_VOLUME: &str = "75000.00";

/// A folder holding two repositories:
/// - `repo/` (a `.git` folder) with `costlint.yaml` giving `services/batch/**` 20,000 calls a day
///   and ignoring `services/generated/**`; the same call in `services/batch/job.py`,
///   `services/api/chat.py` and `services/generated/stub.py`;
/// - `svc/` (a `.git` folder) with `costlint.yaml` denying `gpt-5.5-pro`, which `app.py` calls.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let root = tmp.path();
    for repo in ["repo", "svc"] {
        std::fs::create_dir_all(root.join(repo).join(".git"))
            .unwrap_or_else(|e| panic!("{repo}/.git: {e}"));
    }
    write(
        root,
        "repo/costlint.yaml",
        "version: 1\nusage:\n  overrides:\n    - paths: [\"services/batch/**\"]\n      calls_per_day: 20000\nignore:\n  paths: [\"services/generated/**\"]\n",
    );
    for file in [
        "services/batch/job.py",
        "services/api/chat.py",
        "services/generated/stub.py",
    ] {
        write(root, &format!("repo/{file}"), BATCH_CALL);
    }
    write(
        root,
        "svc/costlint.yaml",
        "version: 1\nmodels:\n  deny:\n    - id: gpt-5.5-pro\n      reason: needs approval\n",
    );
    write(
        root,
        "svc/app.py",
        "client.chat.completions.create(model=\"gpt-5.5-pro\", max_tokens=100, messages=m)\n",
    );
    tmp
}

/// `(path, monthly, usage source)` of every site.
fn sites(v: &Value) -> Vec<(String, String, String)> {
    v["sites"]
        .as_array()
        .unwrap_or_else(|| panic!("no sites in {v}"))
        .iter()
        .map(|s| {
            let text = |x: &Value| x.as_str().unwrap_or_default().to_string();
            (
                text(&s["path"]),
                text(&s["cost"]["monthly"]),
                text(&s["usage"]["source"]),
            )
        })
        .collect()
}

fn checks(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics in {v}"))
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["check"].as_str().unwrap_or(""),
                d["path"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// `[(policy, [paths])]` from `summary.assumptions.policies`.
fn policies(v: &Value) -> Vec<(String, Vec<String>)> {
    v["summary"]["assumptions"]["policies"]
        .as_array()
        .unwrap_or_else(|| panic!("no policies in {v}"))
        .iter()
        .map(|p| {
            let paths = p["paths"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            (p["policy"].as_str().unwrap_or_default().to_string(), paths)
        })
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn a_file_argument_uses_the_policy_beside_it() {
    let ws = workspace();
    // From the folder above, as a pre-commit hook or a changed-files job calls it.
    let out = costlint(ws.path(), &["check", "--format", "json", "svc/app.py"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(checks(&v), ["denied-model svc/app.py"]);
    assert_eq!(
        policies(&v),
        [(
            "svc/costlint.yaml".to_string(),
            vec!["svc/app.py".to_string()]
        )]
    );
    // And from inside the repository.
    let out = costlint(
        &ws.path().join("svc"),
        &["check", "--color", "never", "app.py"],
    );
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("denied-model"), "{human}");
    assert!(human.contains("(costlint.yaml)"), "{human}");
}

#[test]
fn policy_globs_are_relative_to_the_policy_folder() {
    let ws = workspace();
    let want = owned(&[
        ("api/chat.py", AT_DEFAULT, "policy default"),
        (
            "batch/job.py",
            AT_BATCH_VOLUME,
            "override services/batch/**",
        ),
    ]);
    // The scanned folder is below the policy's: `services/batch/**` still names the batch job,
    // and `services/generated/**` is still ignored.
    let out = costlint(ws.path(), &["check", "--format", "json", "repo/services"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sites(&json(&out)), want);
    // The same from inside the scanned folder.
    let here = ws.path().join("repo/services");
    let out = costlint(&here, &["check", "--format", "json", "."]);
    assert_eq!(sites(&json(&out)), want);
    // And for one file named from anywhere.
    let out = costlint(
        ws.path(),
        &["scan", "--format", "json", "repo/services/batch/job.py"],
    );
    assert_eq!(
        sites(&json(&out)),
        owned(&[(
            "repo/services/batch/job.py",
            AT_BATCH_VOLUME,
            "override services/batch/**"
        )])
    );
}

#[test]
fn two_paths_under_two_policies_each_get_their_own() {
    let ws = workspace();
    let out = costlint(
        ws.path(),
        &["check", "--format", "json", "svc/app.py", "repo/services"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    // svc's deny applies to svc only; repo's override to repo only.
    assert_eq!(checks(&v), ["denied-model svc/app.py"]);
    let found = sites(&v);
    assert_eq!(
        found[..2],
        owned(&[
            ("repo/services/api/chat.py", AT_DEFAULT, "policy default"),
            (
                "repo/services/batch/job.py",
                AT_BATCH_VOLUME,
                "override services/batch/**"
            ),
        ])[..]
    );
    assert_eq!(found[2].0, "svc/app.py");
    assert_eq!(found.len(), 3);
    assert_eq!(
        policies(&v),
        [
            (
                "svc/costlint.yaml".to_string(),
                vec!["svc/app.py".to_string()]
            ),
            (
                "repo/costlint.yaml".to_string(),
                vec!["repo/services".to_string()]
            ),
        ]
    );
    assert_eq!(v["summary"]["sites"], 3);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["monthly_total"], "78045.00");
    // Human output names each policy with what it covered.
    let out = costlint(
        ws.path(),
        &["check", "--color", "never", "svc/app.py", "repo/services"],
    );
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("Policy svc/costlint.yaml for svc/app.py:"),
        "{human}"
    );
    assert!(
        human.contains("Policy repo/costlint.yaml for repo/services:"),
        "{human}"
    );
}

#[test]
fn config_overrides_discovery() {
    let ws = workspace();
    write(ws.path(), "ci/costlint.yaml", "version: 1\nusage:\n  overrides:\n    - paths: [\"services/batch/**\"]\n      calls_per_day: 20000\n");
    // One policy for every path: svc's deny no longer applies.
    let out = costlint(
        ws.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "repo/costlint.yaml",
            "svc/app.py",
            "repo/services",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(checks(&v), Vec::<String>::new());
    assert_eq!(
        policies(&v),
        [(
            "repo/costlint.yaml".to_string(),
            vec!["svc/app.py".to_string(), "repo/services".to_string()]
        )]
    );
    assert_eq!(sites(&v)[1].1, AT_BATCH_VOLUME);
    // Its globs are relative to its own folder: `ci/services/batch/**` names nothing in repo.
    let out = costlint(
        ws.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "ci/costlint.yaml",
            "repo/services",
        ],
    );
    let v = json(&out);
    assert!(
        sites(&v)
            .iter()
            .all(|(_, monthly, _)| monthly == AT_DEFAULT),
        "{:?}",
        sites(&v)
    );
    // The file the policy ignores is scanned: `services/generated/**` was repo's rule.
    assert_eq!(sites(&v).len(), 3);
}

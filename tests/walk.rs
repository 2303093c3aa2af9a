//! Which files a scan reads, end to end: hidden files and folders are read; version-control
//! metadata never is; tool caches that no ignore file excludes are listed, not read; files of
//! formats costlint cannot parse yet are listed when they name models. Nothing is passed over
//! without a word, version-control metadata aside.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const CALL: &str = "client.chat.completions.create(model=\"gpt-4o\", max_tokens=100)\n";

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).expect("write");
}

/// `costlint scan --format json` of `args` in `dir`: exit code and parsed output.
fn scan(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(["scan", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .env("COSTLINT_TODAY", "2026-11-25")
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"))
}

fn site_paths(v: &Value) -> Vec<String> {
    let mut paths: Vec<String> = v["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|s| s["path"].as_str().map(str::to_string))
        .collect();
    paths.dedup();
    paths
}

fn skipped(v: &Value) -> Vec<(String, String)> {
    v["summary"]["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or("").to_string(),
                s["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn hidden_files_and_folders_are_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    write(
        &d.join(".continue/config.yaml"),
        "models:\n  - model: gpt-4o\n",
    );
    write(&d.join(".github/scripts/probe.py"), CALL);
    write(&d.join(".hidden.py"), CALL);
    write(&d.join(".env.local"), "OPENAI_MODEL=gpt-4o\n");
    let v = scan(d, &["."]);
    assert_eq!(
        site_paths(&v),
        [
            ".continue/config.yaml",
            ".env.local",
            ".github/scripts/probe.py",
            ".hidden.py"
        ]
    );
    assert_eq!(skipped(&v), []);
}

#[test]
fn version_control_metadata_is_never_read_nor_listed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    for vcs in [".git", ".hg", ".svn", ".jj", ".bzr", "_darcs"] {
        write(&d.join(vcs).join("hooks/pre-commit.py"), CALL);
        write(
            &d.join(vcs).join("config.json"),
            "{\"model\": \"gpt-4o\"}\n",
        );
        write(&d.join(vcs).join("notes.go"), "var m = \"gpt-4o\"\n");
    }
    // A linked worktree's `.git` is a file.
    write(&d.join("sub/.git"), "gitdir: ../.git/worktrees/sub\n");
    write(&d.join("app.py"), CALL);
    let v = scan(d, &["."]);
    assert_eq!(site_paths(&v), ["app.py"]);
    assert_eq!(skipped(&v), []);
    assert_eq!(v["summary"]["not_scanned"], serde_json::json!([]));
    assert_eq!(v["summary"]["files_seen"], 1);
}

#[test]
fn ignored_hidden_paths_are_not_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    write(&d.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&d.join(".git/info/exclude"), ".scratch/\n");
    write(&d.join(".gitignore"), ".env.local\n.venv/\n");
    write(&d.join(".ignore"), ".build/\n");
    write(&d.join(".env.local"), "OPENAI_MODEL=gpt-4o\n");
    write(&d.join(".scratch/try.py"), CALL);
    write(&d.join(".build/gen.py"), CALL);
    write(&d.join(".venv/lib/sdk.py"), CALL);
    write(&d.join(".config/llm.yaml"), "model: gpt-4o\n");
    let v = scan(d, &["."]);
    assert_eq!(site_paths(&v), [".config/llm.yaml"]);
    // An ignored tool cache is not listed either: the repository already says it is not its own.
    assert_eq!(skipped(&v), []);
}

#[test]
fn tool_caches_are_listed_not_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    for cache in [
        ".venv",
        "node_modules",
        ".mypy_cache",
        ".tox",
        ".next",
        ".cache",
    ] {
        write(&d.join(cache).join("pkg/models.py"), CALL);
    }
    write(
        &d.join("web/node_modules/sdk/index.js"),
        "f({model: 'gpt-4o'})\n",
    );
    write(&d.join("app.py"), CALL);
    let v = scan(d, &["."]);
    assert_eq!(site_paths(&v), ["app.py"]);
    let reason = "installed dependencies or a tool's cache, not read (add it to .gitignore to \
                  leave it unlisted, or name it on the command line to read it)";
    let want: Vec<(String, String)> = [
        ".cache",
        ".mypy_cache",
        ".next",
        ".tox",
        ".venv",
        "node_modules",
        "web/node_modules",
    ]
    .iter()
    .map(|p| (p.to_string(), reason.to_string()))
    .collect();
    assert_eq!(skipped(&v), want);

    // Named on the command line, a cache is read.
    let v = scan(d, &[".venv"]);
    assert_eq!(site_paths(&v), ["pkg/models.py"]);

    // A policy that ignores the folder keeps it unlisted.
    write(
        &d.join("costlint.yaml"),
        "version: 1\nignore:\n  paths: [\".venv/**\"]\n",
    );
    let v = scan(d, &["."]);
    assert!(
        !skipped(&v).iter().any(|(p, _)| p == ".venv"),
        "{:?}",
        skipped(&v)
    );
}

#[test]
fn files_costlint_cannot_parse_are_listed_when_they_name_models() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    write(
        &d.join("nb/eval.ipynb"),
        "{\"cells\": [{\"source\": [\"create(model=\\\"gpt-4o\\\", max_tokens=5)\\n\"]}]}\n",
    );
    write(&d.join("svc/main.go"), "var m = \"claude-sonnet-4-6\"\n");
    write(
        &d.join("svc/util.go"),
        "func add(a, b int) int { return a + b }\n",
    );
    write(&d.join("conf/app.properties"), "llm.model=gpt-4o-mini\n");
    write(&d.join(".hidden/settings.toml"), "model = \"gpt-4o\"\n");
    write(&d.join("README.md"), "We call gpt-4o.\n");
    let v = scan(d, &["."]);
    assert_eq!(
        v["summary"]["not_scanned"],
        serde_json::json!([
            {"path": ".hidden/settings.toml", "format": ".toml", "models": 1},
            {"path": "conf/app.properties", "format": ".properties", "models": 1},
            {"path": "nb/eval.ipynb", "format": ".ipynb", "models": 1},
            {"path": "svc/main.go", "format": ".go", "models": 1},
        ])
    );
    // They are not files costlint reads.
    assert_eq!(v["summary"]["files_seen"], 0);

    // Named on the command line: listed when it names a model, else skipped as a format
    // costlint does not read.
    let v = scan(d, &["svc/main.go", "svc/util.go", "README.md"]);
    assert_eq!(v["summary"]["not_scanned"][0]["path"], "svc/main.go");
    assert_eq!(
        skipped(&v),
        [
            ("README.md".into(), "not a format costlint reads".into()),
            ("svc/util.go".into(), "not a format costlint reads".into()),
        ]
    );
}

#[test]
fn the_human_summary_caps_the_list_of_files_not_scanned() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    for i in 0..12 {
        write(&d.join(format!("svc/m{i:02}.go")), "var m = \"gpt-4o\"\n");
    }
    write(&d.join("nb.ipynb"), "{\"source\": [\"model='gpt-4o'\"]}\n");
    let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(["scan", "--color", "never", "."])
        .current_dir(d)
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("Not scanned"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        line,
        "Not scanned (support missing): 13 files (.go 12, .ipynb 1) name models: nb.ipynb, \
         svc/m00.go, svc/m01.go, svc/m02.go, svc/m03.go, svc/m04.go, svc/m05.go, svc/m06.go, \
         svc/m07.go, svc/m08.go, and 3 more (all of them in --format json)"
    );
}

//! The pre-commit hook for real: `pre-commit` (from `PATH`, else installed from PyPI into a
//! throw-away virtual environment) runs this checkout's `costlint-system` hook, as a
//! `.pre-commit-config.yaml` in a temporary git repository names it, on the staged files: a
//! file calling a denied model fails, a clean one passes. The `costlint` hook (`language: rust`)
//! differs only in that pre-commit builds costlint first, which takes minutes; it is not run
//! here. Without git, Python or the network the test prints why and checks nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use support::{ok, run, skip, text};

/// A `pre-commit` executable: `PRE_COMMIT`, else from `PATH` or PyPI.
fn pre_commit() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("PRE_COMMIT") {
        return Ok(PathBuf::from(p));
    }
    support::from_path_or_pypi("pre-commit", "pre-commit")
}

#[test]
fn the_hook_fails_on_a_staged_denied_model_and_passes_a_clean_file() {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = run(Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(checkout));
    let Some(head) = head.filter(|o| o.status.success()) else {
        eprintln!("skipped: this checkout is not a git repository (or git is missing)");
        return;
    };
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let committed = run(Command::new("git")
        .args(["cat-file", "-e", &format!("{head}:.pre-commit-hooks.yaml")])
        .current_dir(checkout));
    if !ok(&committed) {
        eprintln!("skipped: .pre-commit-hooks.yaml is not committed at HEAD");
        return;
    }
    let pre_commit = match pre_commit() {
        Ok(p) => p,
        Err(why) => {
            skip(&format!("pre-commit cannot be installed from PyPI: {why}"));
            return;
        }
    };

    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, body: &str| {
        std::fs::write(repo.join(name), body).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let git = |args: &[&str]| {
        let out = run(Command::new("git").args(args).current_dir(&repo));
        assert!(ok(&out), "git {args:?}: {:?}", out.map(|o| text(&o)));
    };
    git(&["init", "--quiet"]);
    write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: costlint-system\n",
            checkout.display()
        ),
    );
    write(
        "costlint.yaml",
        "version: 1\nmodels:\n  deny:\n    - id: gpt-5.5-pro\n      reason: needs approval\n",
    );
    write(
        "bad.py",
        "client.chat.completions.create(model=\"gpt-5.5-pro\", max_tokens=100)\n",
    );
    git(&["add", ".pre-commit-config.yaml", "costlint.yaml", "bad.py"]);

    // The hook finds costlint on PATH: the binary these tests built.
    let bin = Path::new(env!("CARGO_BIN_EXE_costlint"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap_or_else(|e| panic!("PATH: {e}"));
    let hook = || {
        Command::new(&pre_commit)
            .args(["run", "costlint-system"])
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env("COSTLINT_TODAY", "2026-11-25")
            .env_remove("NO_COLOR")
            .output()
            .unwrap_or_else(|e| panic!("running pre-commit: {e}"))
    };
    let failed = hook();
    let said = text(&failed);
    assert!(!failed.status.success(), "{said}");
    assert!(said.contains("denied-model"), "{said}");
    assert!(said.contains("bad.py"), "{said}");

    git(&["rm", "--cached", "--quiet", "bad.py"]);
    std::fs::remove_file(repo.join("bad.py")).unwrap_or_else(|e| panic!("{e}"));
    write(
        "good.py",
        "client.chat.completions.create(model=\"gpt-5-mini\", max_tokens=100)\n",
    );
    git(&["add", "good.py"]);
    let passed = hook();
    assert!(passed.status.success(), "{}", text(&passed));
}

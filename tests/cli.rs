//! The built binary end to end: the seed example to the cent, exit codes, and bad input of
//! every kind (a clear report and exit 2, or a skipped file listed in the summary; never a
//! panic).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn costlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(args)
        .current_dir(dir)
        .env("COSTLINT_TODAY", "2026-11-25")
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"))
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn seed_example_is_exact_to_the_cent() {
    for (model, monthly, per_call) in [
        ("gpt-5.4", "1800.00", "0.12"),
        ("gpt-5.5", "3600.00", "0.24"),
        ("gpt-5.5-pro", "21600.00", "1.44"),
    ] {
        let out = costlint(
            &fixture(&format!("seed/{model}")),
            &["scan", "--format", "json", "."],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let v = json(&out);
        let sites = v["sites"].as_array().expect("sites");
        assert_eq!(sites.len(), 1, "{model}: {sites:?}");
        let site = &sites[0];
        assert_eq!(site["model"]["text"], model);
        assert_eq!(site["limit"]["param"], "max_tokens");
        assert_eq!(site["limit"]["value"], 8000);
        assert_eq!(site["usage"]["calls_per_day"], 500);
        assert_eq!(site["usage"]["input_tokens"], 0);
        assert_eq!(site["cost"]["monthly"], monthly, "{model}");
        assert_eq!(site["cost"]["per_call"], per_call, "{model}");
        assert_eq!(v["summary"]["monthly_total"], monthly);
    }
    let human = costlint(&fixture("seed/gpt-5.5"), &["scan", "--color", "never", "."]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("$3,600.00"));
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = fixture("checks/missing-max-tokens");
    assert_eq!(
        costlint(&dir, &["check", "."]).status.code(),
        Some(0),
        "warnings do not fail by default"
    );
    assert_eq!(
        costlint(&dir, &["check", "--fail-on", "warning", "."])
            .status
            .code(),
        Some(1)
    );
    let denied = fixture("checks/denied-model");
    assert_eq!(costlint(&denied, &["check", "."]).status.code(), Some(1));
    assert_eq!(
        costlint(&denied, &["check", "--fail-on", "never", "."])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        costlint(&denied, &["scan", "."]).status.code(),
        Some(0),
        "scan never fails on policy"
    );
}

#[test]
fn bad_flags_and_paths_exit_2() {
    let dir = fixture("demo");
    let out = costlint(&dir, &["check", "--fail-on", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
    let out = costlint(&dir, &["check", "no/such/path"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/path"), "{}", stderr(&out));
    let out = costlint(&dir, &["check", "--config", "missing.yaml", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.yaml"), "{}", stderr(&out));
    let out = costlint(&dir, &["explain", "missing-max-token"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `missing-max-tokens`"),
        "{}",
        stderr(&out)
    );
}

/// Each broken policy: exit 2, and a report naming the file, the line and the key.
#[test]
fn bad_policies_point_at_file_line_and_key() {
    let cases = [
        ("syntax.yaml", "syntax", None),
        ("unknown_top_key.yaml", "usgae", Some("usage")),
        (
            "budget_typo.yaml",
            "max_monthly_increse_usd",
            Some("max_monthly_increase_usd"),
        ),
        ("wrong_type.yaml", "calls_per_day", None),
        (
            "unknown_check.yaml",
            "missing-max-token",
            Some("missing-max-tokens"),
        ),
    ];
    let dir = fixture("demo");
    for (file, key, suggestion) in cases {
        let path = fixture(&format!("policies/bad/{file}"));
        assert!(path.exists(), "{file} is missing");
        let out = costlint(
            &dir,
            &[
                "check",
                "--color",
                "never",
                "--config",
                path.to_str().unwrap_or_default(),
                ".",
            ],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(
            err.contains(file),
            "{file}: report does not name the file:\n{err}"
        );
        assert!(
            err.contains(&format!("{file}:")),
            "{file}: no line in the report:\n{err}"
        );
        if key != "syntax" {
            assert!(
                err.contains(key),
                "{file}: report does not name `{key}`:\n{err}"
            );
        }
        if let Some(s) = suggestion {
            assert!(
                err.contains(&format!("did you mean `{s}`")),
                "{file}:\n{err}"
            );
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn hostile_files_are_skipped_or_scanned_and_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    std::fs::write(
        d.join("app.py"),
        "client.create(model=\"gpt-5.4\", max_tokens=10)\n",
    )
    .unwrap();
    // Binary: a NUL byte among model-like text.
    std::fs::write(d.join("blob.py"), b"model=\"gpt-5.4\"\x00\x01\x02").unwrap();
    // Invalid UTF-8 around a real call: read with replacement, still found.
    let mut bad = b"x = '\xff\xfe'\n".to_vec();
    bad.extend_from_slice(b"client.create(model=\"gpt-5.5\", max_tokens=20)\n");
    std::fs::write(d.join("latin1.py"), bad).unwrap();
    // A 20 MB minified bundle.
    let chunk = "var a=function(){return{model:\"gpt-5.4\",max_tokens:1}};";
    let big: String = chunk.repeat(20 * 1024 * 1024 / chunk.len() + 1);
    std::fs::write(d.join("bundle.min.js"), &big).unwrap();
    // A symlink loop and a link out of the root.
    std::os::unix::fs::symlink(d.join("loop_b.py"), d.join("loop_a.py")).unwrap();
    std::os::unix::fs::symlink(d.join("loop_a.py"), d.join("loop_b.py")).unwrap();
    std::os::unix::fs::symlink("/etc", d.join("outside")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self")).unwrap();

    let out = costlint(d, &["scan", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let skipped: Vec<(String, String)> = v["summary"]["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or("").to_string(),
                s["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let reason = |p: &str| {
        skipped
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert_eq!(reason("blob.py"), "binary");
    assert!(
        reason("bundle.min.js").starts_with("larger than the limit"),
        "{skipped:?}"
    );
    for link in ["loop_a.py", "loop_b.py", "outside", "self"] {
        assert_eq!(
            reason(link),
            "symbolic link, not followed",
            "{link}: {skipped:?}"
        );
    }
    assert_eq!(
        v["summary"]["invalid_utf8"],
        serde_json::json!(["latin1.py"])
    );
    let models: Vec<&str> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["model"]["text"].as_str())
        .collect();
    assert_eq!(models, ["gpt-5.4", "gpt-5.5"]);
    assert_eq!(v["sites"][1]["limit"]["value"], 20);

    // With a larger limit a minified bundle (one 3 MB line) is parsed, without a panic, and
    // its sites are found.
    std::fs::write(d.join("part.min.js"), &big[..3 * 1024 * 1024]).unwrap();
    let out = costlint(
        d,
        &[
            "scan",
            "--format",
            "json",
            "--max-filesize",
            "30000000",
            "part.min.js",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["sites"].as_array().unwrap().len() > 10_000);

    // Human output lists every skipped file.
    let out = costlint(d, &["scan", "--color", "never", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Skipped: blob.py: binary"), "{text}");
    assert!(
        text.contains("Read with invalid UTF-8 replaced: latin1.py"),
        "{text}"
    );
}

#[test]
fn unreadable_files_are_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let d = tmp.path();
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false);
    let locked = d.join("locked.py");
    std::fs::write(&locked, "client.create(model=\"gpt-5.4\")\n").unwrap();
    if is_root {
        // Permissions do not stop root: a directory named like a source file, passed
        // explicitly, cannot be read as a file either.
        std::fs::remove_file(&locked).unwrap();
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(
            locked.join("inner.py"),
            "client.create(model=\"gpt-5.4\")\n",
        )
        .unwrap();
        let out = costlint(d, &["scan", "--format", "json", "."]);
        assert_eq!(out.status.code(), Some(0));
        let v = json(&out);
        assert_eq!(v["sites"][0]["path"], "locked.py/inner.py");
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let out = costlint(d, &["scan", "--format", "json", "."]);
        assert_eq!(out.status.code(), Some(0));
        let v = json(&out);
        let s = v["summary"]["skipped"].to_string();
        assert!(s.contains("locked.py") && s.contains("unreadable"), "{s}");
    }
    // Reading errors surface through the same path the walker uses.
    let err = costlint::engine::read_source(d, 1 << 20)
        .expect_err("a directory is not readable as a file");
    assert!(err.to_string().starts_with("unreadable"), "{err}");
}

#[test]
fn unknown_models_name_the_nearest() {
    let out = costlint(
        &fixture("checks/unknown-model"),
        &["check", "--format", "json", "."],
    );
    let v = json(&out);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let typo = diags
        .iter()
        .find(|d| d["message"] == "unknown model `gpt-5.44`")
        .expect("gpt-5.44 reported");
    assert!(
        typo["help"].as_str().unwrap_or("").contains("`gpt-5.4`"),
        "{typo}"
    );
    assert!(
        !diags
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("chat-prod")),
        "deployment is known"
    );
}

#[test]
fn init_writes_a_policy_that_check_accepts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = costlint(tmp.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("costlint.yaml").exists());
    assert_eq!(
        costlint(tmp.path(), &["init"]).status.code(),
        Some(2),
        "refuses to overwrite"
    );
    let out = costlint(tmp.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn models_and_explain() {
    let dir = fixture("demo");
    let out = costlint(&dir, &["models", "gpt-5.5*", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let pro = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "gpt-5.5-pro")
        .expect("gpt-5.5-pro");
    assert_eq!(pro["input_usd_per_mtok"], "30");
    assert_eq!(pro["output_usd_per_mtok"], "180");
    let out = costlint(&dir, &["models", "--color", "never", "gpt-5.4"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$2.5") && text.contains("$15"), "{text}");
    assert!(text.contains("as of"), "{text}");
    let out = costlint(&dir, &["explain"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "unknown-model",
        "denied-model",
        "site-monthly-cost",
        "expired-suppression",
    ] {
        assert!(text.contains(id), "{id} missing from explain");
    }
    let out = costlint(&dir, &["explain", "max-tokens-exceeds-model"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("16,384"));
}

/// A temporary repository with one file.
fn repo_with(name: &str, text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join(name), text).expect("write");
    tmp
}

#[test]
fn retired_claude_2_1_is_deprecated_with_a_replacement() {
    let tmp = repo_with(
        "app.py",
        "import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model=\"claude-2.1\", max_tokens=1000, messages=[])\n",
    );
    let v = json(&costlint(tmp.path(), &["check", "--format", "json", "."]));
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(
        !diags.iter().any(|d| d["check"] == "unknown-model"),
        "{diags:?}"
    );
    let d = diags
        .iter()
        .find(|d| d["check"] == "deprecated-model")
        .expect("deprecated-model");
    assert_eq!(
        d["message"],
        "model `claude-2.1` was retired on 2025-07-21: calls fail"
    );
    assert_eq!(d["help"], "replace it with `claude-sonnet-4-6`");
}

#[test]
fn sonnet_4_6_on_bedrock_allows_100000_output_tokens() {
    let tmp = repo_with(
        "app.py",
        "from anthropic import AnthropicBedrock\nc = AnthropicBedrock()\nc.messages.create(model=\"us.anthropic.claude-sonnet-4-6\", max_tokens=100000, messages=[])\nc.messages.create(model=\"vertex_ai/claude-sonnet-4-6\", max_tokens=100000, messages=[])\n",
    );
    let out = costlint(tmp.path(), &["check", "--format", "json", "."]);
    let v = json(&out);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(
        !diags
            .iter()
            .any(|d| d["check"] == "max-tokens-exceeds-model"),
        "{diags:?}"
    );
    assert_eq!(v["sites"].as_array().map(Vec::len), Some(2), "{v}");
}

#[test]
fn models_resolves_a_name_as_written_then_lists_its_routes() {
    let dir = fixture("demo");
    let out = costlint(&dir, &["models", "--color", "never", "openai/gpt-4o"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "`openai/gpt-4o` resolves to `gpt-4o` (exact).");
    assert!(lines[2].starts_with("gpt-4o "), "{text}");
    assert!(text.contains("\nazure/gpt-4o "), "{text}");
    assert!(!text.contains("gpt-4o-mini"), "{text}");
    assert!(
        !text.contains("Exact {") && !text.contains("Some("),
        "{text}"
    );
    assert!(text.contains("\n5 models; "), "{text}");

    let out = costlint(&dir, &["models", "--color", "never", "claude-2.1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2025-07-21 → claude-sonnet-4-6"), "{text}");
    assert!(text.contains("\n1 model; "), "{text}");

    let out = costlint(
        &dir,
        &[
            "models",
            "--color",
            "never",
            "us.anthropic.claude-sonnet-4.6",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("`us.anthropic.claude-sonnet-4.6` resolves to `")
            && text.contains("` (approximate: "),
        "{text}"
    );
}

/// `usage.sites` gives one call site its own volume, keyed by the site key `scan` prints; an
/// entry that sets nothing is bad input.
#[test]
fn usage_sites_set_the_volume_of_one_call_site() {
    let tmp = repo_with(
        "app.py",
        "a = client.chat.completions.create(model=\"gpt-5.4\", max_tokens=8000, messages=m)\n\
         b = client.chat.completions.create(model=\"gpt-5.4\", max_tokens=8000, messages=m)\n",
    );
    let scan = json(&costlint(tmp.path(), &["scan", "--format", "json", "."]));
    let key = scan["sites"][1]["site_key"]
        .as_str()
        .expect("a site key")
        .to_string();
    let policy = format!(
        "version: 1\nusage:\n  default: {{ calls_per_day: 500, input_tokens: 0 }}\n  sites:\n    \"{key}\": {{ calls_per_day: 20000 }}\n"
    );
    std::fs::write(tmp.path().join("costlint.yaml"), policy).expect("policy");
    let out = json(&costlint(tmp.path(), &["scan", "--format", "json", "."]));
    let monthly: Vec<&str> = out["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| s["cost"]["monthly"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(monthly, ["1800.00", "72000.00"]);
    let source = out["sites"][1]["usage"]["source"].as_str().unwrap_or("");
    assert!(source.contains("usage.sites"), "{source}");

    std::fs::write(
        tmp.path().join("costlint.yaml"),
        "version: 1\nusage:\n  sites:\n    x: {}\n",
    )
    .expect("policy");
    let bad = costlint(tmp.path(), &["scan", "."]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("changes nothing"), "{}", stderr(&bad));
}

/// A site's id stays unique when a file's name holds the separator of site keys (`::`), so that
/// two files' key texts could read the same: `c.yaml` keyed `"x.yaml::top"` and a file named
/// `c.yaml::x.yaml` keyed `top`.
#[test]
fn site_ids_stay_unique_when_a_file_name_holds_the_key_separator() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let entry = "{model: gpt-4o, max_tokens: 100}";
    let files = [
        ("c.yaml", format!("\"x.yaml::top\": {entry}\n")),
        ("c.yaml::x.yaml", format!("top: {entry}\n")),
    ];
    for (name, text) in &files {
        std::fs::write(tmp.path().join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let v = json(&costlint(tmp.path(), &["scan", "--format", "json", "."]));
    let keys: Vec<(&str, &str)> = v["sites"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap_or(""),
                        s["site_key"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_ne!(keys[0].0, keys[1].0, "{keys:?}");
    assert_eq!(keys[0].1, "c.yaml::x.yaml::top::model::max_tokens::1");
    assert_eq!(keys[1].1, "c.yaml::x.yaml::top::model::max_tokens::2");
}

/// Two calls of one unknown model on one line are one entry of `summary.unpriced`, under one
/// policy or several.
#[test]
fn an_unpriced_place_is_listed_once() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let call = "a = f(model=\"acme-9x\", max_tokens=5); b = f(model=\"acme-9x\", max_tokens=5)\n";
    for dir in ["a", "b"] {
        let d = tmp.path().join(dir);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{dir}: {e}"));
        std::fs::write(d.join("x.py"), call).unwrap_or_else(|e| panic!("x.py: {e}"));
        std::fs::write(d.join("costlint.yaml"), "version: 1\n")
            .unwrap_or_else(|e| panic!("costlint.yaml: {e}"));
    }
    for args in [&["a"][..], &["a", "b"][..]] {
        let mut argv = vec!["scan", "--format", "json"];
        argv.extend_from_slice(args);
        let v = json(&costlint(tmp.path(), &argv));
        let unpriced: Vec<String> = v["summary"]["unpriced"]
            .as_array()
            .map(|a| a.iter().map(|u| u["path"].to_string()).collect())
            .unwrap_or_default();
        assert_eq!(unpriced.len(), args.len(), "{args:?}: {unpriced:?}");
        assert_eq!(v["summary"]["sites"], 2 * args.len(), "{args:?}");
    }
}

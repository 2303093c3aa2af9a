//! The machine formats end to end, through the built binary: SARIF validated against the OASIS
//! schema kept in `fixtures/sarif/`, `--output` (one run writing SARIF to a file and printing
//! annotations), `--format concise` and `--statistics`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-25";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn costlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(args)
        .current_dir(dir)
        .env("COSTLINT_TODAY", TODAY)
        .env_remove("NO_COLOR")
        .env_remove("COSTLINT_DOCS_URL")
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn validator() -> jsonschema::Validator {
    let path = fixtures().join("sarif/sarif-schema-2.1.0.json");
    let schema =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value =
        serde_json::from_str(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    jsonschema::draft4::new(&schema).unwrap_or_else(|e| panic!("schema: {e}"))
}

fn assert_valid(sarif: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_for_every_check_validates_against_the_oasis_schema() {
    let dir = fixtures().join("sarif/every-check");
    let out = costlint(&dir, &["check", "--format", "sarif", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", text(&out.stdout)));
    assert_valid(&sarif);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(rules.len(), costlint::checks::ALL.len());
    // A budget needs a change to measure: `monthly_budget_validates_in_diff_mode` covers it.
    for check in costlint::checks::ALL
        .iter()
        .filter(|c| c.id != "monthly-budget")
    {
        assert!(
            results.iter().any(|r| r["ruleId"] == check.id),
            "no result for {}",
            check.id
        );
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "bounded upstream"
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["automationDetails"]["id"], "costlint/./");
    for r in &results {
        assert!(r["partialFingerprints"]["costlint/v1"].is_string(), "{r}");
    }
}

/// Links to the documentation of checks only where costlint was told where it is published:
/// `--docs-url`, else `COSTLINT_DOCS_URL`; without either (and with no `repository` in
/// Cargo.toml) no `helpUri` at all, never a made-up address. Valid SARIF either way.
#[test]
fn sarif_help_links_come_from_the_documentation_address_given() {
    let dir = fixtures().join("sarif/every-check");
    let rules = |sarif: &serde_json::Value| {
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let parse = |out: &Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", text(&out.stderr)))
    };
    let out = costlint(&dir, &["check", "--format", "sarif", "."]);
    let sarif = parse(&out);
    assert_valid(&sarif);
    assert_eq!(env!("CARGO_PKG_REPOSITORY"), "", "update this test");
    assert!(rules(&sarif).iter().all(|r| r.get("helpUri").is_none()));
    assert!(sarif["runs"][0]["tool"]["driver"]
        .get("informationUri")
        .is_none());

    let docs = "https://github.com/acme/costlint/blob/v1.2.0/README.md";
    let out = Command::new(env!("CARGO_BIN_EXE_costlint"))
        .args(["check", "--format", "sarif", "."])
        .current_dir(&dir)
        .env("COSTLINT_TODAY", TODAY)
        .env("COSTLINT_DOCS_URL", docs)
        .output()
        .unwrap_or_else(|e| panic!("running costlint: {e}"));
    let sarif = parse(&out);
    assert_valid(&sarif);
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["informationUri"], docs);
    for r in rules(&sarif) {
        assert_eq!(r["helpUri"], format!("{docs}#checks"), "{r}");
    }
    // The flag wins over the environment; a fragment given is replaced by the checks' anchor.
    let out = costlint(
        &dir,
        &[
            "check",
            "--format",
            "sarif",
            "--docs-url",
            "https://docs.example/costlint/#top",
            ".",
        ],
    );
    let sarif = parse(&out);
    assert_valid(&sarif);
    assert_eq!(
        rules(&sarif)[0]["helpUri"],
        "https://docs.example/costlint/#checks"
    );
    for bad in [
        "costlint.example/readme",
        "https://",
        "https://x/a b",
        "javascript:alert(1)",
    ] {
        let out = costlint(&dir, &["check", "--docs-url", bad, "."]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("is not an http(s) address"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn sarif_of_every_fixture_validates() {
    let validator = validator();
    for group in ["checks", "binding", "lang", "policy"] {
        let dir = fixtures().join(group);
        let out = costlint(&dir, &["check", "--format", "sarif", "."]);
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{group}: not JSON: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{group}: invalid SARIF:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn one_run_writes_sarif_to_a_file_and_prints_annotations() {
    let dir = fixtures().join("sarif/every-check");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let sarif_file = tmp.path().join("costlint.sarif");
    let target = format!("sarif={}", sarif_file.display());
    let out = costlint(
        &dir,
        &["check", "--format", "github", "--output", &target, "."],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("::error file=app.py,"), "{stdout}");
    let written = std::fs::read_to_string(&sarif_file).unwrap_or_else(|e| panic!("{e}"));
    let sarif: serde_json::Value = serde_json::from_str(&written).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&sarif);

    // A plain `--output FILE` takes the `--format` output off standard output.
    let concise_file = tmp.path().join("costlint.txt");
    let target = concise_file.display().to_string();
    let out = costlint(
        &dir,
        &["check", "--format", "concise", "--output", &target, "."],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let written = std::fs::read_to_string(&concise_file).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        written.contains("app.py:6:38: error[denied-model] model `gpt-5.5-pro` is denied"),
        "{written}"
    );
}

#[test]
fn an_output_file_that_cannot_be_written_is_bad_input() {
    let dir = fixtures().join("sarif/every-check");
    let out = costlint(
        &dir,
        &["check", "--output", "no/such/folder/out.sarif", "."],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot write"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn concise_and_statistics_on_the_every_check_fixture() {
    let dir = fixtures().join("sarif/every-check");
    let out = costlint(&dir, &["check", "--format", "concise", "."]);
    insta::assert_snapshot!("every_check_concise", text(&out.stdout));
    let out = costlint(&dir, &["check", "--statistics", "."]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("every_check_statistics", text(&out.stdout));
    let out = costlint(&dir, &["check", "--statistics", "--format", "json", "."]);
    let stats: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stats["version"], 1);
    assert!(stats["statistics"]["checks"]
        .as_array()
        .is_some_and(|c| c.len() >= 11));
}

#[test]
fn github_output_holds_one_command_per_diagnostic_whatever_the_names() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let name = "x\n::set-output name=a::b\n.py";
    std::fs::write(
        tmp.path().join(name),
        "create(model=\"gpt-5.5-pro\", max_tokens=100)\n\
         # costlint: ignore[::set-output name=a::b]\n\
         create(model=\"gpt-5-mini\")\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        tmp.path().join("costlint.yaml"),
        "version: 1\nmodels:\n  deny:\n    - id: gpt-5.5-pro\n      reason: \"no\\n::set-output name=a::b\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let json = costlint(tmp.path(), &["check", "--format", "json", "."]);
    let json: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    let count = json["diagnostics"].as_array().map_or(0, Vec::len);
    assert!(count >= 3, "{json}");
    let out = costlint(tmp.path(), &["check", "--format", "github", "."]);
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), count, "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::")).count(),
        count,
        "{stdout}"
    );
    assert!(
        stdout.contains("file=x%0A%3A%3Aset-output name=a%3A%3Ab%0A.py,"),
        "{stdout}"
    );
    assert!(!stdout.contains("\n::set-output"), "{stdout}");
}

/// `monthly-budget`, which only a change can break, as a SARIF result of `check --base`.
#[test]
fn monthly_budget_validates_in_diff_mode() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("git: {e}"));
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    let call = |model: &str| {
        format!("client.chat.completions.create(model=\"{model}\", max_tokens=8000, messages=[])\n")
    };
    let write = |name: &str, body: &str| {
        std::fs::write(dir.path().join(name), body).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    write(
        "costlint.yaml",
        "version: 1\nusage:\n  default: { calls_per_day: 500, input_tokens: 0 }\nbudget:\n  max_monthly_increase_usd: 100\n",
    );
    write("app.py", &call("gpt-5.4"));
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    write("app.py", &call("gpt-5.5"));
    let out = costlint(
        dir.path(),
        &["check", "--base", "main", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", text(&out.stdout)));
    assert_valid(&sarif);
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "monthly-budget" && r["level"] == "error"),
        "{results:?}"
    );
}

//! The policy file through the public API: good files parse to what they say, bad files fail with
//! a report on the exact line, key and suggestion.

use costlint::checks::{self, CheckSettings, OptionValue, Settings};
use costlint::config::{DenyRule, Policy, PolicyOrigin, PricingSource, Usage};
use costlint::diagnostic::Level;
use costlint::error::InputError;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies")
}

fn load_good(name: &str) -> Policy {
    let path = fixtures().join("good").join(name);
    match Policy::load(&path) {
        Ok(policy) => policy,
        Err(e) => panic!("{name} should parse: {}", render(&e)),
    }
}

/// The error for a bad fixture, parsed under a short display name, with the file's text.
fn load_bad(name: &str) -> (InputError, String) {
    let path = fixtures().join("bad").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    // The policy parser reads the file; the check registry reads its `checks:` section.
    let policy = match Policy::parse(name, &text, Path::new("")) {
        Ok(policy) => policy,
        Err(e) => return (e, text),
    };
    match checks::configure(&policy) {
        Ok(settings) => panic!("{name} should not parse, got {settings:#?}"),
        Err(e) => (e, text),
    }
}

/// The policy's `checks:` section as the check registry reads it.
fn configure(policy: &Policy) -> CheckSettings {
    checks::configure(policy).unwrap_or_else(|e| panic!("checks: {}", render(&e)))
}

fn check_ids() -> impl Iterator<Item = &'static str> {
    checks::ALL.iter().map(|c| c.id)
}

fn render(e: &InputError) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(200)
        .render_report(&mut out, e)
        .unwrap_or_else(|_| panic!("cannot render {e:?}"));
    out
}

fn span(e: &InputError) -> std::ops::Range<usize> {
    let span = e.span.unwrap_or_else(|| panic!("no span on {e:?}"));
    span.offset()..span.offset() + span.len()
}

/// 1-based line of the start of the error's span.
fn line(e: &InputError, text: &str) -> usize {
    text[..span(e).start].matches('\n').count() + 1
}

struct Bad {
    file: &'static str,
    line: usize,
    /// The text under the span, when the span must cover exactly that.
    under: Option<&'static str>,
    message: &'static str,
    help: &'static str,
}

const BAD: &[Bad] = &[
    Bad { file: "syntax.yaml", line: 5, under: Some("input_tokens:"), message: "invalid YAML", help: "indentation" },
    Bad {
        file: "unknown_top_key.yaml",
        line: 2,
        under: Some("usgae"),
        message: "unknown key `usgae` at the top level",
        help: "did you mean `usage`? expected one of: `version`, `pricing`",
    },
    Bad {
        file: "budget_typo.yaml",
        line: 6,
        under: Some("max_monthly_increse_usd"),
        message: "unknown key `max_monthly_increse_usd` in `budget`",
        help: "did you mean `max_monthly_increase_usd`? expected one of: `max_monthly_increase_usd`, `max_monthly_increase_pct`, `max_monthly_usd`",
    },
    Bad {
        file: "wrong_type.yaml",
        line: 4,
        under: Some("\"many\""),
        message: "expected an integer for `usage.default.calls_per_day`, found a string",
        help: "",
    },
    Bad {
        file: "checks_list.yaml",
        line: 2,
        under: Some("[a]"),
        message: "expected a mapping for `checks`, found a list",
        help: "",
    },
    Bad {
        file: "unknown_check.yaml",
        line: 4,
        under: Some("missing-max-token"),
        message: "unknown check `missing-max-token` in `checks`",
        help: "did you mean `missing-max-tokens`? known checks: `unknown-model`",
    },
    Bad {
        file: "unknown_check_option.yaml",
        line: 5,
        under: Some("max_tokens"),
        message: "unknown option `max_tokens` for check `max-tokens-ceiling`",
        help: "did you mean `max`? `max-tokens-ceiling` accepts: `level`, `max`",
    },
    Bad {
        file: "bad_level.yaml",
        line: 3,
        under: Some("fatal"),
        message: "unknown level `fatal` for `checks.deprecated-model.level`",
        help: "expected one of: off, note, warning, error",
    },
    Bad {
        file: "bad_glob.yaml",
        line: 5,
        under: Some("\"gpt-[5\""),
        message: "invalid glob `gpt-[5` in `models.allow[1]`",
        help: "globs use",
    },
    Bad {
        file: "bad_override_glob.yaml",
        line: 6,
        under: Some("\"tools/{a,b\""),
        message: "invalid glob `tools/{a,b` in `usage.overrides[1].paths[0]`",
        help: "globs use",
    },
    Bad {
        file: "missing_version.yaml",
        line: 1,
        under: None,
        message: "missing `version`",
        help: "add `version: 1`",
    },
    Bad {
        file: "version_2.yaml",
        line: 1,
        under: Some("2"),
        message: "unsupported policy version 2",
        help: "version: 1",
    },
    Bad {
        file: "empty_deployment.yaml",
        line: 4,
        under: Some("\"\""),
        message: "deployment `chat-eu` maps to no model",
        help: "chat-eu: gpt-5.4",
    },
    Bad {
        file: "negative.yaml",
        line: 3,
        under: Some("-500"),
        message: "`budget.max_monthly_increase_usd` must not be negative",
        help: "",
    },
    Bad {
        file: "days_zero.yaml",
        line: 3,
        under: Some("0"),
        message: "`usage.days_per_month` must be between 1 and 31, found 0",
        help: "",
    },
];

#[test]
fn every_bad_policy_fails_at_the_right_place() {
    for case in BAD {
        let (e, text) = load_bad(case.file);
        let report = render(&e);
        assert_eq!(
            line(&e, &text),
            case.line,
            "{}: wrong line\n{report}",
            case.file
        );
        if let Some(under) = case.under {
            assert_eq!(
                &text[span(&e)],
                under,
                "{}: wrong span\n{report}",
                case.file
            );
        }
        assert!(
            e.message.contains(case.message),
            "{}: message\n{report}",
            case.file
        );
        let help = e.help.clone().unwrap_or_default();
        assert!(help.contains(case.help), "{}: help\n{report}", case.file);
        let source_name = e.src.as_ref().map(|s| s.name().to_string());
        assert_eq!(
            source_name.as_deref(),
            Some(case.file),
            "{}: source name",
            case.file
        );
    }
}

#[test]
fn every_bad_fixture_is_covered() {
    let mut files: Vec<String> = std::fs::read_dir(fixtures().join("bad"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for file in &files {
        assert!(
            BAD.iter().any(|case| case.file == file),
            "fixtures/policies/bad/{file} has no case in BAD"
        );
    }
}

#[test]
fn a_rendered_report_names_the_file_line_and_key() {
    let (e, _) = load_bad("budget_typo.yaml");
    let report = render(&e);
    assert!(report.contains("budget_typo.yaml:6:3"), "{report}");
    assert!(
        report.contains("6 │   max_monthly_increse_usd: 500"),
        "{report}"
    );
    assert!(
        report.contains("unknown key `max_monthly_increse_usd` in `budget`"),
        "{report}"
    );
    assert!(
        report.contains("did you mean `max_monthly_increase_usd`?"),
        "{report}"
    );
}

#[test]
fn the_full_policy_parses_to_what_it_says() {
    let dir = fixtures().join("good");
    let policy = load_good("full.yaml");
    assert_eq!(policy.version, 1);
    assert_eq!(policy.origin, PolicyOrigin::File(dir.join("full.yaml")));
    assert_eq!(
        policy.pricing,
        vec![
            PricingSource::Builtin,
            PricingSource::File(dir.join("prices/negotiated.yaml")),
            PricingSource::Litellm(dir.join("vendor/model_prices_and_context_window.json")),
        ]
    );
    assert_eq!(
        policy.deployments.get("chat-prod").map(String::as_str),
        Some("gpt-5.4")
    );
    assert_eq!(
        policy.deployments.get("summarizer eu").map(String::as_str),
        Some("claude-sonnet-4-6")
    );

    assert_eq!(policy.usage.days_per_month, 31);
    assert_eq!(
        policy.usage.default,
        Usage {
            calls_per_day: 500,
            input_tokens: 2000,
            cached_input_tokens: 500
        }
    );
    assert_eq!(policy.usage.overrides.len(), 2);
    assert_eq!(policy.usage.overrides[0].paths, ["services/batch/**"]);
    assert_eq!(policy.usage.overrides[0].calls_per_day, Some(20000));
    assert_eq!(policy.usage.overrides[0].input_tokens, None);
    assert_eq!(
        policy.usage.overrides[1].paths,
        ["services/**", "tools/*.py"]
    );
    assert_eq!(policy.usage.overrides[1].input_tokens, Some(1200));
    assert_eq!(policy.usage.overrides[1].cached_input_tokens, Some(0));

    let allow = ["gpt-5.4*", "gpt-5-mini", "claude-sonnet-4-6"]
        .map(String::from)
        .to_vec();
    assert_eq!(policy.models.allow, Some(allow));
    assert_eq!(
        policy.models.deny,
        vec![
            DenyRule {
                id: "gpt-5.5-pro".into(),
                reason: Some("Pro tier at $180/1M output needs platform approval".into())
            },
            DenyRule {
                id: "o1-*".into(),
                reason: None
            },
        ]
    );

    let configured = configure(&policy);
    let check = |id| configured.get(id).cloned();
    let with = |level, option: Option<(&'static str, OptionValue)>| Settings {
        level: Some(level),
        options: option.into_iter().collect(),
    };
    assert_eq!(
        check("deprecated-model"),
        Some(with(
            Level::Error,
            Some(("lead_days", OptionValue::Days(60)))
        ))
    );
    assert_eq!(
        check("missing-max-tokens"),
        Some(with(Level::Warning, None))
    );
    assert_eq!(
        check("max-tokens-ceiling"),
        Some(with(
            Level::Error,
            Some(("max", OptionValue::Tokens(16000)))
        ))
    );
    assert_eq!(
        check("output-price-ceiling"),
        Some(with(
            Level::Warning,
            Some(("usd_per_mtok", OptionValue::Usd(30.0)))
        ))
    );
    assert_eq!(
        check("site-monthly-cost"),
        Some(with(
            Level::Warning,
            Some(("max_usd", OptionValue::Usd(2000.5)))
        ))
    );
    assert_eq!(check("expired-suppression"), Some(with(Level::Off, None)));
    assert_eq!(check("unknown-model"), Some(with(Level::Note, None)));
    assert_eq!(check("denied-model"), None);
    assert_eq!(configured.len(), 7);
    assert_eq!(policy.checks.len(), 7);

    assert_eq!(policy.budget.max_monthly_increase_usd, Some(500.0));
    assert_eq!(policy.budget.max_monthly_increase_pct, Some(25.0));
    assert_eq!(policy.ignore.paths, ["**/tests/**", "docs/**"]);
}

#[test]
fn usage_takes_the_first_matching_override() {
    let policy = load_good("full.yaml");
    let usage = |path| policy.usage_for(path);
    // Both overrides match; the first wins and the default fills the rest.
    assert_eq!(
        usage("services/batch/job.py"),
        Usage {
            calls_per_day: 20000,
            input_tokens: 2000,
            cached_input_tokens: 500
        }
    );
    assert_eq!(usage("./services/batch/job.py").calls_per_day, 20000);
    assert_eq!(
        usage("services/api/chat.ts"),
        Usage {
            calls_per_day: 500,
            input_tokens: 1200,
            cached_input_tokens: 0
        }
    );
    assert_eq!(usage("tools/run.py").input_tokens, 1200);
    // `*` does not cross folders.
    assert_eq!(usage("tools/sub/run.py"), policy.usage.default);
    assert_eq!(usage("app.py"), policy.usage.default);
    let chosen = policy
        .usage_override_for("services/batch/job.py")
        .map(|o| o.paths.clone());
    assert_eq!(chosen, Some(vec!["services/batch/**".to_string()]));
    assert!(policy.usage_override_for("app.py").is_none());
}

#[test]
fn models_are_matched_by_glob() {
    let policy = load_good("full.yaml");
    for allowed in [
        "gpt-5.4",
        "gpt-5.4-mini",
        "GPT-5.4",
        "gpt-5-mini",
        "claude-sonnet-4-6",
    ] {
        assert!(policy.model_allowed(allowed), "{allowed} should be allowed");
    }
    for refused in ["gpt-5", "gpt-5-mini-2025", "claude-opus-4-6", ""] {
        assert!(
            !policy.model_allowed(refused),
            "{refused} should not be allowed"
        );
    }
    let denied = policy.model_denied("gpt-5.5-pro").map(|r| r.reason.clone());
    assert_eq!(
        denied,
        Some(Some(
            "Pro tier at $180/1M output needs platform approval".to_string()
        ))
    );
    assert_eq!(
        policy.model_denied("o1-mini").map(|r| r.id.as_str()),
        Some("o1-*")
    );
    assert_eq!(policy.model_denied("gpt-5.4"), None);
    assert_eq!(policy.model_denied("gpt-5.5-pro-2026"), None);
}

#[test]
fn ignored_paths_are_matched_by_glob() {
    let policy = load_good("full.yaml");
    for ignored in [
        "pkg/tests/test_chat.py",
        "tests/a.py",
        "docs/guide.md",
        "docs/a/b.md",
        "./docs/x.md",
    ] {
        assert!(policy.is_ignored(ignored), "{ignored} should be ignored");
    }
    for kept in ["src/docs.py", "src/tests.py", "app.py"] {
        assert!(!policy.is_ignored(kept), "{kept} should be scanned");
    }
}

#[test]
fn a_minimal_policy_uses_the_defaults() {
    let policy = load_good("minimal.yaml");
    assert_eq!(policy.pricing, vec![PricingSource::Builtin]);
    assert!(policy.deployments.is_empty());
    assert_eq!(policy.usage.default, Usage::default());
    assert_eq!(policy.usage.days_per_month, 30);
    assert!(policy.checks.is_empty());
    assert!(configure(&policy).is_empty());
    assert!(policy.model_allowed("anything-at-all"));
    assert_eq!(policy.model_denied("gpt-5.5-pro"), None);
    assert!(!policy.is_ignored("docs/a.md"));
    assert_eq!(policy.usage_for("services/batch/x.py"), Usage::default());
}

#[test]
fn the_embedded_default_parses() {
    let policy = Policy::embedded_default();
    assert_eq!(policy.origin, PolicyOrigin::Embedded);
    assert_eq!(policy.pricing, vec![PricingSource::Builtin]);
    assert_eq!(
        policy.usage.default,
        Usage {
            calls_per_day: 500,
            input_tokens: 2000,
            cached_input_tokens: 0
        }
    );
    assert_eq!(policy.usage.days_per_month, 30);
    assert_eq!(policy.models.allow, None);
    assert!(policy.models.deny.is_empty());
    assert!(policy.ignore.paths.is_empty());
    let configured = configure(&policy);
    let level = |id| configured.get(id).and_then(|c| c.level);
    assert_eq!(level("unknown-model"), Some(Level::Warning));
    assert_eq!(level("denied-model"), Some(Level::Error));
    assert_eq!(level("unapproved-model"), Some(Level::Error));
    assert_eq!(level("missing-max-tokens"), Some(Level::Warning));
    assert_eq!(level("max-tokens-exceeds-model"), Some(Level::Error));
    assert_eq!(level("output-price-ceiling"), Some(Level::Warning));
    assert_eq!(level("expired-suppression"), Some(Level::Warning));
    let settings = |id| configured.get(id).cloned().unwrap_or_default();
    assert_eq!(settings("deprecated-model").days("lead_days"), Some(90));
    assert_eq!(settings("max-tokens-ceiling").tokens("max"), Some(32000));
    assert_eq!(settings("site-monthly-cost").usd("max_usd"), Some(5000.0));
    for id in check_ids() {
        assert!(
            level(id).is_some(),
            "the default policy sets no level for {id}"
        );
    }
}

#[test]
fn the_starter_parses_and_agrees_with_the_default() {
    let starter = match Policy::parse("costlint.yaml", Policy::starter(), Path::new("")) {
        Ok(policy) => policy,
        Err(e) => panic!("the starter does not parse: {}", render(&e)),
    };
    let default = Policy::embedded_default();
    assert_eq!(starter.usage.default, default.usage.default);
    let (starter_checks, default_checks) = (configure(&starter), configure(&default));
    for id in check_ids() {
        let level = |p: &CheckSettings| p.get(id).and_then(|c| c.level);
        assert!(
            level(&starter_checks).is_some(),
            "the starter does not show check {id}"
        );
        assert_eq!(
            level(&starter_checks),
            level(&default_checks),
            "the starter and the default disagree on {id}"
        );
    }
    for section in [
        "pricing:",
        "deployments:",
        "usage:",
        "overrides:",
        "models:",
        "allow:",
        "deny:",
        "checks:",
        "budget:",
        "ignore:",
    ] {
        assert!(
            Policy::starter().contains(section),
            "the starter has no `{section}`"
        );
    }
}

#[test]
fn load_names_a_file_it_cannot_read() {
    let missing = fixtures().join("good/does-not-exist.yaml");
    let e = match Policy::load(&missing) {
        Ok(_) => panic!("a missing file should not load"),
        Err(e) => e,
    };
    assert!(e.message.contains("does-not-exist.yaml"), "{}", e.message);
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|e| panic!("canonicalize {}: {e}", path.display()))
}

/// `Policy::discover`, expected to succeed.
fn discover(start: &Path) -> Option<PathBuf> {
    Policy::discover(start).unwrap_or_else(|e| panic!("discover {}: {e}", start.display()))
}

#[test]
fn discover_refuses_what_looks_like_a_policy_but_is_not_one() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let repo = tmp.path();
    write(&repo.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&repo.join("a/costlint.yml"), "version: 1\n");
    let e = Policy::discover(&repo.join("a")).expect_err("costlint.yml is refused");
    assert!(e.message.contains("costlint.yml"), "{}", e.message);
    assert!(e.message.contains("`costlint.yaml`"), "{}", e.message);
    std::fs::create_dir_all(repo.join("b/costlint.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let e = Policy::discover(&repo.join("b")).expect_err("a folder is refused");
    assert!(e.message.contains("a folder"), "{}", e.message);
}

#[test]
fn discover_finds_the_nearest_policy_up_to_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let outer = tmp.path();
    let repo = outer.join("repo");
    write(&outer.join("costlint.yaml"), "version: 1\n");
    write(&repo.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&repo.join("services/api/app.py"), "");

    // Nothing inside the repository: the file above the repository root is not used.
    assert_eq!(discover(&repo.join("services/api")), None);
    assert_eq!(discover(&repo), None);

    // A hidden policy at the root is found from below and from a file.
    write(&repo.join(".costlint.yaml"), "version: 1\n");
    let hidden = canonical(&repo.join(".costlint.yaml"));
    assert_eq!(discover(&repo.join("services/api")), Some(hidden.clone()));
    assert_eq!(discover(&repo.join("services/api/app.py")), Some(hidden));

    // `costlint.yaml` wins over `.costlint.yaml`, and the nearest folder wins.
    write(&repo.join("costlint.yaml"), "version: 1\n");
    assert_eq!(
        discover(&repo.join("services")),
        Some(canonical(&repo.join("costlint.yaml")))
    );
    write(&repo.join("services/costlint.yaml"), "version: 1\n");
    let nearest = canonical(&repo.join("services/costlint.yaml"));
    assert_eq!(discover(&repo.join("services/api")), Some(nearest));

    // Outside any repository the search goes on up.
    write(&outer.join("plain/deep/x.txt"), "");
    assert_eq!(
        discover(&outer.join("plain/deep")),
        Some(canonical(&outer.join("costlint.yaml")))
    );
}

#[test]
fn budget_limits_take_a_number_or_a_level() {
    let text = "version: 1\nbudget:\n  max_monthly_increase_usd: 500\n  max_monthly_increase_pct: { max: 25, level: warning }\n  max_monthly_usd: { max: 20000 }\n";
    let policy = match Policy::parse("costlint.yaml", text, Path::new("")) {
        Ok(p) => p,
        Err(e) => panic!("{}", render(&e)),
    };
    let b = &policy.budget;
    assert_eq!(b.max_monthly_increase_usd, Some(500.0));
    assert_eq!(b.max_monthly_increase_pct, Some(25.0));
    assert_eq!(b.max_monthly_usd, Some(20000.0));
    // A level only where one is written: the others follow `checks: monthly-budget`.
    assert_eq!(b.level("max_monthly_increase_usd"), None);
    assert_eq!(b.level("max_monthly_increase_pct"), Some(Level::Warning));
    assert_eq!(b.level("max_monthly_usd"), None);

    let bad = "version: 1\nbudget:\n  max_monthly_usd: { max: 1, level: warn }\n";
    let e = match Policy::parse("costlint.yaml", bad, Path::new("")) {
        Ok(_) => panic!("a bad level parses"),
        Err(e) => e,
    };
    assert!(
        render(&e).contains("did you mean `warning`?"),
        "{}",
        render(&e)
    );
    let bad = "version: 1\nbudget:\n  max_monthly_usd: { level: warning }\n";
    assert!(Policy::parse("costlint.yaml", bad, Path::new("")).is_err());
}

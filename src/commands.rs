//! What each command does, between the parsed flags and the exit code.

use crate::catalog::{Catalog, ModelInfo};
use crate::checks;
use crate::cli::{
    CheckArgs, Cli, Color, Command, DiffArgs, ExplainArgs, FailOn, Format, InitArgs, ModelsArgs,
    Output, ScanArgs,
};
use crate::config::Policy;
use crate::date::Date;
use crate::diagnostic::Level;
use crate::engine::{default_threads, Engine, Report, ScanOptions};
use crate::error::InputError;
use crate::report::escape::escape;
use crate::report::{self, Mode};
use crate::walk;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit code of a command that ran, or the bad input that stopped it (exit 2).
pub type Outcome = Result<ExitCode, InputError>;

/// Runs the command `cli` names.
pub fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Check(args) => check(cli, args),
        Command::Scan(args) => scan(cli, args),
        Command::Diff(args) => diff(cli, args),
        Command::Models(args) => models(cli, args),
        Command::Init(args) => init(cli, args),
        Command::Explain(args) => explain(cli, args),
    }
}

/// The policy for `start` (a file or a folder): `--config`, else the policy file found from
/// it upward ([`Policy::discover`]), else the embedded default.
pub fn load_policy(cli: &Cli, start: &Path) -> Result<Policy, InputError> {
    if let Some(path) = &cli.global.config {
        return Policy::load(path);
    }
    match Policy::discover(start)? {
        Some(found) => Policy::load(&found),
        None => Ok(Policy::embedded_default()),
    }
}

/// The policies for `paths`, each with the path arguments it covers, in the order of the
/// arguments: each path uses the nearest policy file above it (up to the repository root), as
/// ruff and typos do, unless `--config` names one for everything. A policy found for several
/// paths is read once.
pub fn policies_for(
    cli: &Cli,
    paths: &[PathBuf],
) -> Result<Vec<(Policy, Vec<PathBuf>)>, InputError> {
    if cli.global.config.is_some() {
        let here = PathBuf::from(".");
        return Ok(vec![(load_policy(cli, &here)?, paths.to_vec())]);
    }
    // Groups by the policy file found (`None`: the embedded default).
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    for path in paths {
        let found = Policy::discover(path)?;
        match groups.iter_mut().find(|(file, _)| *file == found) {
            Some((_, covered)) => covered.push(path.clone()),
            None => groups.push((found, vec![path.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(file, covered)| {
            let policy = match file {
                Some(file) => Policy::load(&file)?,
                None => Policy::embedded_default(),
            };
            Ok((policy, covered))
        })
        .collect()
}

fn check_paths(paths: &[PathBuf]) -> Result<(), InputError> {
    for p in paths {
        if let Err(e) = std::fs::symlink_metadata(p) {
            return Err(
                InputError::plain(format!("cannot read `{}`: {e}", p.display()))
                    .in_file(p.display().to_string())
                    .with_help("pass files or folders that exist"),
            );
        }
    }
    Ok(())
}

/// Scans `args.paths`, each under its nearest policy, and hands the merged report and the
/// folder its paths are relative to to `then` (the report borrows the engines built here).
fn run_scan<R>(
    cli: &Cli,
    args: &ScanArgs,
    mode: Mode,
    then: impl FnOnce(&Report, &Path) -> Result<R, InputError>,
) -> Result<R, InputError> {
    check_paths(&args.paths)?;
    let policies = policies_for(cli, &args.paths)?;
    let engines = policies
        .iter()
        .map(|(policy, paths)| Ok((Engine::new(policy)?, paths)))
        .collect::<Result<Vec<_>, InputError>>()?;
    let opts = ScanOptions {
        threads: cli.global.threads.map_or_else(default_threads, usize::from),
        max_file_size: args.max_filesize,
        no_prefilter: args.no_prefilter,
    };
    let today = Date::today_checked().map_err(|why| {
        InputError::plain(why)
            .with_help("set COSTLINT_TODAY to a date such as 2026-11-25, or unset it")
    })?;
    // Every scan reports paths relative to the same folder, so that their reports merge.
    let root = walk::root_for(&args.paths);
    let reports = engines
        .iter()
        .map(|(engine, paths)| {
            let scan = engine.scan_from(paths, &root, &opts);
            engine.evaluate(scan, today, mode == Mode::Check)
        })
        .collect();
    let report = Report::merge(reports).ok_or_else(|| InputError::plain("nothing to scan"))?;
    then(&report, &root)
}

/// Writes the report: the `--format` output (or `--statistics`) to standard output or to a
/// plain `--output FILE`, and each `--output FORMAT=FILE` in its format. A file that cannot be
/// written is bad input.
fn print(
    cli: &Cli,
    output: &[Output],
    statistics: bool,
    report: &Report,
    root: &Path,
    mode: Mode,
    fail_on: Option<Level>,
) -> Result<(), InputError> {
    let read = |rel: &str| -> Option<String> {
        let mut bytes = match report.texts.get(rel) {
            Some(text) => text.clone().into_bytes(),
            None => std::fs::read(root.join(rel)).ok()?,
        };
        // Lines as the scan counted them: a lone carriage return is a line break.
        crate::engine::editor_line_breaks(&mut bytes);
        Some(String::from_utf8_lossy(&bytes).into_owned())
    };
    let docs = docs_url(cli)?;
    let options = |color: bool| report::Options {
        mode,
        color,
        quiet: cli.global.quiet,
        read: &read,
        fail_on,
        docs_url: docs.as_deref(),
    };
    let counts = report::statistics::Statistics {
        json: cli.global.format == Format::Json,
    };
    let main: &dyn report::Emitter = if statistics {
        &counts
    } else {
        cli.global.format.emitter()
    };
    let mut to_stdout = true;
    for target in output {
        let emitter = match target.format {
            Some(format) => format.emitter(),
            None => {
                to_stdout = false;
                main
            }
        };
        let cannot = |e: std::io::Error| {
            InputError::plain(format!("cannot write `{}`: {e}", target.path.display()))
                .in_file(target.path.display().to_string())
        };
        let file = std::fs::File::create(&target.path).map_err(cannot)?;
        let mut file = std::io::BufWriter::new(file);
        emitter
            .emit(report, &options(false), &mut file)
            .and_then(|()| file.flush())
            .map_err(cannot)?;
    }
    if to_stdout {
        let color = match cli.global.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`costlint check | head`) is not bad input.
        let _ = main.emit(report, &options(color), &mut out);
        let _ = out.flush();
    }
    Ok(())
}

/// Where costlint's README is published, for links to the documentation of checks:
/// `--docs-url`, else `COSTLINT_DOCS_URL` (the GitHub Action sets it to the README at the
/// action's own revision), else the package's `repository` if `Cargo.toml` names one, else
/// unknown: costlint never links to an address it was not given. A fragment is dropped (each
/// link adds its own); anything but an `http(s)` address without spaces or control characters
/// is bad input.
pub fn docs_url(cli: &Cli) -> Result<Option<String>, InputError> {
    let (given, from) = match &cli.global.docs_url {
        Some(url) => (url.clone(), "--docs-url"),
        None => match std::env::var("COSTLINT_DOCS_URL") {
            Ok(url) if !url.is_empty() => (url, "COSTLINT_DOCS_URL"),
            Ok(_) => return Ok(None),
            Err(std::env::VarError::NotPresent) => {
                let repository = env!("CARGO_PKG_REPOSITORY");
                return Ok((!repository.is_empty()).then(|| repository.to_string()));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(InputError::plain("COSTLINT_DOCS_URL is not UTF-8")
                    .with_help("set it to the address of costlint's README, or unset it"))
            }
        },
    };
    let url = given.split('#').next().unwrap_or_default();
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c));
    if host.is_empty() || !clean {
        return Err(InputError::plain(format!(
            "{from}=`{}` is not an http(s) address",
            escape(&given)
        ))
        .with_help(
            "give the address of costlint's README, e.g. \
             https://github.com/OWNER/costlint/blob/v1/README.md, or leave it unset",
        ));
    }
    Ok(Some(url.to_string()))
}

fn check(cli: &Cli, args: &CheckArgs) -> Outcome {
    let threshold = match args.fail_on {
        FailOn::Error => Some(Level::Error),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    let finish = |report: &Report, root: &Path| -> Outcome {
        print(
            cli,
            &args.scan.output,
            args.scan.statistics,
            report,
            root,
            Mode::Check,
            threshold,
        )?;
        let failed = matches!((threshold, report.max_level()), (Some(t), Some(m)) if m >= t);
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    };
    match &args.change.base {
        Some(base) => {
            let [path] = args.scan.paths.as_slice() else {
                return Err(InputError::plain(format!(
                    "`--base` compares one folder, {} were given",
                    args.scan.paths.len()
                ))
                .with_help("pass the repository folder once, or no path for the current one"));
            };
            let req = crate::diff::DiffRequest {
                base: base.clone(),
                head: args.change.head.clone(),
                all: args.change.all,
            };
            run_diff(cli, path, &req, args.scan.max_filesize, true, finish)
        }
        None => run_scan(cli, &args.scan, Mode::Check, finish),
    }
}

/// Hands the head's report with its `diff` section, and the folder its paths are relative to,
/// to `then` (the report borrows the engine built here).
fn run_diff<R>(
    cli: &Cli,
    path: &Path,
    req: &crate::diff::DiffRequest,
    max_file_size: u64,
    run_checks: bool,
    then: impl FnOnce(&Report, &Path) -> Result<R, InputError>,
) -> Result<R, InputError> {
    check_paths(std::slice::from_ref(&path.to_path_buf()))?;
    if !path.is_dir() {
        return Err(InputError::plain(format!(
            "`{}` is not a folder; a diff compares a repository folder",
            path.display()
        ))
        .with_help("pass the repository folder, or no path for the current one"));
    }
    let policy = load_policy(cli, path)?;
    let engine = Engine::new(&policy)?;
    let opts = ScanOptions {
        threads: cli.global.threads.map_or_else(default_threads, usize::from),
        max_file_size,
        no_prefilter: false,
    };
    let today = Date::today_checked().map_err(|why| {
        InputError::plain(why)
            .with_help("set COSTLINT_TODAY to a date such as 2026-11-25, or unset it")
    })?;
    let report = crate::diff::run(&engine, path, req, &opts, today, run_checks)?;
    then(&report, path)
}

fn diff(cli: &Cli, args: &DiffArgs) -> Outcome {
    let req = crate::diff::DiffRequest {
        base: args.base.clone(),
        head: args.head.clone(),
        all: args.all,
    };
    // `diff` never fails; its verdict is the one `check --base` would give by default.
    run_diff(
        cli,
        &args.path,
        &req,
        args.max_filesize,
        true,
        |report, root| {
            print(
                cli,
                &[],
                false,
                report,
                root,
                Mode::Check,
                Some(Level::Error),
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

fn scan(cli: &Cli, args: &ScanArgs) -> Outcome {
    run_scan(cli, args, Mode::Scan, |report, root| {
        print(
            cli,
            &args.output,
            args.statistics,
            report,
            root,
            Mode::Scan,
            None,
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn models(cli: &Cli, args: &ModelsArgs) -> Outcome {
    let policy = load_policy(cli, Path::new("."))?;
    // A policy with a mistake is bad input whatever the command.
    checks::configure(&policy)?;
    let catalog = crate::engine::load_pricing(&policy)?;
    let pattern = args.pattern.as_deref().unwrap_or("*");
    let (found, resolved_note) = find_models(&catalog, pattern, &policy.deployments);
    if cli.global.format == Format::Json {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "version": report::json::VERSION,
            "as_of": catalog.as_of(),
            "models": found.iter().map(|m| model_json(m)).collect::<Vec<_>>(),
            "note": resolved_note,
        }))
        .unwrap_or_default();
        println!("{text}");
        return Ok(found_code(&found));
    }
    if found.is_empty() {
        // Not bad input: an answer, "none", like grep's exit 1.
        let near = catalog.suggest(pattern, 5);
        let mut out = format!("No model in the catalog matches `{}`.\n", escape(pattern));
        if !near.is_empty() {
            out.push_str(&format!("Nearest: {}\n", escape(&near.join(", "))));
        }
        let _ = std::io::stdout().write_all(out.as_bytes());
        return Ok(found_code(&found));
    }
    print_models(&catalog, &found, resolved_note);
    Ok(ExitCode::SUCCESS)
}

/// `models` answers like grep: 0 when something matched, 1 when nothing did.
fn found_code(found: &[&ModelInfo]) -> ExitCode {
    if found.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The entries `costlint models PATTERN` lists. A glob lists the ids it matches. Any other
/// pattern is first resolved the way `scan` resolves a name written in code: the entry it
/// resolves to comes first, then the same model on other hosts and routes; a note says how it
/// resolved when that was not the name itself. A pattern that does not resolve is a substring.
fn find_models<'a>(
    catalog: &'a Catalog,
    pattern: &str,
    deployments: &std::collections::BTreeMap<String, String>,
) -> (Vec<&'a ModelInfo>, Option<String>) {
    let glob = pattern.contains(['*', '?', '[']);
    let resolved = (!glob).then(|| catalog.resolve(pattern, deployments));
    let Some(info) = resolved
        .as_ref()
        .and_then(|r| r.id())
        .and_then(|id| catalog.get(id))
    else {
        return (catalog.search(pattern), None);
    };
    let note = resolved
        .filter(|_| info.id != pattern)
        .map(|r| format!("`{pattern}` resolves to `{}` ({r}).", info.id));
    let mut found = vec![info];
    found.extend(catalog.routes(&info.id));
    (found, note)
}

fn model_json(m: &ModelInfo) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "provider": m.provider,
        "input_usd_per_mtok": m.price.input.to_string(),
        "cached_input_usd_per_mtok": m.price.cached_input.map(|r| r.to_string()),
        "output_usd_per_mtok": m.price.output.to_string(),
        "context_window": m.context_window,
        "max_output": m.max_output,
        "deprecation": m.deprecation,
        "replacement": m.replacement,
        "as_of": m.as_of,
        "source": m.source,
    })
}

fn print_models(catalog: &Catalog, found: &[&ModelInfo], note: Option<String>) {
    let mut out = String::new();
    use std::fmt::Write as _;
    if let Some(n) = note {
        let _ = writeln!(out, "{}", escape(&n));
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|m| {
            let dep = match (&m.deprecation, &m.replacement) {
                (Some(d), Some(r)) => format!("{d} → {r}"),
                (Some(d), None) => d.to_string(),
                (None, Some(r)) => format!("→ {r}"),
                (None, None) => String::new(),
            };
            let n = |v: Option<u64>| v.map_or("-".to_string(), crate::cost::thousands);
            vec![
                m.id.clone(),
                format!("${}", m.price.input),
                m.price
                    .cached_input
                    .map_or("-".to_string(), |r| format!("${r}")),
                format!("${}", m.price.output),
                n(m.context_window),
                n(m.max_output),
                dep,
            ]
        })
        .collect();
    let head = [
        "model",
        "input/1M",
        "cached/1M",
        "output/1M",
        "context",
        "max output",
        "deprecated",
    ];
    let right = [false, true, true, true, true, true, false];
    report::table::render(&head, &rows, &right, &mut out);
    let _ = writeln!(
        out,
        "\n{} {}; prices in USD per 1M tokens{}.",
        found.len(),
        if found.len() == 1 { "model" } else { "models" },
        catalog
            .as_of()
            .map(|d| format!(", as of {d}"))
            .unwrap_or_default()
    );
    let _ = std::io::stdout().write_all(out.as_bytes());
}

fn init(cli: &Cli, args: &InitArgs) -> Outcome {
    if args.path.exists() && !args.force {
        return Err(
            InputError::plain(format!("`{}` already exists", args.path.display()))
                .in_file(args.path.display().to_string())
                .with_help("pass --force to overwrite it"),
        );
    }
    std::fs::write(&args.path, Policy::starter()).map_err(|e| {
        InputError::plain(format!("cannot write `{}`: {e}", args.path.display()))
            .in_file(args.path.display().to_string())
    })?;
    if cli.global.format == Format::Json {
        print_json(&serde_json::json!({
            "version": report::json::VERSION,
            "wrote": args.path.display().to_string(),
        }));
    } else {
        println!(
            "wrote {} — edit it, then run `costlint check`",
            escape(&args.path.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(value: &serde_json::Value) {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn check_json(c: &checks::Check) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "default_level": c.default_level.as_str(),
        "options": c.option_names(),
        "summary": c.summary,
        "docs": c.docs,
    })
}

fn explain(cli: &Cli, args: &ExplainArgs) -> Outcome {
    let json = cli.global.format == Format::Json;
    let Some(id) = &args.check else {
        if json {
            print_json(&serde_json::json!({
                "version": report::json::VERSION,
                "checks": checks::ALL.iter().map(|c| check_json(c)).collect::<Vec<_>>(),
            }));
            return Ok(ExitCode::SUCCESS);
        }
        let mut out = String::from("Checks (configure under `checks:` in costlint.yaml):\n\n");
        for c in checks::ALL {
            out.push_str(&format!(
                "  {:<26} {:<8} {}\n",
                c.id,
                c.default_level.as_str(),
                c.summary
            ));
        }
        out.push_str("\n`costlint explain CHECK` shows one check's documentation.\n");
        let _ = std::io::stdout().write_all(out.as_bytes());
        return Ok(ExitCode::SUCCESS);
    };
    let Some(c) = checks::find(id) else {
        let mut e = InputError::plain(format!("unknown check `{id}`"));
        e = match crate::error::did_you_mean(id, checks::ALL.iter().map(|c| c.id)) {
            Some(s) => e.with_help(format!("did you mean `{s}`?")),
            None => e.with_help("`costlint explain` lists the checks"),
        };
        return Err(e);
    };
    if json {
        print_json(&serde_json::json!({
            "version": report::json::VERSION,
            "check": check_json(c),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} (default level: {})\n\n{}\n\n{}",
        c.id, c.default_level, c.summary, c.docs
    );
    Ok(ExitCode::SUCCESS)
}

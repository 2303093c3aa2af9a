//! Property tests over untrusted text: the policy parser, `costlint:` directives, extraction on
//! mutated fixture files, and the prefilter's promise that it never changes a result.
//!
//! Each property runs a few dozen cases in `cargo test` (seconds); set `COSTLINT_FUZZ_CASES` to
//! run more, e.g. the long form:
//!
//! ```sh
//! COSTLINT_FUZZ_CASES=100000 cargo test --release --test fuzz
//! ```
//!
//! A failure prints the smallest input proptest found, and proptest keeps its seed in
//! `tests/fuzz.proptest-regressions` so that the next run tries it first.

use costlint::config::Policy;
use costlint::engine::{Engine, ReadOutcome};
use costlint::extract::FileFacts;
use costlint::files::{FileResult, PackedFile};
use costlint::lang::Lang;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Cases per property: `COSTLINT_FUZZ_CASES`, from a random seed, to explore; else `default`,
/// from a fixed seed, so that `cargo test` gives the same verdict on every run.
fn config(default: u32) -> Config {
    let long = std::env::var("COSTLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    Config {
        cases: long.unwrap_or(default),
        rng_seed: match long {
            Some(_) => proptest::test_runner::RngSeed::Random,
            None => proptest::test_runner::RngSeed::Fixed(2026),
        },
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        // Shrinking a failure of a long run may take a while; a short run stays short.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// Every file under `fixtures/` in a format costlint parses: its path from `fixtures/`, its
/// format and its bytes.
fn fixture_files() -> &'static [(String, Lang, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Lang, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if p.is_dir() {
                    stack.push(p);
                } else if let Some(lang) = Lang::for_path(&p) {
                    let rel = p.strip_prefix(&root).unwrap_or(&p);
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    if let Ok(bytes) = std::fs::read(&p) {
                        out.push((rel, lang, bytes));
                    }
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(out.len() > 100, "too few fixture files: {}", out.len());
        out
    })
}

fn engine() -> &'static Engine<'static> {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    static ENGINE: OnceLock<Engine<'static>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let policy = POLICY.get_or_init(Policy::embedded_default);
        Engine::new(policy).unwrap_or_else(|e| panic!("engine: {e:?}"))
    })
}

/// What a scan reports of one file's facts, in a form two runs can be compared by: the facts
/// of a file with nothing to report are dropped, as the scan drops them.
///
/// Known gap, left out of the comparison: whether the file is listed in the summary's
/// `syntax_errors`. An outline blanks bodies that hold nothing to report, and a syntax error in
/// one (a stray NUL byte in a test's mock) is not seen, where the whole file's parse sees it.
fn reported(outcome: ReadOutcome) -> (String, bool) {
    match outcome {
        ReadOutcome::Skipped(why) => (format!("skipped: {why}"), false),
        ReadOutcome::Filtered => (String::new(), false),
        ReadOutcome::Parsed { facts, lossy } => {
            let FileFacts {
                refs,
                limits,
                sites,
                directives,
                problems,
                dynamic_models,
                had_syntax_errors,
            } = &facts;
            let empty = refs.is_empty()
                && limits.is_empty()
                && directives.is_empty()
                && problems.is_empty()
                && *dynamic_models == 0;
            if empty {
                return (String::new(), false);
            }
            let _ = had_syntax_errors;
            (
                format!(
                    "refs: {refs:#?}\nlimits: {limits:#?}\nsites: {sites:#?}\n\
                     directives: {directives:#?}\nproblems: {problems:#?}\n\
                     dynamic: {dynamic_models}\nlossy: {lossy}"
                ),
                true,
            )
        }
    }
}

/// The file `rel` of format `lang` scanned with the prefilter and without it reports the same.
fn assert_prefilter_equivalent(rel: &str, lang: Lang, bytes: &[u8]) -> Result<(), TestCaseError> {
    let e = engine();
    let (with, _) = reported(e.extract_bytes(rel, lang, bytes.to_vec(), false));
    let (without, _) = reported(e.extract_bytes(rel, lang, bytes.to_vec(), true));
    prop_assert_eq!(
        with,
        without,
        "{} ({:?}) differs with and without the prefilter; bytes: {:?}",
        rel,
        lang,
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

/// Bytes that tend to break parsers, outlines and line counts when dropped into code.
const PIECES: &[&[u8]] = &[
    b"[",
    b"]",
    b"{",
    b"}",
    b"(",
    b")",
    b"\"",
    b"'",
    b"`",
    b"\"\"\"",
    b"\r",
    b"\n",
    b"\r\n",
    b"\0",
    b"\xff",
    b"\xe2\x82",
    b"\xc3\xa9",
    b"#",
    b"//",
    b"/*",
    b"*/",
    b"\\",
    b" ",
    b"    ",
    b"\t",
    b":",
    b",",
    b";",
    b"=",
    b"?",
    b"${",
    b"-",
    b"def f():\n    ",
    b"class A:\n",
    b"function f() {",
    b"model=",
    b"model: ",
    b"\"model\": ",
    b"MODEL = ",
    b"max_tokens=",
    b"maxOutputTokens: ",
    b"max_output_tokens: ",
    b"OPENAI_MAX_TOKENS=",
    b"\"gpt-4o\"",
    b"'claude-sonnet-4-6'",
    b"gpt-5.4",
    b"acme-7",
    b"8000",
    b"0x1F40",
    b"MAX",
    b"os.getenv(\"M\", ",
    b"openai(",
    b"# costlint: ignore[all]\n",
    b"// costlint: usage calls_per_day=9\n",
];

/// One edit of a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Insert a piece at a position (a fraction of the length, so it fits any file).
    Insert(usize, usize),
    /// Remove up to `len` bytes at a position.
    Delete(usize, usize),
    /// Copy a slice of the file to another position.
    Duplicate(usize, usize, usize),
    /// Replace one byte with another.
    Replace(usize, u8),
    /// Make every line end of the file a lone carriage return, or a CR LF.
    LineEnds(bool),
    /// Cut the file short.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), 0..PIECES.len()).prop_map(|(at, p)| Mutation::Insert(at, p)),
        3 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        2 => (any::<usize>(), 1usize..200, any::<usize>())
            .prop_map(|(from, n, to)| Mutation::Duplicate(from, n, to)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        1 => any::<bool>().prop_map(Mutation::LineEnds),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |x: usize, len: usize| if len == 0 { 0 } else { x % (len + 1) };
    match *m {
        Mutation::Insert(x, p) => {
            let i = at(x, bytes.len());
            bytes.splice(i..i, PIECES[p].iter().copied());
        }
        Mutation::Delete(x, n) => {
            let i = at(x, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Duplicate(from, n, to) => {
            let i = at(from, bytes.len());
            let end = (i + n).min(bytes.len());
            let piece = bytes[i..end].to_vec();
            let j = at(to, bytes.len());
            bytes.splice(j..j, piece);
        }
        Mutation::Replace(x, b) => {
            if !bytes.is_empty() {
                let i = x % bytes.len();
                bytes[i] = b;
            }
        }
        Mutation::LineEnds(lone) => {
            let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
            for &b in bytes.iter() {
                match (b, lone) {
                    (b'\n', true) => out.push(b'\r'),
                    (b'\n', false) => out.extend_from_slice(b"\r\n"),
                    _ => out.push(b),
                }
            }
            *bytes = out;
        }
        Mutation::Truncate(x) => {
            let i = at(x, bytes.len());
            bytes.truncate(i);
        }
    }
}

/// A fixture file and a few edits of it.
fn mutated_fixture() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (
        0..fixture_files().len(),
        proptest::collection::vec(mutation(), 1..6),
    )
}

fn mutated(file: usize, edits: &[Mutation]) -> (&'static str, Lang, Vec<u8>) {
    let (rel, lang, bytes) = &fixture_files()[file];
    let mut bytes = bytes.clone();
    for m in edits {
        apply(&mut bytes, m);
    }
    (rel, *lang, bytes)
}

#[test]
fn every_fixture_file_reports_the_same_with_and_without_the_prefilter() {
    for (rel, lang, bytes) in fixture_files() {
        if let Err(e) = assert_prefilter_equivalent(rel, *lang, bytes) {
            panic!("{e}");
        }
    }
}

/// The kinds of broken file the mutation tests found to differ with and without the prefilter,
/// one hand-written case each: a block comment never closed or holding a NUL byte (the parser
/// reads on as code), a limit name and its `=` or `:` on different lines, a conditional limit
/// value, a limit whose value is a name in a file another token brings in, a name that only
/// loses its separators to a limit's (`max_-tokens`), a Kubernetes entry whose name starts
/// with a byte that is not UTF-8, a file with invalid UTF-8 or a syntax error inside a body an
/// outline would blank, a docstring glued to a name, a model key written as a dotted path, a
/// lookup's default, a backtick in Python, a `//` line that closes a block comment, and a
/// limit's value on the line after its `=`, a digit separator before any digit, a model in
/// parentheses, comments around a key's `=`, a constant's `=` on the line below, a string left
/// open at a line's end, and a number that starts with a point.
#[test]
fn broken_files_report_the_same_with_and_without_the_prefilter() {
    let padding = "  it('pads the file', () => { expect(1).toBe(1); });\n".repeat(30);
    // Bodies with nothing to report, which an outline blanks.
    let py_pad: String = (0..40)
        .map(|i| {
            format!("def pad_{i}():\n    x = {{\"a\": {i}, \"b\": [1, 2, 3]}}\n    assert x\n\n")
        })
        .collect();
    let py_dict: String = (0..80)
        .map(|i| format!("    \"k{i}\": [1, 2, 3],\n"))
        .collect();
    let cases: Vec<(&str, Lang, Vec<u8>)> = vec![
        (
            "unclosed.ts",
            Lang::TypeScript,
            b"/**\n * docs\n *   const a = createAgent({ model: \"openai:gpt-4o\", maxTokens: 1000 })"
                .to_vec(),
        ),
        (
            "nul.ts",
            Lang::TypeScript,
            b"/**\n * \0 const a = createAgent({ model: \"openai:gpt-4o\", maxTokens: 1000 });\n */\n"
                .to_vec(),
        ),
        (
            "nul.py",
            Lang::Python,
            b"# \0 client.create(model=\"gpt-4o\", max_tokens=100)\nx = 1\n".to_vec(),
        ),
        (
            "split.ts",
            Lang::TypeScript,
            b"const opts = { maxOutputTokens\n: 300 };\nawait generateText({ model: openai(\"gpt-5-mini\"), ...opts });\n"
                .to_vec(),
        ),
        (
            "split.py",
            Lang::Python,
            b"CONFIG = types.GenerateContentConfig(max_output_tokens\r\n=512)\nclient.models.generate_content(model=\"gemini-2.5-flash\", config=CONFIG)\n"
                .to_vec(),
        ),
        (
            "conditional.ts",
            Lang::TypeScript,
            b"generateText({\n  model: openai(\"MAXgpt-5.4\"),\n  maxOutputTokens: isVision ? 4096 : undefined,\n})"
                .to_vec(),
        ),
        (
            "runtime.py",
            Lang::Python,
            b"llm = ChatOpenAI(model=\"o3-mini\", model_kwargs={\"max_completion_tokens\": M000})\n"
                .to_vec(),
        ),
        (
            "spelling.py",
            Lang::Python,
            b"params = {\"max_-tokens\": 700}\nclient.create(model=\"gpt-5-mini\", **params)\n".to_vec(),
        ),
        (
            "values.yaml",
            Lang::Yaml,
            b"env:\n  - {name: \xffSUMMARY_MAX_OUTPUT_TOKENS, value: \"600\"}\n".to_vec(),
        ),
        // An assignment nested in an expression is no definition, with or without hits.
        (
            "switch.ts",
            Lang::TypeScript,
            b"function f(kind) {\n  let limit = 400;\n  switch (kind) {\n    case 1:-\n      limit = 1200;\n  }\n  return generateText({ model: openai(\"gpt-5.4-mini\"), maxOutputTokens: limit });\n}\n"
                .to_vec(),
        ),
        // Junk before an annotated definition in a body the outline would blank.
        (
            "junk.py",
            Lang::Python,
            format!("if ready:\n    // LIMIT: int = 640\n    done = True\n\n\n{py_pad}class T:\n    def run(self):\n        return client.create(model=\"gpt-5.4\", max_tokens=LIMIT)\n")
                .into_bytes(),
        ),
        // Syntax errors that recovery could carry past a blanked body.
        (
            "dict.py",
            Lang::Python,
            format!("MOCK = {{\n    ?\"id\": 1,\n{py_dict}}}\n\n\nclass T:\n    def run(self):\n        return client.create(model=\"gpt-5.4\", max_tokens=300)\n")
                .into_bytes(),
        ),
        (
            "dedent.py",
            Lang::Python,
            format!("class T:\n  # costlint: ignore[all]\n  def a(self):\n        x = 1\n\n    def b(self):\n        return client.create(model=\"gpt-5.4\", max_tokens=300)\n{py_pad}")
                .into_bytes(),
        ),
        (
            "glued.py",
            Lang::Python,
            format!("from openai import OpenA\"\"\"I\n\n{py_pad}def run():\n    return client.create(model=\"gpt-5.4\", max_tokens=300)\n\ndef doc():\n    text = \"\"\"x\"\"\"\n")
                .into_bytes(),
        ),
        // A subscript whose `]` is on a line of its own.
        (
            "subscript.py",
            Lang::Python,
            b"params = {}\nparams[\"max_tokens\"\n\n] = 8000\n".to_vec(),
        ),
        // A `//` line that starts inside a template literal, closed before the call.
        (
            "template.ts",
            Lang::TypeScript,
            b"const note = `\n// ` + generateText({ model: openai(\"gpt-5.4-mini\"), maxOutputTokens: 700 });\n"
                .to_vec(),
        ),
        // An annotation that runs into the next model key.
        (
            "overlap.py",
            Lang::Python,
            b"def ask(prompt: str, model: st, model:r = \"acme-5.-4\"):\n    pass\n".to_vec(),
        ),
        // Environment names that are no variable names.
        (
            "values.yaml",
            Lang::Yaml,
            b"env:\n  - {name: SUMM$RY_MODEL, value: acme-7e-haiku-4-5}\n  - {name: SUMMAR\"Y_MAX_OUTPUT_TOKENS, value: \"600\"}\n"
                .to_vec(),
        ),
        (
            ".env",
            Lang::Env,
            b"OPENAI_M-ODEL=gptb5.4\n".to_vec(),
        ),
        // A docstring glued to a name: its closing quotes must not open a string that runs
        // over the call below.
        (
            "glued-docstring.py",
            Lang::Python,
            b"def ask(qu\"\"\"Asks claude-haiku-4-5 nothing.\"\"\"\n    client.messages.create(\n        model=\"claude-sonnet-4-6\",\n        max_tokens=900,\n    )\n\ndef other():\n    \"\"\"Other.\"\"\"\n"
                .to_vec(),
        ),
        // A syntax error inside a body the outline blanks, which the whole file's parse
        // carries over the call around it.
        ("blanked-error.test.ts", Lang::TypeScript, {
            let mut b = padding.clone().into_bytes();
            b.extend_from_slice(
                b"it('x', async () => {\n  await generateText({\n    model: pickModel({ t    ier: 'fast' }) || 'acme-fallback-2',\n    maxOutputTokens: 256,\n  });\n});\n",
            );
            b.extend_from_slice(padding.as_bytes());
            b
        }),
        // A model key written as a dotted path, with a non-text word before its last part.
        (
            "members.py",
            Lang::Python,
            b"client.videos.cre_model_id = \"dm_01j0pb465keqmatq9k83dthx34\"\nclient.deployment_id = \"acme-7-prod\"\n".to_vec(),
        ),
        // A limit's value that starts on the line after its `=`.
        (
            "next-line.py",
            Lang::Python,
            b"LIMIT_MAX_TOKENS =\r int(os.getenv(\"LIMIT_MAX_TOKENS\", \"2000\"))\n\ndef run(args):\n    return client.create(model=args.model, max_tokens=LIMIT_MAX_TOKENS)\n".to_vec(),
        ),
        (
            "next-line.ts",
            Lang::TypeScript,
            b"const MAX_TOKENS =\n  Number(process.env.X ?? 4000);\nexport const run = (m) => generateText({ model: m, maxOutputTokens: MAX_TOKENS });\n".to_vec(),
        ),
        // A constant whose `=` is on the line below its name, read through a limit.
        (
            "split-constant.ts",
            Lang::TypeScript,
            b"const LIMIT\r = 1200;\nexport const ask = () => generateText({ model: pick(), maxOutputTokens: LIMIT,[ x });\n".to_vec(),
        ),
        // A string left open at the end of a line, before a comment the parser may read as
        // part of it.
        (
            "open-string.py",
            Lang::Python,
            b"def is_reasoning(name):\"\n    # Comparisons.\n#    if name == \"o3-mini\" or name in (\" (\"o4-mini\"".to_vec(),
        ),
        // Comments between a key, its `=` or `:` and its value.
        (
            "comments.py",
            Lang::Python,
            b"client.create(\n    model  # the model\n    =\"acme-x-9\",\n    max_tokens\t# the cap\n    =1000,\n)\n".to_vec(),
        ),
        (
            "comments.ts",
            Lang::TypeScript,
            b"generateText({\n  model: // the model\n    \"acme-x-9\",\n  maxOutputTokens /* cap */ : 1000,\n});\n".to_vec(),
        ),
        // A model in parentheses, unknown to the catalog.
        (
            "parenthesized.py",
            Lang::Python,
            b"client.chat.completions.create(model=(\"acme-x-9\"))\n".to_vec(),
        ),
        // A value that starts with a point: no number.
        (".env.example", Lang::Env, b"OPENAI_MAX_TOKENS=.000\r\n".to_vec()),
        // A separator that stands before any digit: no number.
        (
            "separator.py",
            Lang::Python,
            b"LIMIT_MAX_TOKENS = int(os.getenv(\"LIMIT_MAX_TOKENS\", \"_000\"))\n\ndef run(args):\n    return client.create(model=args.model, max_tokens=LIMIT_MAX_TOKENS)\n".to_vec(),
        ),
        // A `//` line whose `*/` closes a block comment left open above.
        (
            "reopened.ts",
            Lang::TypeScript,
            b"/**\n * Example.\n \x01/\nimport { x } from \"./x\";\n//*/ generateText({ model: \"claude-sonnet-4-5\", maxOutputTokens: 512 })\n".to_vec(),
        ),
        // A model the catalog does not know, as a lookup's default: the file's only hit.
        (
            "env-default.ts",
            Lang::TypeScript,
            b"export const fromEnv = { model: env.get('EDGE_MODEL', 'acme-env-4') }\n".to_vec(),
        ),
        // A backtick, which the Python grammar takes for a quote, before a `#`.
        (
            "backtick.py",
            Lang::Python,
            b"client.create(mo`del=\"x\")  #`del=\"gpt-5.5-pro\")  # never\n".to_vec(),
        ),
        // A name the parser reads as a key after a syntax error (`7.` is a number), whose
        // written key holds a non-text word.
        (
            "float-member.py",
            Lang::Python,
            b"settings.speechacme-7.model = \"acme-voice-2\"\n".to_vec(),
        ),
        // A parameter with two annotations: the parser recovers the default for `modmodel`.
        (
            "two-annotations.pyi",
            Lang::Python,
            b"def ask(prompt: str, modmodel: el: str = \"acme-stub-5.4\") -> str: ...\n"
                .to_vec(),
        ),
        // Valid code of the same kind: annotations the prefilter's key pattern does not read.
        (
            "quoted-annotation.py",
            Lang::Python,
            b"def ask(prompt: str, model: \"str\" = \"acme-stub-5.4\") -> str: ...\n".to_vec(),
        ),
        (
            "literal-annotation.py",
            Lang::Python,
            b"class Settings:\n    model: Literal[\"fast\"] = \"acme-cls-2\"\n".to_vec(),
        ),
        // A directive covers the next statement: a class whose last body the outline blanks,
        // and the first statement of a body under a header the directive ends.
        ("directive-before-class.py", Lang::Python, {
            format!(
                "LIMIT = 640  # costlint: ignore[all]\n\nclass Suite:\n    def test_call(self):\n        return client.create(model=\"gpt-5.4\", max_tokens=LIMIT)\n\n    def test_pad(self):\n        x = {{\n{py_dict}        }}\n        assert x\n        # done\n\n\nclient.create(model=\"gpt-5.4\", max_tokens=9)\n"
            )
            .into_bytes()
        }),
        ("directive-on-header.py", Lang::Python, {
            format!(
                "def helper():  # costlint: ignore[all]\n    x = {{\n{py_dict}    }}\n    return x\n\n\nclient.create(model=\"gpt-5.4\", max_tokens=100)\n"
            )
            .into_bytes()
        }),
        // After a syntax error tree-sitter reads a triple-quoted string on as code, with the
        // string its scanner had opened forgotten; Python's tokenizer (and the prefilter) read
        // a string. A mutation of `lang/python/test_outline.py`.
        (
            "recovered-string.py",
            Lang::Python,
            br#""""A Python test module as large suites write them: costlint parses its outline (indented
    # A limit constant defined at module level in a block that holds nothing else; a call
    # below uses it, and the whole module follows the name into this block.
    SUMMARY_LIMIT: int = 640
    LIMITS_READY = True


class TestChat:
    def test_mock_client(self):
        mock = MagicMock()
        mock.chat.completions.create.return_value = json.loads(json.dumps(MOCK_RESPONSE))
        assert mock.chat.completions.create().choices

    def test_mock_model_id(self):
        response = {"model": "mock-model", "id": "id-0"}
        assert response["model"] == "mock-model"

    def test_production_call(self):
        # c"]["body"]["text"] == "}"

    @pytest.mark.parametrize("value", ["a:", "b:"])
    def test_strings_with_colons(self, value):
        text = """not a header:
        """ostlint: usage calls_per_day=300 input_tokens=800
            messages=[{"role": "user", "content": "Summarise: {ticket}"}],
    def test_fallback_after_call(self):
        model = pick_model({"tier": "fast"}) or "acme-py-3"
        """"#
                .to_vec(),
        ),
        // Indentation as the parser counts it (a tab is eight columns): four spaces under
        // `\t\tdef f():` are a dedent, not its body.
        ("mixed-indent.py", Lang::Python, {
            let mut s = String::from("from openai import OpenAI\n\n\nclass TestReplies:\n");
            for i in 0..12 {
                s += &format!(
                    "\tdef test_reply_{i}(self):\n\t\treply = {{\"text\": \"ok {i}\", \"parts\": [1, 2, 3]}}\n"
                );
                s += if i == 2 { "\t\tdef f():\n    " } else { "\t\t" };
                s += "assert reply[\"text\"].startswith(\"ok\")\n\n";
            }
            s += "\tdef test_live(self):\n\t\treturn OpenAI().chat.completions.create(model=\"gpt-5.4\", max_tokens=120)\n";
            s.into_bytes()
        }),
        // A parameter's default names the model and the body, with nothing to report, is
        // blanked by the outline: the site is the same either way.
        (
            "default-parameter.py",
            Lang::Python,
            format!("{py_pad}def summarise(prompt, model=\"gpt-5-nano\", max_tokens=100):\n    return client.chat.completions.create(messages=[prompt])\n")
                .into_bytes(),
        ),
        // A number glued to the front of a name's definition: the parser reads the name.
        (
            "glued.ts",
            Lang::TypeScript,
            b"const 8000LIMIT = 1200;\n\nexport const ask = () => generateText({ maxOutputTokens: LIMIT });\n"
                .to_vec(),
        ),
        // A bytes literal as a model key's value: extraction reads it as a string.
        (
            "bytes.py",
            Lang::Python,
            b"settings.llm.deployment_id = b\"acme-7-prod\"\n".to_vec(),
        ),
        // A closing bracket inside a string of a limit's definition.
        (
            "bracket-in-string.py",
            Lang::Python,
            b"import os\n\nLIMIT = os.getenv(\"]LIMIT\", \"2000\")\n\n\ndef run(args):\n    return client.create(model=args.model, max_tokens=LIMIT)\n"
                .to_vec(),
        ),
        // A placeholder's default in quotes (valid shell).
        (
            ".env",
            Lang::Env,
            b"SUMMARY_MODEL=${SUMMARY_MODEL-\"acme-env-4.5\"}\n".to_vec(),
        ),
        ("lossy.test.ts", Lang::TypeScript, {
            let mut b = padding.clone().into_bytes();
            b.extend_from_slice(
                b"it('x', async () => {\n  await generateText({\n    model: pick({ tier: 'fast'\x99}) || 'acme-fallback-2',\n    maxOutputTokens: 256,\n  });\n});\n",
            );
            b.extend_from_slice(padding.as_bytes());
            b
        }),
    ];
    for (rel, lang, bytes) in cases {
        if let Err(e) = assert_prefilter_equivalent(rel, lang, &bytes) {
            panic!("{e}");
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// The prefilter (and the outlines and walk shortcuts its hits drive) never changes what is
    /// reported of a file, however broken the file.
    #[test]
    fn mutated_fixtures_report_the_same_with_and_without_the_prefilter(
        (file, edits) in mutated_fixture()
    ) {
        let (rel, lang, bytes) = mutated(file, &edits);
        assert_prefilter_equivalent(rel, lang, &bytes)?;
    }

    /// Extraction never panics, and every span it reports lies in the file, on lines counted as
    /// an editor counts them.
    #[test]
    fn extraction_of_mutated_fixtures_stays_in_the_file((file, edits) in mutated_fixture()) {
        let (rel, lang, bytes) = mutated(file, &edits);
        let mut text = bytes.clone();
        costlint::engine::editor_line_breaks(&mut text);
        let text = String::from_utf8_lossy(&text);
        let lines = text.split('\n').count() as u32;
        if let ReadOutcome::Parsed { facts, .. } =
            engine().extract_bytes(rel, lang, bytes.clone(), false)
        {
            let spans = facts
                .refs
                .iter()
                .map(|r| r.span)
                .chain(facts.limits.iter().map(|l| l.span))
                .chain(facts.sites.iter().map(|s| s.span))
                .chain(facts.directives.iter().map(|d| d.span))
                .chain(facts.problems.iter().map(|p| p.0));
            for s in spans {
                prop_assert!(s.start_byte <= s.end_byte && s.end_byte <= text.len(), "{s:?}");
                prop_assert!(s.line >= 1 && s.end_line <= lines, "{s:?} of {lines} lines");
                prop_assert_eq!(
                    (s.line, s.column),
                    costlint::diagnostic::line_col(&text, s.start_byte)
                );
            }
        }
    }

    /// A file's facts come back from packing as they went in (a report holds files packed and
    /// unpacks them to write its output).
    #[test]
    fn packed_facts_of_mutated_fixtures_unpack_unchanged((file, edits) in mutated_fixture()) {
        let (rel, lang, bytes) = mutated(file, &edits);
        if let ReadOutcome::Parsed { facts, .. } =
            engine().extract_bytes(rel, lang, bytes.clone(), false)
        {
            let file = FileResult {
                path: rel.to_string(),
                policy_path: Some(format!("sub/{rel}")),
                lang,
                facts,
            };
            let before = format!("{file:?}");
            prop_assert_eq!(format!("{:?}", PackedFile::pack(file).unpack()), before);
        }
    }

    /// Any text in a `costlint:` comment is a directive or a reported problem; the parser never
    /// panics, and never silences anything by accident.
    #[test]
    fn directives_parse_or_are_reported(
        body in directive_text(),
        lang in prop_oneof![Just("py"), Just("ts"), Just("yaml")],
    ) {
        let comment = if lang == "ts" { "//" } else { "#" };
        let call = match lang {
            "py" => "client.create(model=\"gpt-4o\", max_tokens=100)\n",
            "ts" => "await generateText({ model: openai(\"gpt-4o\"), maxOutputTokens: 100 });\n",
            _ => "model: gpt-4o\nmax_tokens: 100\n",
        };
        let text = format!("{comment} costlint: {body}\n{call}");
        let rel = format!("app.{lang}");
        let e = engine();
        let mut ex = costlint::extract::Extractor::new();
        let Some(file) = e.check_source(&mut ex, &rel, &text) else {
            return Err(TestCaseError::fail("not a source file"));
        };
        let facts = &file.facts;
        prop_assert_eq!(
            facts.directives.len() + facts.problems.len(),
            1,
            "{:?}: {:?} {:?}",
            text,
            facts.directives,
            facts.problems
        );
    }

    /// The policy parser rejects or accepts any text without panicking, and an error points
    /// inside the text and names no Rust or serde type.
    #[test]
    fn policies_parse_or_fail_cleanly(text in policy_text()) {
        check_policy(&text)?;
    }

    /// Arbitrary text, not only near-policies.
    #[test]
    fn any_text_as_a_policy_fails_cleanly(text in "\\PC{0,200}") {
        check_policy(&text)?;
    }
}

/// Directive bodies: near misses of the documented forms, and noise.
fn directive_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("ignore".to_string()),
        Just("usage".to_string()),
        Just("ignore[all]".to_string()),
        Just("ignore[missing-max-tokens, denied-model]".to_string()),
        Just("ignore[".to_string()),
        Just("]".to_string()),
        Just("reason=\"because\"".to_string()),
        Just("reason=\"".to_string()),
        Just("until=2026-12-01".to_string()),
        Just("until=2026-02-30".to_string()),
        Just("calls_per_day=2000".to_string()),
        Just("input_tokens=18446744073709551616".to_string()),
        Just("cached_input_tokens=-1".to_string()),
        Just("=".to_string()),
        "[a-z_=\\[\\]\"., 0-9-]{0,12}",
        "\\PC{0,8}",
    ];
    proptest::collection::vec(word, 0..6).prop_map(|w| {
        // One line: a line break would end the comment.
        w.join(" ")
            .replace(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'], " ")
    })
}

/// Policies built from the documented keys, with values right and wrong, and mutated policy
/// fixtures.
fn policy_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("version: 1".to_string()),
        Just("version: 2".to_string()),
        Just("usage:".to_string()),
        Just("  days_per_month: 30".to_string()),
        Just("  default: { calls_per_day: 500, input_tokens: 2000 }".to_string()),
        Just("  default: { calls_per_day: 18446744073709551615 }".to_string()),
        Just("  overrides:".to_string()),
        Just("    - paths: [\"services/batch/**\"]".to_string()),
        Just("      calls_per_day: 20000".to_string()),
        Just("models:".to_string()),
        Just("  allow: [\"gpt-5.4*\", \"gpt-5-mini\"]".to_string()),
        Just("  deny:".to_string()),
        Just("    - id: \"gpt-5.5-pro\"".to_string()),
        Just("      reason: \"too dear\"".to_string()),
        Just("checks:".to_string()),
        Just("  missing-max-tokens: warning".to_string()),
        Just("  max-tokens-ceiling: { level: error, max: 16000 }".to_string()),
        Just("  site-monthly-cost: { level: warning, max_usd: 2000 }".to_string()),
        Just("  nonexistent-check: error".to_string()),
        Just("deployments:".to_string()),
        Just("  chat-prod: gpt-5.4".to_string()),
        Just("budget:".to_string()),
        Just("  max_monthly_increase_usd: 500".to_string()),
        Just("ignore:".to_string()),
        Just("  paths: [\"**/tests/**\", \"[\"]".to_string()),
        Just("pricing:".to_string()),
        Just("  - builtin".to_string()),
        "[ a-z_:\\[\\]{},\"'0-9.*-]{0,30}",
        "\\PC{0,20}",
    ];
    let built = proptest::collection::vec(line, 0..14).prop_map(|l| l.join("\n"));
    let fixtures = policy_fixtures();
    let n = fixtures.len().max(1);
    let mutated = (
        0..n,
        proptest::collection::vec((any::<usize>(), 0..PIECES.len(), any::<bool>()), 1..5),
    )
        .prop_map(move |(i, edits)| {
            let mut bytes = policy_fixtures()
                .get(i)
                .cloned()
                .unwrap_or_default()
                .into_bytes();
            for (at, piece, delete) in edits {
                let at = at % (bytes.len() + 1);
                if delete {
                    let end = (at + 8).min(bytes.len());
                    bytes.drain(at..end);
                } else {
                    bytes.splice(at..at, PIECES[piece].iter().copied());
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        });
    prop_oneof![built, mutated]
}

/// The text of every policy fixture, good and bad.
fn policy_fixtures() -> &'static Vec<String> {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies");
        let mut out = Vec::new();
        for group in ["good", "bad"] {
            let Ok(entries) = std::fs::read_dir(root.join(group)) else {
                continue;
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            out.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
        }
        out
    })
}

fn check_policy(text: &str) -> Result<(), TestCaseError> {
    let result = match Policy::parse("costlint.yaml", text, Path::new("")) {
        Ok(p) => costlint::checks::configure(&p).map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        let shown = format!(
            "{} {} {}",
            e.message,
            e.label,
            e.help.as_deref().unwrap_or("")
        );
        for word in [
            "serde", "struct ", "enum ", "alloc::", "std::", "core::", "u64", "usize",
        ] {
            // A message may quote the policy's own text (`unknown key `¡u64``).
            let quoted = text.contains(word);
            prop_assert!(quoted || !shown.contains(word), "{:?} in {}", word, shown);
        }
        if let Some(span) = e.span {
            prop_assert!(
                span.offset() + span.len() <= text.len(),
                "span {:?} past the text: {}",
                span,
                shown
            );
        }
    }
    Ok(())
}

/// `scan` equals `scan --no-prefilter` on `COSTLINT_MUTATED_FILES` mutated fixture files (1,000
/// in `cargo test`; the issue's figure is 10,000), drawn from a fixed seed so a run is
/// repeatable. Unlike the property above it does not stop at the first difference: it lists
/// every file that differs, with the edits that made it.
#[test]
fn mutated_files_report_the_same_with_and_without_the_prefilter() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let count: usize = std::env::var("COSTLINT_MUTATED_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    // To look at cases a run listed: `COSTLINT_MUTATED_ONLY=274711,304418` checks only those
    // (drawn in the same order) and `COSTLINT_FUZZ_DUMP=DIR` writes each differing file there.
    let only: Option<Vec<usize>> = std::env::var("COSTLINT_MUTATED_ONLY")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    let dump = std::env::var_os("COSTLINT_FUZZ_DUMP").map(PathBuf::from);
    // `COSTLINT_MUTATED_SEED=N` draws another sequence, to look at other files in another
    // process; unset, the sequence `cargo test` and the long form check.
    let mut runner = match std::env::var("COSTLINT_MUTATED_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(
                Config::default(),
                proptest::test_runner::TestRng::from_seed(
                    proptest::test_runner::RngAlgorithm::ChaCha,
                    &bytes,
                ),
            )
        }
        None => TestRunner::deterministic(),
    };
    let strategy = mutated_fixture();
    let mut failures = Vec::new();
    for i in 0..count {
        let tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("strategy: {e}"));
        if only.as_ref().is_some_and(|o| !o.contains(&i)) {
            continue;
        }
        let (file, edits) = tree.current();
        let (rel, lang, bytes) = mutated(file, &edits);
        if let Err(e) = assert_prefilter_equivalent(rel, lang, &bytes) {
            if std::env::var_os("COSTLINT_FUZZ_SHOW").is_some() {
                eprintln!("#{i}: {e}");
            }
            if let Some(dir) = &dump {
                let name = rel.replace('/', "__");
                let to = dir.join(format!("{i}"));
                let written = std::fs::create_dir_all(&to)
                    .and_then(|()| std::fs::write(to.join(name), &bytes));
                written.unwrap_or_else(|e| panic!("writing {}: {e}", to.display()));
            }
            failures.push(format!("#{i} {rel} {edits:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} mutated files differ with and without the prefilter:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

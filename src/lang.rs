//! The languages and formats costlint reads, as one table: which file names map to which
//! format, and which tree-sitter node kinds play which role in extraction.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Yaml,
    Json,
    Env,
    Dockerfile,
}

impl Lang {
    /// Every format costlint reads.
    pub const ALL: [Lang; 8] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Yaml,
        Lang::Json,
        Lang::Env,
        Lang::Dockerfile,
    ];

    /// The format of a file, from its name; `None` for files costlint does not read.
    pub fn for_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if GENERATED.contains(&name) {
            return None;
        }
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Some(Lang::Env);
        }
        if is_dockerfile(name) {
            return Some(Lang::Dockerfile);
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "py" | "pyi" => Lang::Python,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "yaml" | "yml" => Lang::Yaml,
            "json" | "jsonc" => Lang::Json,
            _ => return None,
        })
    }

    /// The label of a format costlint cannot parse yet (`.ipynb`, `.go`), from a file's
    /// name; `None` for files it reads and for formats not in the table.
    pub fn not_yet(path: &Path) -> Option<&'static str> {
        let name = path.file_name()?.to_str()?;
        if Lang::for_path(path).is_some() || GENERATED.contains(&name) {
            return None;
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e);
        NOT_YET.iter().find_map(|&(pattern, label)| {
            let hit = match pattern.strip_prefix("*.") {
                Some(want) => ext.is_some_and(|e| e.eq_ignore_ascii_case(want)),
                None => name == pattern,
            };
            hit.then_some(label)
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Yaml => "yaml",
            Lang::Json => "json",
            Lang::Env => "env",
            Lang::Dockerfile => "dockerfile",
        }
    }

    /// YAML, `.env` and Dockerfile values may be unquoted (`model: gpt-4o`); in code and JSON
    /// every string value is quoted.
    pub fn has_unquoted_values(self) -> bool {
        matches!(self, Lang::Yaml | Lang::Env | Lang::Dockerfile)
    }

    /// The tree-sitter grammar and node roles, or `None` for formats read without tree-sitter.
    pub fn syntax(self) -> Option<&'static Syntax> {
        Some(match self {
            Lang::Python => &PYTHON,
            Lang::JavaScript => &JAVASCRIPT,
            Lang::TypeScript => &TYPESCRIPT,
            Lang::Tsx => &TSX,
            Lang::Yaml => &YAML,
            Lang::Json => &JSON,
            Lang::Env | Lang::Dockerfile => return None,
        })
    }
}

/// `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`; not the ignore file of one
/// Dockerfile (`Dockerfile.dockerignore`).
fn is_dockerfile(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".dockerfile")
}

/// Formats costlint cannot parse yet but where LLM use is common: a file of one of these that
/// names a catalog model is listed in the summary (`not_scanned`), so that "no LLM use" is never
/// confused with "not looked at". Each entry is (file name or `*.extension`, label shown to
/// users). A format that gains an extractor moves from here to [`Lang::for_path`]; a test checks
/// that no entry here is also read.
const NOT_YET: &[(&str, &str)] = &[
    ("*.ipynb", ".ipynb"),
    // Prompt files whose front matter configures the model and its limits (promptflow
    // Prompty, Dotprompt).
    ("*.prompty", ".prompty"),
    ("*.prompt", ".prompt"),
    ("*.toml", ".toml"),
    ("*.go", ".go"),
    ("*.java", ".java"),
    ("*.kt", ".kt"),
    ("*.kts", ".kts"),
    ("*.scala", ".scala"),
    ("*.cs", ".cs"),
    ("*.rs", ".rs"),
    ("*.rb", ".rb"),
    ("*.php", ".php"),
    ("*.swift", ".swift"),
    ("*.dart", ".dart"),
    ("*.sh", ".sh"),
    ("*.tf", ".tf"),
    ("*.tfvars", ".tfvars"),
    ("*.hcl", ".hcl"),
    ("*.properties", ".properties"),
    ("*.json5", ".json5"),
    ("*.ini", ".ini"),
    ("*.cfg", ".cfg"),
];

/// Lock files and other generated manifests: large, and never where a model is chosen.
const GENERATED: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "bun.lock",
    "composer.lock",
    "Pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "deno.lock",
];

/// Which node kinds of a grammar play which role. Fields name tree-sitter node kinds and
/// field names; extraction is one generic walk driven by this table.
#[derive(Debug)]
pub struct Syntax {
    pub language: fn() -> tree_sitter::Language,
    /// String literals (value = text without quotes and prefixes).
    pub strings: &'static [&'static str],
    /// Children that make a string non-constant (f-string and template substitutions).
    pub interpolations: &'static [&'static str],
    pub numbers: &'static [&'static str],
    /// Key/value constructs: (kind, key field, value field). Keyword arguments, object and dict
    /// pairs, config mapping pairs, default parameters, JSX attributes.
    pub pairs: &'static [(&'static str, &'static str, &'static str)],
    /// Definitions of same-file names: (kind, name field, value field).
    pub assignments: &'static [(&'static str, &'static str, &'static str)],
    /// Assignment targets that name a member (`settings.max_tokens`, `params["max_tokens"]`):
    /// (kind, field holding the member's name).
    pub members: &'static [(&'static str, &'static str)],
    /// Calls: (kind, callee field, arguments field).
    pub calls: &'static [(&'static str, &'static str, &'static str)],
    /// `a ?? b`, `a || b`, `a or b`: (kind, operators that make `b` a fallback).
    pub fallbacks: &'static [(&'static str, &'static [&'static str])],
    pub identifiers: &'static [&'static str],
    pub comments: &'static [&'static str],
    /// A string directly inside one of these is a docstring or directive, never a reference.
    pub string_statements: &'static [&'static str],
    /// Wrappers with one meaningful child, looked through when evaluating a value.
    pub wrappers: &'static [&'static str],
    /// Blocks that hold statements: a statement is a node whose parent is one of these.
    pub blocks: &'static [&'static str],
    /// Comparisons: (kind, operators that make it one; empty = any). A model name inside one
    /// is compared, not chosen (`model == "gpt-4o"`).
    pub comparisons: &'static [(&'static str, &'static [&'static str])],
    /// `case` labels: (kind, field holding the label).
    pub case_labels: &'static [(&'static str, &'static str)],
    /// Mappings: dicts, objects, YAML and JSON mappings.
    pub mappings: &'static [&'static str],
    /// Parameter defaults among `pairs`: a call reads one through the parameter's name.
    pub parameter_defaults: &'static [&'static str],
    /// Conditional expressions: (kind, then field, else field); empty fields mean the first
    /// and last named children. A limit there is the largest literal branch.
    pub conditionals: &'static [(&'static str, &'static str, &'static str)],
    /// Function definitions: (kind, field holding the name). The defaults of a lookup or a
    /// token counter (`def count_tokens(model="gpt-4o")`) name no request.
    pub functions: &'static [(&'static str, &'static str)],
    /// Code that only declares types and never runs (TypeScript `declare`).
    pub type_only: &'static [&'static str],
    /// Guards whose body only runs for type checkers: (kind, condition field, body field) of
    /// `if TYPE_CHECKING:`.
    pub type_guards: &'static [(&'static str, &'static str, &'static str)],
    /// A config format (YAML, JSON) rather than code: its mappings are data, not blocks of
    /// statements.
    pub config: bool,
}

fn python() -> tree_sitter::Language {
    tree_sitter_python::LANGUAGE.into()
}
fn javascript() -> tree_sitter::Language {
    tree_sitter_javascript::LANGUAGE.into()
}
fn typescript() -> tree_sitter::Language {
    tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
}
fn tsx() -> tree_sitter::Language {
    tree_sitter_typescript::LANGUAGE_TSX.into()
}
fn yaml() -> tree_sitter::Language {
    tree_sitter_yaml::LANGUAGE.into()
}
fn json() -> tree_sitter::Language {
    tree_sitter_json::LANGUAGE.into()
}

static PYTHON: Syntax = Syntax {
    language: python,
    strings: &["string"],
    interpolations: &["interpolation"],
    numbers: &["integer", "float"],
    pairs: &[
        ("keyword_argument", "name", "value"),
        ("pair", "key", "value"),
        ("default_parameter", "name", "value"),
        ("typed_default_parameter", "name", "value"),
    ],
    assignments: &[("assignment", "left", "right")],
    members: &[("attribute", "attribute"), ("subscript", "subscript")],
    calls: &[("call", "function", "arguments")],
    fallbacks: &[("boolean_operator", &["or"])],
    identifiers: &["identifier"],
    comments: &["comment"],
    string_statements: &["expression_statement"],
    wrappers: &["parenthesized_expression"],
    blocks: &["module", "block"],
    comparisons: &[("comparison_operator", &[]), ("case_pattern", &[])],
    case_labels: &[],
    mappings: &["dictionary"],
    parameter_defaults: &["default_parameter", "typed_default_parameter"],
    conditionals: &[("conditional_expression", "", "")],
    functions: &[("function_definition", "name")],
    type_only: &[],
    type_guards: &[("if_statement", "condition", "consequence")],
    config: false,
};

const JS_PAIRS: &[(&str, &str, &str)] = &[
    ("pair", "key", "value"),
    ("assignment_pattern", "left", "right"),
    ("object_assignment_pattern", "left", "right"),
    ("jsx_attribute", "", ""),
    ("field_definition", "property", "value"),
    ("public_field_definition", "name", "value"),
];
const JS_ASSIGNMENTS: &[(&str, &str, &str)] = &[
    ("variable_declarator", "name", "value"),
    ("assignment_expression", "left", "right"),
];
const JS_CALLS: &[(&str, &str, &str)] = &[
    ("call_expression", "function", "arguments"),
    ("new_expression", "constructor", "arguments"),
];
const JS_FALLBACKS: &[(&str, &[&str])] = &[("binary_expression", &["??", "||"])];
const JS_BLOCKS: &[&str] = &[
    "program",
    "statement_block",
    "class_body",
    "export_statement",
];
const JS_WRAPPERS: &[&str] = &[
    "parenthesized_expression",
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
];

static JAVASCRIPT: Syntax = Syntax {
    language: javascript,
    ..JAVASCRIPT_LIKE
};
static TYPESCRIPT: Syntax = Syntax {
    language: typescript,
    ..JAVASCRIPT_LIKE
};
static TSX: Syntax = Syntax {
    language: tsx,
    ..JAVASCRIPT_LIKE
};
/// The JavaScript family shares node kinds; only the grammar differs.
const JAVASCRIPT_LIKE: Syntax = Syntax {
    language: javascript,
    strings: &["string", "template_string"],
    interpolations: &["template_substitution"],
    numbers: &["number"],
    pairs: JS_PAIRS,
    assignments: JS_ASSIGNMENTS,
    members: &[
        ("member_expression", "property"),
        ("subscript_expression", "index"),
    ],
    calls: JS_CALLS,
    fallbacks: JS_FALLBACKS,
    identifiers: &["identifier"],
    comments: &["comment"],
    string_statements: &["expression_statement"],
    wrappers: JS_WRAPPERS,
    blocks: JS_BLOCKS,
    comparisons: &[(
        "binary_expression",
        &["==", "===", "!=", "!==", "in", "instanceof"],
    )],
    case_labels: &[("switch_case", "value")],
    mappings: &["object"],
    parameter_defaults: &["assignment_pattern", "object_assignment_pattern"],
    conditionals: &[("ternary_expression", "consequence", "alternative")],
    functions: &[
        ("function_declaration", "name"),
        ("generator_function_declaration", "name"),
        ("method_definition", "name"),
    ],
    type_only: &["ambient_declaration"],
    type_guards: &[],
    config: false,
};

static YAML: Syntax = Syntax {
    language: yaml,
    strings: &[
        "string_scalar",
        "double_quote_scalar",
        "single_quote_scalar",
    ],
    interpolations: &[],
    numbers: &["integer_scalar", "float_scalar"],
    pairs: &[
        ("block_mapping_pair", "key", "value"),
        ("flow_pair", "key", "value"),
    ],
    assignments: &[],
    members: &[],
    calls: &[],
    fallbacks: &[],
    identifiers: &[],
    comments: &["comment"],
    string_statements: &[],
    wrappers: &["flow_node", "plain_scalar", "block_node"],
    blocks: &[
        "stream",
        "document",
        "block_mapping",
        "block_sequence",
        "block_sequence_item",
    ],
    comparisons: &[],
    case_labels: &[],
    mappings: &["block_mapping", "flow_mapping"],
    parameter_defaults: &[],
    conditionals: &[],
    functions: &[],
    type_only: &[],
    type_guards: &[],
    config: true,
};

static JSON: Syntax = Syntax {
    language: json,
    strings: &["string"],
    interpolations: &[],
    numbers: &["number"],
    pairs: &[("pair", "key", "value")],
    assignments: &[],
    members: &[],
    calls: &[],
    fallbacks: &[],
    identifiers: &[],
    comments: &["comment"],
    string_statements: &[],
    wrappers: &[],
    blocks: &["document", "object", "array"],
    comparisons: &[],
    case_labels: &[],
    mappings: &["object"],
    parameter_defaults: &[],
    conditionals: &[],
    functions: &[],
    type_only: &[],
    type_guards: &[],
    config: true,
};

/// A [`Syntax`] resolved against its grammar: node-kind ids and field ids, so that the walk over
/// every node of a file compares integers, not strings.
pub struct Roles {
    pub string: Vec<bool>,
    pub comment: Vec<bool>,
    pub identifier: Vec<bool>,
    pub block: Vec<bool>,
    /// Per kind id: the (key, value) field ids of a pair; `None` fields mean first and last
    /// named child.
    pub pair: Vec<Option<(Option<u16>, Option<u16>)>>,
    pub assignment: Vec<Option<(Option<u16>, Option<u16>)>>,
}

impl Roles {
    pub fn is_block(&self, n: tree_sitter::Node) -> bool {
        self.block.get(usize::from(n.kind_id())) == Some(&true)
    }

    pub fn new(syntax: &Syntax, language: &tree_sitter::Language) -> Roles {
        let count = language.node_kind_count();
        let set = |names: &[&str]| -> Vec<bool> {
            (0..count as u16)
                .map(|id| {
                    language.node_kind_is_named(id)
                        && language
                            .node_kind_for_id(id)
                            .is_some_and(|k| names.contains(&k))
                })
                .collect()
        };
        let fields = |table: &[(&str, &str, &str)]| -> Vec<Option<(Option<u16>, Option<u16>)>> {
            (0..count as u16)
                .map(|id| {
                    let kind = language.node_kind_for_id(id)?;
                    if !language.node_kind_is_named(id) {
                        return None;
                    }
                    let &(_, k, v) = table.iter().find(|t| t.0 == kind)?;
                    let field = |name: &str| language.field_id_for_name(name).map(|f| f.get());
                    Some(if k.is_empty() {
                        (None, None)
                    } else {
                        (field(k), field(v))
                    })
                })
                .collect()
        };
        Roles {
            string: set(syntax.strings),
            comment: set(syntax.comments),
            identifier: set(syntax.identifiers),
            block: set(syntax.blocks),
            pair: fields(syntax.pairs),
            assignment: fields(syntax.assignments),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_map_to_formats() {
        assert_eq!(Lang::for_path(Path::new("a/b.py")), Some(Lang::Python));
        assert_eq!(Lang::for_path(Path::new("x.tsx")), Some(Lang::Tsx));
        assert_eq!(Lang::for_path(Path::new(".env")), Some(Lang::Env));
        assert_eq!(Lang::for_path(Path::new(".env.example")), Some(Lang::Env));
        assert_eq!(Lang::for_path(Path::new("prod.env")), Some(Lang::Env));
        assert_eq!(Lang::for_path(Path::new("c.yml")), Some(Lang::Yaml));
        for name in [
            "Dockerfile",
            "Dockerfile.dev",
            "api.dockerfile",
            "Containerfile",
        ] {
            assert_eq!(
                Lang::for_path(Path::new(name)),
                Some(Lang::Dockerfile),
                "{name}"
            );
        }
        assert_eq!(Lang::for_path(Path::new("Dockerfile.dockerignore")), None);
        assert_eq!(Lang::for_path(Path::new("README.md")), None);
        assert_eq!(Lang::for_path(Path::new("Makefile")), None);
        assert_eq!(Lang::for_path(Path::new("web/pnpm-lock.yaml")), None);
        assert_eq!(Lang::for_path(Path::new("package-lock.json")), None);
    }

    #[test]
    fn formats_not_read_yet_are_named() {
        let cases = [
            ("nb/demo.ipynb", Some(".ipynb")),
            ("flows/chat.prompty", Some(".prompty")),
            ("svc/main.go", Some(".go")),
            ("pyproject.toml", Some(".toml")),
            ("tox.ini", Some(".ini")),
            ("deploy/Dockerfile", None),
            ("App.CS", Some(".cs")),
            ("app.py", None),
            ("README.md", None),
            ("Cargo.lock", None),
        ];
        for (path, want) in cases {
            assert_eq!(Lang::not_yet(Path::new(path)), want, "{path}");
        }
    }

    /// A format that gains an extractor leaves the table of formats not read yet.
    #[test]
    fn no_format_is_both_read_and_not_yet_read() {
        for (pattern, label) in NOT_YET {
            let example = pattern.replace('*', "example");
            assert_eq!(
                Lang::for_path(Path::new(&example)),
                None,
                "{label} is read now: remove it from NOT_YET"
            );
        }
    }

    #[test]
    fn every_grammar_loads() {
        for syntax in Lang::ALL.iter().filter_map(|l| l.syntax()) {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&(syntax.language)()).unwrap();
        }
    }
}

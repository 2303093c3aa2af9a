//! Extraction from a tree-sitter syntax tree, driven by the node roles in [`Syntax`].

use super::shape::{Shape, ShapeRules};
use super::skeleton::Skeleton;
use super::{
    directive, is_model_text, Columns, Context, FileFacts, LimitRef, ModelRef, SiteFact,
    TableModel, Via,
};
use crate::catalog::Resolution;
use crate::lang::{Roles, Syntax};
use crate::rules::ExtractRules;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use tree_sitter::{Node, Parser};

mod bind;

/// How deep a chain of names and fallbacks is followed (`A = B`, `B = os.getenv(..., C)`…).
const MAX_DEPTH: u32 = 6;

/// Functions and methods: a model-named local inside one is a site only through a model key.
const FUNCTION_DEFINITIONS: &[&str] = &[
    "function_definition",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "function",
    "lambda",
];

/// Definitions whose `name` field names what encloses a site (its key, see
/// [`SiteFact::enclosing`]); a `variable_declarator` counts when its value is a function.
const NAMED_DEFINITIONS: &[&str] = &[
    "function_definition",
    "class_definition",
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "abstract_class_declaration",
    "method_definition",
    "variable_declarator",
];

/// The longest name kept per enclosing definition or key (a site key stays short).
const MAX_ENCLOSING_NAME: usize = 80;

/// Function bodies given as expressions: a shape found outside one (a call, a key) does not
/// reach into it, as with blocks (`retry(() => client.create({ model }))`).
/// Whether the extraction walk enters `n` (whose parent is `parent`) whatever the prefilter's
/// hits: a block, a definition or declaration (`@dataclass class …`, `const x = …`), a node that
/// holds statements, or a child of a block. Statements also sit in clauses (`else`, `elif`,
/// `except`, `finally`, `case`), in the brace-less bodies of `if`, `for` and `while`, and in
/// what the parser could not read (`ERROR`), where error recovery puts the statements after a
/// syntax error.
fn structural(roles: &Roles, n: Node, parent: Option<&Node>) -> bool {
    let kind = n.kind();
    n.is_error()
        || roles.is_block(n)
        // A chain of assignments (`MODEL = DEFAULT_MODEL = "gpt-4o"`).
        || roles.assignment.get(usize::from(n.kind_id())).is_some_and(Option::is_some)
        // TypeScript namespaces hold statements (`namespace Settings { … }`).
        || matches!(kind, "internal_module" | "module")
        || kind.ends_with("_definition")
        || kind.ends_with("_declaration")
        || kind.ends_with("_statement")
        || kind.ends_with("_clause")
        || kind.ends_with("switch_case")
        || kind == "switch_body"
        || kind == "switch_default"
        || parent.is_none_or(|p| roles.is_block(*p))
}

/// Whether a node whose ancestors are `stack` (outermost first) is a statement, or part of
/// one, of its function or module: every ancestor up to the nearest function is
/// [`structural`]. Such an assignment defines its name; one nested in an expression only when
/// it carries a prefilter mark (see `Walk::marked_definition`). `limit = 1200` in
/// `-(limit = 1200)` (what error recovery makes of `case 1:-`) does not: the walk, which skips
/// expressions without a prefilter hit, does not see it, and a result must not depend on
/// whether the prefilter ran.
fn in_statement_position(roles: &Roles, stack: &[Node]) -> bool {
    for (i, a) in stack.iter().enumerate().rev() {
        let kind = a.kind();
        if FUNCTIONS.contains(&kind) || FUNCTION_DEFINITIONS.contains(&kind) {
            return true;
        }
        if !structural(roles, *a, i.checked_sub(1).map(|p| &stack[p])) {
            return false;
        }
    }
    true
}

const FUNCTIONS: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
    "lambda",
];

/// The facts of `text`, parsed whole.
pub(super) fn extract(
    parser: &mut Parser,
    syntax: &'static Syntax,
    roles: &Roles,
    text: &str,
    cx: &Context,
    hits: Option<&[usize]>,
) -> FileFacts {
    read(parser, syntax, roles, text, cx, hits, None).unwrap_or_else(|| FileFacts {
        had_syntax_errors: true,
        ..FileFacts::default()
    })
}

/// The facts of `text`, parsed from `outline` if given (see [`Skeleton`]). `None` when the
/// parser gives up, or when the outline cannot stand for the file and it must be read whole.
pub(super) fn read(
    parser: &mut Parser,
    syntax: &'static Syntax,
    roles: &Roles,
    text: &str,
    cx: &Context,
    hits: Option<&[usize]>,
    outline: Option<&Skeleton>,
) -> Option<FileFacts> {
    let tree = parser.parse(outline.map_or(text, |o| o.text.as_str()), None)?;
    let root = tree.root_node();
    if outline.is_some() && root.has_error() {
        return None;
    }
    // Spans and texts come from `text` itself: an outline keeps every offset.
    let mut w = Walk::default_with(syntax, text, cx);
    w.outline = outline;
    w.facts.had_syntax_errors = root.has_error();
    // The walk skips expressions without a hit because definitions sit in statements; a tree
    // the parser had to recover nests statements anywhere (`[[[ const MAX = 8000` puts the
    // constant inside an array), so it is walked whole.
    let hits = hits.filter(|_| !root.has_error());
    w.collect(root, roles, hits);
    w.limits();
    w.model_pairs();
    w.model_assignments();
    w.literals();
    w.bind();
    w.directives(root);
    super::container::read(syntax, root, text, cx, &mut w.facts);
    w.name_enclosing();
    (!w.fell_short.get()).then_some(w.facts)
}

/// Ancestors are recorded during the one walk: tree-sitter's `Node::parent` searches down from
/// the root, which is quadratic on flat files such as minified bundles.
struct Pair<'t> {
    node: Node<'t>,
    key: String,
    /// The key names a limit (else it names a model).
    is_limit: bool,
    value: Node<'t>,
    /// The call arguments, object or mapping holding the pair.
    scope: Node<'t>,
    /// The mapping that holds the pair whose value is `scope` (`model_list[0]` for
    /// `litellm_params.model`), if any.
    outer: Option<usize>,
    /// The shape that makes the pair not a request (see [`Shape`]).
    shape: Option<Shape>,
    /// For a limit: where it can bind (see [`Reach`]).
    reach: Reach,
}

/// Where a limit can bind: the mappings and argument lists that hold it, innermost first
/// (`config=GenerateContentConfig(max_output_tokens=512)` is held by the config's arguments,
/// then by the call's), up to its statement; and the name it is assigned to there, if any
/// (`CONFIG = GenerateContentConfig(…)`), for a call that passes `config=CONFIG`.
#[derive(Debug, Clone, Default)]
struct Reach {
    chain: Vec<usize>,
    holder: Option<String>,
}

struct Assign<'t> {
    name: String,
    value: Node<'t>,
    statement: Node<'t>,
    /// The block holding the statement.
    scope: usize,
    shape: Option<Shape>,
    /// Made at module or class level, not inside a function (a local is a site only when a
    /// model key uses it).
    top_level: bool,
    /// The bytes of the innermost function holding it, if any: a name is looked up only
    /// where its definition is visible (module level, or the same function).
    function: Option<Range<usize>>,
}

struct Str<'t> {
    node: Node<'t>,
    prose: bool,
    /// `(arguments, call)` when the string is passed directly to a call.
    call: Option<(Node<'t>, Node<'t>)>,
    shape: Option<Shape>,
}

struct Found<'t> {
    literal: Node<'t>,
    via: Via,
    /// The innermost same-file name the value was reached through (`LLM` in `LLM =
    /// os.getenv("X", "…")`, `model=LLM`).
    holder: Option<String>,
}

struct Walk<'t, 'c> {
    syntax: &'static Syntax,
    text: &'t str,
    cx: &'c Context<'c>,
    rules: &'static ExtractRules,
    shapes: &'static ShapeRules,
    facts: FileFacts,
    strings: Vec<Str<'t>>,
    pairs: Vec<Pair<'t>>,
    assigns: Vec<Assign<'t>>,
    comments: Vec<Node<'t>>,
    /// name -> definitions, in source order.
    constants: HashMap<String, Vec<usize>>,
    /// Literal nodes already claimed by a site.
    consumed: HashSet<usize>,
    /// Assignments whose value a site used through the name.
    used_assigns: HashSet<usize>,
    /// literal node id -> index in facts.refs
    ref_of: HashMap<usize, usize>,
    /// scope node id -> limits in it
    limit_scopes: HashMap<usize, Vec<usize>>,
    /// site index -> scope node id
    site_scopes: Vec<Option<usize>>,
    /// scope node id -> the shape its sibling keys give it (see [`Walk::scope_shape`])
    scope_shapes: HashMap<usize, Option<Shape>>,
    columns: Columns,
    /// The outline parsed instead of the file, if any.
    outline: Option<&'c Skeleton<'c>>,
    /// A name was looked up that a blanked body of the outline may define.
    fell_short: Cell<bool>,
    /// A key or name, normalised (reused across the walk).
    key_buf: String,
    /// Per limit in `facts.limits`: where it can bind.
    limit_reach: Vec<Reach>,
    /// Entry mapping id -> the model-name key of a table keyed by models.
    table_entries: HashMap<usize, Node<'t>>,
    /// Scope node id -> the node, for the sites' scopes (see `bind`).
    scope_nodes: HashMap<usize, Node<'t>>,
    /// Limit pairs that are a function's parameter default read through the parameter's name
    /// (`def ask(max_tokens=4000): create(max_tokens=max_tokens)`): one limit, not two.
    used_defaults: std::cell::RefCell<HashSet<usize>>,
    /// Limit-named assignments read through their name by another limit: one limit, not two.
    used_limit_assigns: std::cell::RefCell<HashSet<usize>>,
    /// Named definitions and mapping keys met by the walk, in pre-order: (bytes, name), for
    /// the sites' enclosing names.
    containers: Vec<(Range<usize>, String)>,
}

/// An integer limit value, the node it is written in, and whether it is the largest literal
/// branch of a conditional (`isVision ? 4096 : undefined`).
#[derive(Clone, Copy)]
struct Int<'t> {
    value: u64,
    node: Node<'t>,
    conditional: bool,
}

/// A node being visited, with its ancestors, the shape it inherits, and the grammar's roles.
struct At<'s, 't> {
    n: Node<'t>,
    stack: &'s [Node<'t>],
    shape: Option<Shape>,
    roles: &'s Roles,
}

impl<'t, 'c> Walk<'t, 'c> {
    fn default_with(syntax: &'static Syntax, text: &'t str, cx: &'c Context<'c>) -> Walk<'t, 'c> {
        Walk {
            syntax,
            text,
            cx,
            rules: ExtractRules::get(),
            shapes: ShapeRules::get(),
            facts: FileFacts::default(),
            strings: Vec::new(),
            pairs: Vec::new(),
            assigns: Vec::new(),
            comments: Vec::new(),
            constants: HashMap::new(),
            consumed: HashSet::new(),
            used_assigns: HashSet::new(),
            ref_of: HashMap::new(),
            limit_scopes: HashMap::new(),
            site_scopes: Vec::new(),
            scope_shapes: HashMap::new(),
            columns: Columns::default(),
            outline: None,
            fell_short: Cell::new(false),
            key_buf: String::new(),
            limit_reach: Vec::new(),
            table_entries: HashMap::new(),
            scope_nodes: HashMap::new(),
            used_defaults: Default::default(),
            used_limit_assigns: Default::default(),
            containers: Vec::new(),
        }
    }

    fn src(&self, n: Node) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn span(&self, n: Node) -> crate::diagnostic::Span {
        let (s, e) = (n.start_position(), n.end_position());
        self.columns.span(
            self.text,
            n.start_byte(),
            n.end_byte(),
            (s.row, s.column),
            (e.row, e.column),
        )
    }

    fn is(&self, kinds: &[&str], n: Node) -> bool {
        kinds.contains(&n.kind())
    }

    /// One iterative pass over the tree (no recursion: minified files nest deeply), keeping the
    /// ancestors on a stack, and beside each the shape that makes what it holds not a request.
    fn collect(&mut self, root: Node<'t>, roles: &Roles, hits: Option<&[usize]>) {
        // A subtree is walked when it holds a hit, or may hold statements (definitions of names
        // that a hit elsewhere uses); other expressions cannot yield anything.
        let worth = |n: Node, parent: Option<&Node>| -> bool {
            let Some(hits) = hits else { return true };
            let i = hits.partition_point(|&h| h < n.start_byte());
            hits.get(i).is_some_and(|&h| h < n.end_byte()) || structural(roles, n, parent)
        };
        let mut cursor = root.walk();
        let mut stack: Vec<Node<'t>> = Vec::new();
        let mut shapes: Vec<Option<Shape>> = Vec::new();
        loop {
            let n = cursor.node();
            let resets =
                (roles.is_block(n) && !self.syntax.config) || FUNCTIONS.contains(&n.kind());
            // Type-only code (`if TYPE_CHECKING:`, `declare`) never runs, blocks and all.
            let inherited = if resets && shapes.last() != Some(&Some(Shape::TypeOnly)) {
                None
            } else {
                shapes.last().copied().flatten()
            };
            let (descend, shape) = self.visit(n, &stack, inherited, roles);
            if descend && worth(n, stack.last()) && cursor.goto_first_child() {
                stack.push(n);
                shapes.push(shape);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                stack.pop();
                shapes.pop();
            }
        }
    }

    /// Records what node `n` holds (a string, comment, pair or assignment). Returns whether its
    /// children are worth walking, and the shape they inherit.
    fn visit(
        &mut self,
        n: Node<'t>,
        stack: &[Node<'t>],
        inherited: Option<Shape>,
        roles: &Roles,
    ) -> (bool, Option<Shape>) {
        let kind = usize::from(n.kind_id());
        if roles.string.get(kind) == Some(&true) {
            self.strings.push(Str {
                node: n,
                prose: inherited == Some(Shape::Prose) || self.is_prose(stack),
                call: self.direct_call(stack),
                shape: inherited,
            });
            return (n.kind() == "template_string", inherited);
        }
        if roles.comment.get(kind) == Some(&true) {
            self.comments.push(n);
            return (false, inherited);
        }
        let shape = inherited.or_else(|| self.own_shape(n, stack.last()));
        self.note_definition(n);
        // A pair or assignment the parser could not read whole (`max_tokens\0=1` inside an
        // unterminated string) is not read: what error recovery makes of it depends on the text
        // around it, not on what it says.
        if n.has_error() {
            return (true, shape);
        }
        if let Some(&Some(fields)) = roles.pair.get(kind) {
            if let Some((k, v)) = self.fields(n, fields) {
                let name = self.key_text(k);
                self.note_container(n.byte_range(), name);
                let at = At {
                    n,
                    stack,
                    shape,
                    roles,
                };
                return (true, self.visit_pair(&at, k, v));
            }
        } else if let Some(&Some(fields)) = roles.assignment.get(kind) {
            if let Some((k, v)) = self.fields(n, fields) {
                // A plain or dotted name (`response`, `self.client`), not a destructuring.
                let name = self.src(k);
                if name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
                {
                    self.note_container(n.byte_range(), name);
                }
                let at = At {
                    n,
                    stack,
                    shape,
                    roles,
                };
                return (true, self.visit_assignment(&at, k, v));
            }
        }
        (true, shape)
    }

    /// Keeps a pair whose key names a model or a limit; returns the shape of its value.
    fn visit_pair(&mut self, at: &At<'_, 't>, k: Node<'t>, v: Node<'t>) -> Option<Shape> {
        let key = self.key_text(k);
        crate::rules::normalize_into(&mut self.key_buf, key);
        let mut shape = at.shape.or_else(|| self.shapes.of_key(&self.key_buf));
        if shape.is_none() {
            if let Some(entry) = self.keyed_by_model(key, v) {
                self.table_entries.insert(entry.id(), k);
                shape = Some(Shape::Table);
            }
        }
        let is_limit = self.rules.is_limit_param(key);
        let model = self.is_model_key(key)
            || (self.rules.is_provider_id_key(&self.key_buf) && self.names_provider_model(v));
        if is_limit || model {
            let scope = at.stack.last().copied().unwrap_or(at.n);
            let outer = self.outer_mapping(at.stack, at.roles);
            self.push_pair(at, key, is_limit, v, scope, outer, shape);
        }
        shape
    }

    /// Keeps pair `at.n` (`key: value`) found in `scope`.
    #[allow(clippy::too_many_arguments)]
    fn push_pair(
        &mut self,
        at: &At<'_, 't>,
        key: &str,
        is_limit: bool,
        value: Node<'t>,
        scope: Node<'t>,
        outer: Option<usize>,
        shape: Option<Shape>,
    ) {
        let reach = if is_limit && scope.id() != at.n.id() {
            self.reach(at, scope)
        } else {
            Reach::default()
        };
        self.pairs.push(Pair {
            node: at.n,
            key: key.to_string(),
            is_limit,
            value,
            scope,
            outer,
            shape,
            reach,
        });
    }

    /// Keeps a same-file name definition, or a limit given to a member; returns the shape of
    /// its value (`expected = {…}` is an expected value).
    fn visit_assignment(&mut self, at: &At<'_, 't>, k: Node<'t>, v: Node<'t>) -> Option<Shape> {
        let (n, stack, shape, roles) = (at.n, at.stack, at.shape, at.roles);
        if roles.identifier.get(usize::from(k.kind_id())) == Some(&true) {
            let written = self.src(k);
            let name = written.to_string();
            crate::rules::normalize_into(&mut self.key_buf, &name);
            // A name says what data it holds (`metadata = {…}`), not what a call it stores
            // sends: `raw_response = client.messages.create(model=…)` is a request.
            let stores_call = self.callee(self.peel(v)).is_some();
            let shape =
                shape.or_else(|| self.shapes.of_key(&self.key_buf).filter(|_| !stores_call));
            let top_level = self.is_model_key(written)
                && !stack
                    .iter()
                    .any(|a| FUNCTION_DEFINITIONS.contains(&a.kind()));
            // A statement defines a name, or an assignment the prefilter always marks (see
            // `in_statement_position`).
            if in_statement_position(roles, stack) || self.marked_definition(&name, v) {
                let stmt = Self::statement(n, stack, roles);
                self.define(name, v, stmt, stack, shape, top_level);
            }
            return shape;
        }
        if let Some(member) = self.member_name(k) {
            crate::rules::normalize_into(&mut self.key_buf, member);
            if self.rules.is_limit_param(member) {
                // `settings.max_tokens = 2000`: a limit given to an object built elsewhere, so
                // it binds to no model (its scope is its own).
                self.push_pair(at, member, true, v, n, None, shape);
            } else if self
                .written_key(member)
                .is_some_and(|key| self.rules.is_model_key(key))
                && !self.is(self.syntax.identifiers, self.peel(v))
            {
                // `self.model_id = "…"`: read wherever the same member is passed
                // (`modelId=self.model_id`), else a site of its own like a module constant.
                // `self.model = model` stores a parameter: its default stays the one site.
                if in_statement_position(roles, stack) || self.marked_definition(self.src(k), v) {
                    let stmt = Self::statement(n, stack, roles);
                    self.define(self.src(k).to_string(), v, stmt, stack, shape, true);
                }
            }
        }
        shape
    }

    /// Where the limit pair `at.n`, held by `scope` (the top of `at.stack`), can bind.
    fn reach(&self, at: &At<'_, 't>, scope: Node<'t>) -> Reach {
        let mut reach = Reach {
            chain: vec![scope.id()],
            holder: None,
        };
        let mut child = scope;
        for &a in at.stack.iter().rev().skip(1) {
            let kind = usize::from(a.kind_id());
            if (at.roles.is_block(a) && !self.syntax.config)
                || FUNCTION_DEFINITIONS.contains(&a.kind())
            {
                break;
            }
            if let Some(&Some(fields)) = at.roles.assignment.get(kind) {
                if let Some((k, v)) = self.fields(a, fields) {
                    let holds = v.byte_range().contains(&child.start_byte());
                    if holds && at.roles.identifier.get(usize::from(k.kind_id())) == Some(&true) {
                        reach.holder = Some(self.src(k).to_string());
                    }
                }
                break;
            }
            if at
                .roles
                .pair
                .get(usize::from(child.kind_id()))
                .is_some_and(|f| f.is_some())
            {
                reach.chain.push(a.id());
            }
            child = a;
        }
        reach
    }

    /// Records a same-file definition of `name` (a name, or a member such as `self.model_id`).
    fn define(
        &mut self,
        name: String,
        value: Node<'t>,
        statement: Node<'t>,
        stack: &[Node<'t>],
        shape: Option<Shape>,
        top_level: bool,
    ) {
        let scope = self.block_of(statement, stack);
        // A member (`self.model_id = …`) is seen by every method; a name, by its function.
        let function = if name.contains('.') {
            None
        } else {
            stack
                .iter()
                .rev()
                .find(|a| FUNCTION_DEFINITIONS.contains(&a.kind()))
                .map(|f| f.byte_range())
        };
        self.constants
            .entry(name.clone())
            .or_default()
            .push(self.assigns.len());
        self.assigns.push(Assign {
            name,
            value,
            statement,
            scope,
            shape,
            top_level,
            function,
        });
    }

    /// The shape node `n` gives what it holds, judged from `n` alone: a call by its callee, a
    /// comparison by its operator, a `case` label.
    fn own_shape(&self, n: Node<'t>, parent: Option<&Node<'t>>) -> Option<Shape> {
        if let Some(&(_, callee_field, _)) = self.syntax.calls.iter().find(|c| c.0 == n.kind()) {
            let callee = n.child_by_field_name(callee_field)?;
            if !(self.is(self.syntax.identifiers, callee)
                || callee.kind().contains("member")
                || callee.kind() == "attribute")
            {
                return None;
            }
            let text = self.src(callee);
            if self.rules.is_env_getter(text) || self.shapes.is_default_getter(text) {
                return None;
            }
            return self.shapes.of_call(text);
        }
        if let Some(&(_, name_field)) = self.syntax.functions.iter().find(|f| f.0 == n.kind()) {
            // `def count_tokens(model="gpt-4o")`: the defaults of a lookup or token counter.
            let name = n.child_by_field_name(name_field)?;
            return self.shapes.of_call(self.src(name));
        }
        if python_raise(n) {
            // However deep a string sits in `assert (…)` or `raise …`, it is a message.
            return Some(Shape::Prose);
        }
        if self.syntax.type_only.contains(&n.kind()) {
            return Some(Shape::TypeOnly);
        }
        if let Some(&(_, ops)) = self.syntax.comparisons.iter().find(|c| c.0 == n.kind()) {
            let op = n.child_by_field_name("operator").map(|o| self.src(o));
            return (ops.is_empty() || op.is_some_and(|op| ops.contains(&op)))
                .then_some(Shape::Comparison);
        }
        let parent = parent?;
        if let Some(&(kind, cond, body)) = self.syntax.type_guards.first() {
            if parent.kind() == kind
                && parent
                    .child_by_field_name(body)
                    .is_some_and(|b| b.id() == n.id())
                && parent.child_by_field_name(cond).is_some_and(|c| {
                    matches!(self.src(c), "TYPE_CHECKING" | "typing.TYPE_CHECKING")
                })
            {
                return Some(Shape::TypeOnly);
            }
        }
        let label = self
            .syntax
            .case_labels
            .iter()
            .find(|c| c.0 == parent.kind())
            .and_then(|c| parent.child_by_field_name(c.1));
        label
            .is_some_and(|l| l.id() == n.id())
            .then_some(Shape::Comparison)
    }

    /// A pair whose key is a model name and whose value is a mapping is an entry of a model
    /// table: `"gpt-5.3-codex": { maxOutputTokens: 128000 }`. Returns the entry's mapping.
    fn keyed_by_model(&self, key: &str, value: Node<'t>) -> Option<Node<'t>> {
        let v = self.peel(value);
        let mapping = if self.is(self.syntax.mappings, v) {
            v
        } else {
            v.named_child(0)
                .filter(|c| v.named_child_count() == 1 && self.is(self.syntax.mappings, *c))?
        };
        (key.len() < 128 && self.cx.resolve(key) != Resolution::Unknown).then_some(mapping)
    }

    /// The mapping holding the pair whose value is the top of `stack` (the pair's own scope).
    fn outer_mapping(&self, stack: &[Node<'t>], roles: &Roles) -> Option<usize> {
        let below = stack.len().checked_sub(1)?;
        (below.saturating_sub(3)..below)
            .rev()
            .find(|&i| {
                roles
                    .pair
                    .get(usize::from(stack[i].kind_id()))
                    .is_some_and(|f| f.is_some())
            })
            .and_then(|i| i.checked_sub(1))
            .map(|i| stack[i].id())
    }

    /// The shape the keys of mapping `scope` give it: a response (`choices`, `usage`) or a
    /// model table entry (`pricing`, and in code `contextWindow`, `label`). Computed once.
    fn scope_shape(&mut self, scope: Node<'t>) -> Option<Shape> {
        if let Some(&s) = self.scope_shapes.get(&scope.id()) {
            return s;
        }
        let code = !self.syntax.config;
        // Table keys mark an object or mapping; call arguments may carry a `description`.
        let mapping = self.is(self.syntax.mappings, scope);
        let mut found = None;
        let mut c = scope.walk();
        for child in scope.named_children(&mut c) {
            let Some(&(_, kf, vf)) = self.syntax.pairs.iter().find(|p| p.0 == child.kind()) else {
                continue;
            };
            let Some((k, _)) = self.fields_named(child, kf, vf) else {
                continue;
            };
            found = self
                .shapes
                .of_sibling_key(&crate::rules::normalize(self.key_text(k)), code)
                .filter(|&s| mapping || s != Shape::Table);
            if found.is_some() {
                break;
            }
        }
        self.scope_shapes.insert(scope.id(), found);
        found
    }

    /// The statement (a child of a block) that holds `n`, given `n`'s ancestors.
    fn statement(n: Node<'t>, stack: &[Node<'t>], roles: &Roles) -> Node<'t> {
        let mut cur = n;
        for &p in stack.iter().rev() {
            if roles.is_block(p) {
                return cur;
            }
            cur = p;
        }
        cur
    }

    /// The id of the block that holds `stmt` (one of `stack`).
    fn block_of(&self, stmt: Node<'t>, stack: &[Node<'t>]) -> usize {
        let i = stack.iter().rposition(|p| p.id() == stmt.id());
        match i {
            Some(i) if i > 0 => stack[i - 1].id(),
            None => stack.last().map_or(stmt.id(), |p| p.id()),
            _ => stmt.id(),
        }
    }

    /// `(arguments, call)` when the node on top of `stack`'s children is a direct argument.
    fn direct_call(&self, stack: &[Node<'t>]) -> Option<(Node<'t>, Node<'t>)> {
        let [.., call, args] = stack else { return None };
        let &(_, _, af) = self.syntax.calls.iter().find(|k| k.0 == call.kind())?;
        (call.child_by_field_name(af)?.id() == args.id()).then_some((*args, *call))
    }

    /// Key and value children by field id; no field ids mean "first and last named child".
    fn fields(
        &self,
        n: Node<'t>,
        (key_field, value_field): (Option<u16>, Option<u16>),
    ) -> Option<(Node<'t>, Node<'t>)> {
        match (key_field, value_field) {
            (Some(k), Some(v)) => Some((n.child_by_field_id(k)?, n.child_by_field_id(v)?)),
            (None, None) => first_and_last_named(n),
            // A field name the grammar lacks: nothing to read.
            _ => None,
        }
    }

    /// Key and value children by field name (for the few nodes looked at after the walk).
    fn fields_named(
        &self,
        n: Node<'t>,
        key_field: &str,
        value_field: &str,
    ) -> Option<(Node<'t>, Node<'t>)> {
        if key_field.is_empty() {
            return first_and_last_named(n);
        }
        Some((
            n.child_by_field_name(key_field)?,
            n.child_by_field_name(value_field)?,
        ))
    }

    /// The key `key` (a part of the file's text) as written, read the way the prefilter reads
    /// one ([`crate::prefilter::key_span`] at its last byte): `client.videos.model_id` of
    /// `client.videos.model_id = …`, `.model` of `clients["video"].model = …`, and
    /// `speech-7.model` where a syntax error leaves the name `model` after `speech-7.`.
    fn written_key(&self, key: &'t str) -> Option<&'t str> {
        let at = (key.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        if key.is_empty() || at + key.len() > self.text.len() {
            return None;
        }
        self.text.get(crate::prefilter::key_span(
            self.text.as_bytes(),
            at + key.len() - 1,
        ))
    }

    /// Whether `key` (a part of the file's text, normalized in `self.key_buf`) is a model
    /// key, both as extraction reads it and as written ([`Walk::written_key`]): what the
    /// prefilter looks at must say so too, so that it never drops what extraction keeps.
    fn is_model_key(&self, key: &'t str) -> bool {
        self.rules.is_model_key_with(key, &self.key_buf)
            && self
                .written_key(key)
                .is_none_or(|written| written == key || self.rules.is_model_key(written))
    }

    /// The name of the member an assignment target names: `max_tokens` in
    /// `settings.max_tokens` or `params["max_tokens"]`.
    fn member_name(&self, target: Node<'t>) -> Option<&'t str> {
        let &(_, field) = self.syntax.members.iter().find(|m| m.0 == target.kind())?;
        let name = target.child_by_field_name(field)?;
        if self.is(self.syntax.strings, name) {
            self.string_value(name)
        } else if name.kind().ends_with("identifier") {
            Some(self.src(name))
        } else {
            None // `params[key] = …`: a computed name
        }
    }

    /// Records `n` when it is a named definition (a function, class or method, or a name
    /// bound to a function).
    fn note_definition(&mut self, n: Node<'t>) {
        if !NAMED_DEFINITIONS.contains(&n.kind()) {
            return;
        }
        if n.kind() == "variable_declarator"
            && !n
                .child_by_field_name("value")
                .is_some_and(|v| FUNCTIONS.contains(&v.kind()))
        {
            return;
        }
        if let Some(name) = n.child_by_field_name("name") {
            let name = self.src(name);
            self.note_container(n.byte_range(), name);
        }
    }

    fn note_container(&mut self, bytes: Range<usize>, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let mut end = name.len().min(MAX_ENCLOSING_NAME);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        self.containers.push((bytes, name[..end].to_string()));
    }

    /// Each site's enclosing definitions and mapping keys, outermost first, joined with `.`
    /// (`Summarizer.run`, `model_list.litellm_params`): the pair that is the site itself does
    /// not count. A line moved or a model changed leaves it as it was.
    fn name_enclosing(&mut self) {
        if self.containers.is_empty() {
            return;
        }
        for site in &mut self.facts.sites {
            let at = site.span.start_byte;
            let names: Vec<&str> = self
                .containers
                .iter()
                .filter(|(r, _)| r.start < at && at < r.end)
                .map(|(_, n)| n.as_str())
                .collect();
            if !names.is_empty() {
                site.enclosing = Some(names.join("."));
            }
        }
    }

    fn key_text(&self, k: Node) -> &'t str {
        let raw = self.src(k).trim();
        unquote(raw).unwrap_or(raw)
    }

    /// Looks through wrappers (`(x)`, `x as T`, YAML flow nodes) to the meaningful node.
    fn peel(&self, mut n: Node<'t>) -> Node<'t> {
        while self.is(self.syntax.wrappers, n) && n.named_child_count() >= 1 {
            match n.named_child(0) {
                Some(c) if !self.syntax.comments.contains(&c.kind()) => n = c,
                _ => break,
            }
        }
        n
    }

    /// Whether an assignment of `value` to `name` holds a place the prefilter marks in every
    /// file it lets through, so that the walk reaches it wherever it is nested
    /// (`if ((chatModel = env.M || "gpt-4o"))`, `cond ? (m = "gpt-4o") : …`): the name spells a
    /// model key word or a limit, or the value is a string the catalog resolves.
    fn marked_definition(&self, name: &str, value: Node<'t>) -> bool {
        let value = self.peel(value);
        self.rules.spells_model_key_word(name)
            || self.rules.is_limit_param(name)
            || self.rules.is_limit_env(name)
            || (self.is(self.syntax.strings, value)
                && self
                    .string_value(value)
                    .is_some_and(|t| self.cx.resolve(t) != Resolution::Unknown))
    }

    /// The constant value of a string literal, or `None` for interpolated strings.
    fn string_value(&self, n: Node) -> Option<&'t str> {
        if !self.syntax.interpolations.is_empty() {
            let mut c = n.walk();
            if n.named_children(&mut c)
                .any(|ch| self.syntax.interpolations.contains(&ch.kind()))
            {
                return None;
            }
        }
        unquote(self.src(n))
    }

    fn definition_before(&self, name: &str, at: usize) -> Option<usize> {
        // A definition in a blanked body may be the one the whole file would give. Once one
        // name sends the file back to be read whole, no other needs looking at.
        if !self.fell_short.get() && self.outline.is_some_and(|o| o.hides(name)) {
            self.fell_short.set(true);
        }
        let defs = self.constants.get(name)?;
        // Visible at `at`: made at module level, or in a function that holds `at` (a local of
        // another function is another variable).
        let visible = |i: &&usize| {
            self.assigns[**i]
                .function
                .as_ref()
                .is_none_or(|f| f.contains(&at))
        };
        defs.iter()
            .rev()
            .filter(visible)
            .find(|&&i| self.assigns[i].statement.start_byte() < at)
            .or_else(|| defs.iter().find(visible))
            .copied()
    }

    fn callee(&self, call: Node<'t>) -> Option<(String, Node<'t>)> {
        let &(_, cf, af) = self.syntax.calls.iter().find(|c| c.0 == call.kind())?;
        let callee = call.child_by_field_name(cf)?;
        let args = call.child_by_field_name(af)?;
        Some((
            self.src(callee).split_whitespace().collect::<String>(),
            args,
        ))
    }

    fn positional_args(&self, args: Node<'t>) -> Vec<Node<'t>> {
        let mut c = args.walk();
        args.named_children(&mut c)
            .filter(|a| {
                !self.is(self.syntax.comments, *a)
                    && !self.syntax.pairs.iter().any(|p| p.0 == a.kind())
            })
            .collect()
    }

    fn keyword_arg(&self, args: Node<'t>, name: &str) -> Option<Node<'t>> {
        let mut c = args.walk();
        let found = args.named_children(&mut c).find_map(|a| {
            let &(_, kf, vf) = self.syntax.pairs.iter().find(|p| p.0 == a.kind())?;
            let (k, v) = self.fields_named(a, kf, vf)?;
            (self.key_text(k) == name).then_some(v)
        });
        found
    }

    /// Follows a value to the string literal that names its model.
    fn eval_model(&mut self, n: Node<'t>, depth: u32) -> Option<Found<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let n = self.peel(n);
        if self.is(self.syntax.strings, n) {
            return self.string_value(n).map(|_| Found {
                literal: n,
                via: Via::Literal,
                holder: None,
            });
        }
        if self.is(self.syntax.identifiers, n) || self.is_member(n) {
            let name = self.src(n);
            // A same-file name, or else the parameter default of the function around.
            let (value, source) = match self.definition_before(name, n.start_byte()) {
                Some(i) => (self.assigns[i].value, Err(i)),
                None => {
                    let p = self.parameter_default(name, n.start_byte(), false)?;
                    (self.pairs[p].value, Ok(p))
                }
            };
            let found = self.eval_model(value, depth + 1)?;
            match source {
                Err(i) => self.used_assigns.insert(i),
                Ok(p) => self.used_defaults.borrow_mut().insert(p),
            };
            let via = match found.via {
                Via::Literal => Via::Constant {
                    name: name.to_string(),
                    line: self.span(value).line,
                },
                other => other,
            };
            return Some(Found {
                literal: found.literal,
                via,
                holder: found.holder.or_else(|| Some(name.to_string())),
            });
        }
        if let Some((callee, args)) = self.callee(n) {
            let positional = self.positional_args(args);
            if self.rules.is_env_getter(&callee) {
                let var = self.env_var(&positional);
                let default = self.env_default(args, &positional)?;
                let found = self.eval_model(default, depth + 1)?;
                return Some(Found {
                    literal: found.literal,
                    via: Via::EnvDefault { var },
                    holder: found.holder,
                });
            }
            if self.rules.is_value_method(&callee) {
                return None;
            }
            let first = *positional.first()?;
            let found = self.eval_model(first, depth + 1)?;
            let via = match found.via {
                Via::Literal => Via::Call { callee },
                other => other,
            };
            return Some(Found {
                literal: found.literal,
                via,
                holder: found.holder,
            });
        }
        if let Some((left, right)) = self.fallback(n) {
            let found = self
                .eval_model(right, depth + 1)
                .or_else(|| self.eval_model(left, depth + 1))?;
            let left_text = self.src(left);
            let via = match found.via {
                Via::Literal if left_text.contains("env") => Via::EnvDefault {
                    var: left_text
                        .rsplit('.')
                        .next()
                        .unwrap_or(left_text)
                        .to_string(),
                },
                other => other,
            };
            return Some(Found {
                literal: found.literal,
                via,
                holder: found.holder,
            });
        }
        None
    }

    /// The variable an environment getter reads (`os.getenv("OPENAI_MODEL", …)`), or "".
    fn env_var(&self, positional: &[Node<'t>]) -> String {
        positional
            .first()
            .and_then(|a| self.string_value(*a))
            .unwrap_or("")
            .to_string()
    }

    /// An environment getter's default: its second argument, or `default=`.
    fn env_default(&self, args: Node<'t>, positional: &[Node<'t>]) -> Option<Node<'t>> {
        positional
            .get(1)
            .copied()
            .or_else(|| self.keyword_arg(args, "default"))
    }

    /// The two sides of a fallback (`a or b`, `a || b`, `a ?? b`), if `n` is one.
    fn fallback(&self, n: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        let &(_, ops) = self.syntax.fallbacks.iter().find(|f| f.0 == n.kind())?;
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.src(o))
            .unwrap_or("");
        if !ops.contains(&op) {
            return None;
        }
        Some((
            n.child_by_field_name("left")?,
            n.child_by_field_name("right")?,
        ))
    }

    /// An integer limit value; `None` when it is computed at run time. Follows same-file names,
    /// a function's parameter default, both branches of a conditional (the largest), number
    /// conversions (`int(…)`, `Number(…)`), an environment getter's default
    /// (`os.getenv("MAX_TOKENS", "4096")`), a lookup's default (`data.get("max_tokens", 500)`)
    /// and the literal side of a fallback (`parseInt(process.env.MAX_TOKENS) || 2000`).
    fn eval_int(&self, n: Node<'t>, depth: u32) -> Option<Int<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let n = self.peel(n);
        let plain = |value| Int {
            value,
            node: n,
            conditional: false,
        };
        if self.is(self.syntax.numbers, n) {
            return parse_int(self.src(n)).map(plain);
        }
        if self.is(self.syntax.strings, n) {
            // `max_tokens: 2_000` is a string to YAML 1.2, `"max_tokens": "4000"` in some configs.
            return self.string_value(n).and_then(parse_int).map(plain);
        }
        if self.is(self.syntax.identifiers, n) {
            let name = self.src(n);
            if let Some(i) = self.definition_before(name, n.start_byte()) {
                // `max_tokens = 1000` … `create(max_tokens=max_tokens)`: one limit, the call's.
                self.used_limit_assigns.borrow_mut().insert(i);
                return self.eval_int(self.assigns[i].value, depth + 1);
            }
            let p = self.parameter_default(name, n.start_byte(), true)?;
            self.used_defaults.borrow_mut().insert(p);
            return self.eval_int(self.pairs[p].value, depth + 1);
        }
        if let Some((callee, args)) = self.callee(n) {
            let positional = self.positional_args(args);
            let arg = if self.rules.is_int_call(&callee) {
                positional.first().copied()
            } else if self.rules.is_env_getter(&callee) {
                self.env_default(args, &positional)
            } else if callee.ends_with(".get") && positional.len() == 2 {
                positional.get(1).copied()
            } else {
                None
            };
            return self.eval_int(arg?, depth + 1);
        }
        if let Some((left, right)) = self.fallback(n) {
            return self
                .eval_int(right, depth + 1)
                .or_else(|| self.eval_int(left, depth + 1));
        }
        let &(_, then_field, else_field) =
            self.syntax.conditionals.iter().find(|c| c.0 == n.kind())?;
        let (then, other) = self.fields_named(n, then_field, else_field)?;
        let branches = [
            self.eval_int(then, depth + 1),
            self.eval_int(other, depth + 1),
        ];
        let largest = branches.into_iter().flatten().max_by_key(|i| i.value)?;
        Some(Int {
            conditional: true,
            ..largest
        })
    }

    /// The pairs in order, parameter defaults last: a call that reads one through the
    /// parameter's name claims it first.
    fn defaults_last(&self) -> Vec<usize> {
        let is_default = |i: &usize| {
            self.syntax
                .parameter_defaults
                .contains(&self.pairs[*i].node.kind())
        };
        let (defaults, others): (Vec<usize>, Vec<usize>) =
            (0..self.pairs.len()).partition(is_default);
        others.into_iter().chain(defaults).collect()
    }

    /// The model of the table row `scope`: the model-name key it is filed under, or the text
    /// of the model key beside the limit, whether or not the catalog knows it (a known one is
    /// also a reference). `None` when the row names no model.
    fn table_model(&mut self, scope: Node<'t>) -> Option<TableModel> {
        let literal = match self.table_entries.get(&scope.id()) {
            Some(&key) => key,
            None => {
                let value = self
                    .pairs
                    .iter()
                    .find(|p| !p.is_limit && p.scope.id() == scope.id())?
                    .value;
                self.eval_model(value, 0)?.literal
            }
        };
        let text = self.key_text(literal);
        if text.is_empty() {
            return None;
        }
        let resolution = self.cx.resolve(text);
        // A row names a model: `{"model": "llm.model", "max_tokens": "llm.max_tokens"}` maps
        // settings to attribute names.
        if !crate::context::is_model_text(text, &resolution) {
            return None;
        }
        if resolution != Resolution::Unknown {
            self.reference(literal, resolution);
        }
        Some(TableModel {
            text: text.to_string(),
            line: self.span(literal).line,
        })
    }

    /// A literal naming a provider and a model the catalog knows: promptfoo's
    /// `id: anthropic:messages:claude-3-haiku-20240307`, `openai:gpt-4o`.
    fn names_provider_model(&self, value: Node<'t>) -> bool {
        let v = self.peel(value);
        self.is(self.syntax.strings, v)
            && self
                .string_value(v)
                .is_some_and(|t| t.contains(':') && self.cx.resolve(t) != Resolution::Unknown)
    }

    /// A member expression: `self.model_id`, `config.model`.
    fn is_member(&self, n: Node<'t>) -> bool {
        self.syntax.members.iter().any(|m| m.0 == n.kind())
    }

    /// The limit pair (or, with `limit` false, the model pair) that is the parameter default
    /// named `name` of a function around byte `at` (the last one before it).
    fn parameter_default(&self, name: &str, at: usize, limit: bool) -> Option<usize> {
        self.pairs.iter().rposition(|p| {
            p.is_limit == limit
                && p.node.start_byte() < at
                && p.key == name
                && self.syntax.parameter_defaults.contains(&p.node.kind())
                // A parameter of a function that holds `at`, not of another one.
                && p.scope
                    .parent()
                    .is_some_and(|f| f.byte_range().contains(&at))
        })
    }

    fn add_limit(
        &mut self,
        param: &str,
        value: Node<'t>,
        span: crate::diagnostic::Span,
        scope: usize,
        reach: Reach,
    ) -> bool {
        // `max_tokens=None`, `maxTokens: ""`: written out as no limit, so none (the call is
        // priced at the model's maximum and `missing-max-tokens` says so).
        let v = self.peel(value);
        let empty = self.is(self.syntax.strings, v) && self.string_value(v) == Some("");
        if empty || matches!(self.src(v), "None" | "null" | "undefined" | "nil" | "~") {
            return false;
        }
        let found = self.eval_int(value, 0);
        let value_line = found
            .map(|i| i.node.start_position().row as u32 + 1)
            .filter(|&l| l != span.line);
        let idx = self.facts.limits.len();
        self.facts.limits.push(LimitRef {
            param: param.to_string(),
            value: found.map(|i| i.value),
            value_line,
            conditional: found.is_some_and(|i| i.conditional),
            table_model: None,
            span,
            bound: false,
        });
        self.limit_scopes.entry(scope).or_default().push(idx);
        self.limit_reach.push(reach);
        true
    }

    fn limits(&mut self) {
        for i in self.defaults_last() {
            let p = &self.pairs[i];
            if !p.is_limit || self.used_defaults.borrow().contains(&i) {
                continue;
            }
            let (key, node, value, scope, reach, shape) = (
                p.key.clone(),
                p.node,
                p.value,
                p.scope,
                p.reach.clone(),
                p.shape,
            );
            // Only a mapping that names a model is a table row.
            let row = self
                .pairs
                .iter()
                .any(|m| !m.is_limit && m.scope.id() == scope.id());
            let shape = shape.or_else(|| self.scope_shape(scope).filter(|_| row));
            match shape {
                None => {
                    self.add_limit(&key, value, self.span(node), scope.id(), reach);
                }
                // A settings table's limit is bound to its row's model, and calls nothing.
                Some(Shape::Table) => {
                    let model = self.table_model(scope);
                    // An image or embedding model's row has no output limit to speak of.
                    let model = model.filter(|m| !self.rules.is_non_text_model(&m.text));
                    if let Some(model) = model {
                        let added = self.add_limit(
                            &key,
                            value,
                            self.span(node),
                            scope.id(),
                            Reach::default(),
                        );
                        if let Some(l) = self.facts.limits.last_mut().filter(|_| added) {
                            l.table_model = Some(model);
                            l.bound = true;
                        }
                    }
                }
                // A limit in a response, a mock or recorded data is no request's limit.
                Some(_) => {}
            }
        }
        for i in 0..self.assigns.len() {
            let a = &self.assigns[i];
            let used = self.used_limit_assigns.borrow().contains(&i);
            if a.shape.is_none() && !used && self.rules.is_limit_param(&a.name) {
                let (name, value, scope) = (a.name.clone(), a.value, a.scope);
                let span = self.span(a.statement);
                let reach = Reach {
                    chain: vec![scope],
                    holder: None,
                };
                self.add_limit(&name, value, span, scope, reach);
            }
        }
    }

    /// Records the reference for a literal node (once) and returns its index.
    fn reference(&mut self, literal: Node<'t>, resolution: Resolution) -> Option<usize> {
        if let Some(&i) = self.ref_of.get(&literal.id()) {
            return Some(i);
        }
        let text = self.string_value(literal)?.to_string();
        let i = self.facts.refs.len();
        self.facts.refs.push(ModelRef {
            text,
            span: self.span(literal),
            resolution,
        });
        self.ref_of.insert(literal.id(), i);
        Some(i)
    }

    fn add_site(
        &mut self,
        found: Found<'t>,
        key: Option<String>,
        at: crate::diagnostic::Span,
        scope: Option<usize>,
        priced_as: Option<Resolution>,
    ) -> bool {
        let Some(value) = self.string_value(found.literal) else {
            return false;
        };
        let mut resolution = self.cx.resolve(value);
        if resolution == Resolution::Unknown {
            resolution = priced_as.unwrap_or(Resolution::Unknown);
        }
        // An audio, image or video model the catalog prices is still no text request.
        if !is_model_text(value, &resolution) || self.rules.is_non_text_model(value) {
            return false;
        }
        // A name the catalog does not know counts only where it is plainly a model choice: the
        // value of a model key, of a model-named constant, or an environment default given
        // there (`model=os.getenv(…)`, `OPENAI_MODEL = os.getenv(…)`, not `LLM = os.getenv(…)`).
        // Not the argument of some other call (`openai.image("dall-e-3")`), which may not be a
        // text model.
        let direct = match &found.via {
            Via::Literal => true,
            Via::EnvDefault { .. } => found
                .holder
                .as_ref()
                .is_none_or(|h| self.rules.is_model_key(h)),
            Via::Constant { name, .. } => self.rules.is_model_key(name),
            Via::Call { .. } => false,
        };
        if resolution == Resolution::Unknown && !direct {
            return false;
        }
        self.consumed.insert(found.literal.id());
        let Some(model) = self.reference(found.literal, resolution) else {
            return false;
        };
        self.facts.sites.push(SiteFact {
            span: at,
            key,
            model,
            via: found.via,
            limit: None,
            enclosing: None,
        });
        self.site_scopes.push(scope);
        true
    }

    /// Model keys in calls, options objects and mappings: each a call site unless its shape
    /// says otherwise, it is a config alias, or it prices a sibling site (`base_model`).
    fn model_pairs(&mut self) {
        let mut aliased = HashSet::new();
        let mut pricing = HashMap::new();
        for (i, p) in self.pairs.iter().enumerate() {
            let (Some(outer), None, false) = (p.outer, p.shape, p.is_limit) else {
                continue;
            };
            if self
                .shapes
                .is_pricing_model_key(&crate::rules::normalize(&p.key))
            {
                pricing.insert(outer, i);
            } else {
                aliased.insert(outer);
            }
        }
        for i in self.defaults_last() {
            let p = &self.pairs[i];
            let key = crate::rules::normalize(&p.key);
            let alias = self.shapes.is_alias_key(&key) && aliased.contains(&p.scope.id());
            // A parameter default that a call reads through its name is that call's site.
            if p.is_limit || self.used_defaults.borrow().contains(&i) {
                continue;
            }
            let (node, value, scope, outer, shape) = (p.node, p.value, p.scope, p.outer, p.shape);
            if shape.is_some()
                || alias
                || self.shapes.is_pricing_model_key(&key)
                || self.scope_shape(scope).is_some()
            {
                self.reference_only(value);
                continue;
            }
            let key = self.pairs[i].key.clone();
            match self.eval_model(value, 0) {
                Some(found) => {
                    // A literal that is not a model (`"auto"`, an image model) is neither a site
                    // nor a run-time choice.
                    let at = self.span(node);
                    let priced_as = outer
                        .and_then(|o| pricing.get(&o))
                        .and_then(|&b| self.priced_as(b));
                    self.scope_nodes.insert(scope.id(), scope);
                    self.add_site(found, Some(key), at, Some(scope.id()), priced_as);
                }
                // Counted only beside a limit with a readable value: the prefilter always lets
                // such a file through, so the count does not depend on which files it reads.
                None if !self.is_plain_data(value) && self.readable_limit_in(scope.id()) => {
                    self.facts.dynamic_models += 1
                }
                None => {}
            }
        }
    }

    /// The model a value names, if the catalog knows it, as a reference and never a site
    /// (`literals` then passes it by).
    fn reference_only(&mut self, value: Node<'t>) {
        let Some(found) = self.eval_model(value, 0) else {
            return;
        };
        let Some(text) = self.string_value(found.literal) else {
            return;
        };
        let resolution = self.cx.resolve(text);
        if resolution != Resolution::Unknown {
            self.reference(found.literal, resolution);
        }
    }

    /// How a site is priced when the catalog does not know its own model text: as the model
    /// of pricing pair `b` (`model_info.base_model`), if the catalog knows that.
    fn priced_as(&mut self, b: usize) -> Option<Resolution> {
        let (key, value) = (self.pairs[b].key.clone(), self.pairs[b].value);
        let found = self.eval_model(value, 0)?;
        let text = self.string_value(found.literal)?;
        let id = self.cx.resolve(text).id()?.to_string();
        Some(Resolution::Approximate {
            id,
            why: format!("priced as its `{key}` `{text}`"),
        })
    }

    fn readable_limit_in(&self, scope: usize) -> bool {
        self.limit_scopes
            .get(&scope)
            .is_some_and(|ls| ls.iter().any(|&l| self.facts.limits[l].value.is_some()))
    }

    /// Values that are data rather than a model choice computed at run time (`model: null`,
    /// `model: {…}` in a config or a schema).
    fn is_plain_data(&self, value: Node<'t>) -> bool {
        let v = self.peel(value);
        !(self.is(self.syntax.identifiers, v)
            || self.syntax.calls.iter().any(|c| c.0 == v.kind())
            || v.kind().contains("member")
            || v.kind() == "attribute"
            || v.kind() == "subscript")
    }

    /// `MODEL = "gpt-4o"` at module or class level that no call in the file uses: the
    /// definition is the site.
    fn model_assignments(&mut self) {
        for i in 0..self.assigns.len() {
            let a = &self.assigns[i];
            if self.used_assigns.contains(&i) || a.shape.is_some() || !a.top_level {
                continue;
            }
            let a = &self.assigns[i];
            let (value, stmt, name, scope) = (a.value, a.statement, a.name.clone(), a.scope);
            if let Some(found) = self.eval_model(value, 0) {
                if !self.consumed.contains(&found.literal.id()) {
                    let at = self.span(stmt);
                    self.add_site(found, Some(name), at, Some(scope), None);
                }
            }
        }
    }

    /// Every other string literal: a reference when it names a known model; a site when it is
    /// passed directly to a call (`ChatAnthropic("claude-…")`).
    fn literals(&mut self) {
        for i in 0..self.strings.len() {
            let str = &self.strings[i];
            let (n, prose) = (str.node, str.prose);
            // A model passed to a comparison, lookup, assertion or mock is a reference only.
            let call = str.call.filter(|_| str.shape.is_none());
            if prose || self.ref_of.contains_key(&n.id()) {
                continue;
            }
            let Some(value) = self.string_value(n) else {
                continue;
            };
            if value.is_empty() || value.len() > 200 {
                continue;
            }
            let resolution = self.cx.resolve(value);
            if matches!(resolution, Resolution::Unknown) {
                continue;
            }
            if let Some((args, call)) = call {
                let callee = self.callee(call).map(|c| c.0).unwrap_or_default();
                // `PRICES.get("gpt-4o")` looks a model up; `cfg.get("model", "gpt-4o")` falls
                // back to one, but `cfg.get_str("tokenizer_model", "gpt-4")` falls back to a
                // tokenizer's, an embedding's or a speech model, not a request's.
                let positional = self.positional_args(args);
                let looked_up = positional.first().is_some_and(|a| {
                    if a.id() == n.id() {
                        self.shapes.is_default_getter(&callee)
                    } else {
                        self.is(self.syntax.strings, *a)
                            && self
                                .string_value(*a)
                                .is_some_and(|k| self.rules.names_excluded_model(k))
                    }
                });
                if looked_up {
                    self.reference(n, resolution);
                    continue;
                }
                let via = if self.rules.is_env_getter(&callee) {
                    let var = self.env_var(&positional);
                    Via::EnvDefault { var }
                } else {
                    Via::Call { callee }
                };
                let at = self.span(n);
                self.scope_nodes.insert(args.id(), args);
                self.add_site(
                    Found {
                        literal: n,
                        via,
                        holder: None,
                    },
                    None,
                    at,
                    Some(args.id()),
                    None,
                );
                continue;
            }
            // A capitalised spelling of a lower-case id, away from any call or model key, is a
            // display label (`("gpt-5.5", "GPT-5.5")`, `name: GPT-4`), not a model reference.
            // Hub ids keep their case (`Qwen/Qwen3-32B`): a name with an owner is left alone.
            let display_label = matches!(
                resolution,
                Resolution::Exact { .. } | Resolution::Approximate { .. }
            ) && value.bytes().any(|b| b.is_ascii_uppercase())
                && !value.contains('/')
                && !self.cx.catalog.spells(value);
            if display_label {
                continue;
            }
            self.reference(n, resolution);
        }
    }

    /// Docstrings, bare string statements, and arguments of logging, error and test-name calls,
    /// judged from the string's ancestors.
    fn is_prose(&self, stack: &[Node<'t>]) -> bool {
        let Some(parent) = stack.last() else {
            return false;
        };
        if self.is(self.syntax.string_statements, *parent) {
            return true;
        }
        for &cur in stack.iter().rev().take(4) {
            if self.syntax.calls.iter().any(|c| c.0 == cur.kind()) {
                return self
                    .callee(cur)
                    .is_some_and(|(callee, _)| self.rules.is_prose_call(&callee));
            }
            if python_raise(cur) {
                return true;
            }
        }
        false
    }

    fn directives(&mut self, root: Node<'t>) {
        for i in 0..self.comments.len() {
            let c = self.comments[i];
            let body = self.src(c);
            if !body.contains("costlint:") {
                continue;
            }
            let span = self.span(c);
            let parsed = self.outline.map_or(self.text, |o| o.text.as_str());
            let covers = vec![
                line_range(self.text, c.start_byte()),
                next_statement(parsed, root, c.end_byte()),
            ];
            directive::parse(body, span, covers, &mut self.facts);
        }
    }
}

/// Key and value of a construct without fields (a JSX attribute): its first and last named
/// children.
fn first_and_last_named(n: Node) -> Option<(Node, Node)> {
    let count = n.named_child_count();
    if count < 2 {
        return None;
    }
    Some((n.named_child(0)?, n.named_child(count as u32 - 1)?))
}

fn python_raise(n: Node) -> bool {
    n.kind() == "raise_statement" || n.kind() == "assert_statement" || n.kind() == "throw_statement"
}

/// The text of a literal without quotes and string prefixes; plain text is returned as is.
pub(crate) fn unquote(raw: &str) -> Option<&str> {
    let t = raw.trim_start_matches(['r', 'R', 'b', 'B', 'u', 'U', 'f', 'F']);
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if t.len() >= 2 * q.len() && t.starts_with(q) && t.ends_with(q) {
            return t.get(q.len()..t.len() - q.len());
        }
    }
    if raw.starts_with(['"', '\'', '`']) {
        return None; // unterminated
    }
    Some(raw)
}

/// `8000`, `8_000`, `8e3`, `0x1F40`, `8000.0`: an integer, or `None`.
pub(crate) fn parse_int(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    // A digit separator stands between two digits (or after a base prefix, `0x_1F40`), as in
    // Python and JavaScript: `"_000"` is no number to `int()`.
    let b = raw.as_bytes();
    let separated = |i: usize| {
        i > 0
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    };
    // A number starts with a digit or a sign: `.000` is a member access or no number.
    if (0..b.len()).any(|i| matches!(b[i], b'_' | b'\'') && !separated(i))
        || b.first() == Some(&b'.')
    {
        return None;
    }
    let t: String = raw.chars().filter(|&c| c != '_' && c != '\'').collect();
    let t = t.trim_end_matches(['n', 'L', 'l', 'u', 'U']);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok();
    }
    if let Ok(v) = t.parse::<u64>() {
        return Some(v);
    }
    let f: f64 = t.parse().ok()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1e15).then_some(f as u64)
}

/// Bytes of the line holding `at`.
fn line_range(text: &str, at: usize) -> Range<usize> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| at + i);
    start..end
}

/// Bytes of the largest node that starts on the first code line after byte `after`, up to
/// where code resumes after it (see [`past_trivia`]); `text` is what was parsed.
fn next_statement(text: &str, root: Node, after: usize) -> Range<usize> {
    let rest = text.get(after..).unwrap_or("");
    let mut offset = after;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let first = offset + (line.len() - trimmed.len());
        offset += line.len();
        if trimmed.trim().is_empty() {
            continue;
        }
        let Some(mut n) = root.descendant_for_byte_range(first, first) else {
            break;
        };
        if n.kind().contains("comment") {
            continue;
        }
        while let Some(p) = n.parent() {
            if p.start_byte() != n.start_byte() || p.parent().is_none() {
                break;
            }
            n = p;
        }
        return n.start_byte()..past_trivia(text, root, n.end_byte()).max(first);
    }
    after..after
}

/// Where code resumes after `end` in the parsed `text`: past white space, `;` and comment
/// nodes. A statement's range runs to there, so that it is the same whether its last body was
/// parsed or blanked by an outline (which ends the statement at the body's stub).
fn past_trivia(text: &str, root: Node, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        end += bytes[end.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || **b == b';')
            .count();
        match root.descendant_for_byte_range(end, end) {
            Some(c)
                if c.kind().contains("comment") && c.start_byte() == end && c.end_byte() > end =>
            {
                end = c.end_byte();
            }
            _ => return end.min(bytes.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_strips_quotes_and_prefixes() {
        assert_eq!(unquote("\"gpt-4o\""), Some("gpt-4o"));
        assert_eq!(unquote("'gpt-4o'"), Some("gpt-4o"));
        assert_eq!(unquote("f\"gpt-4o\""), Some("gpt-4o"));
        assert_eq!(unquote("\"\"\"doc\"\"\""), Some("doc"));
        assert_eq!(unquote("`x`"), Some("x"));
        assert_eq!(unquote("plain"), Some("plain"));
        assert_eq!(unquote("\"open"), None);
    }

    #[test]
    fn integers_in_every_spelling() {
        assert_eq!(parse_int("8000"), Some(8000));
        assert_eq!(parse_int("8_000"), Some(8000));
        assert_eq!(parse_int("_000"), None);
        assert_eq!(parse_int("8__000"), None);
        assert_eq!(parse_int("8000_"), None);
        assert_eq!(parse_int(".000"), None);
        assert_eq!(parse_int("0x1F40"), Some(8000));
        assert_eq!(parse_int("8e3"), Some(8000));
        assert_eq!(parse_int("8000.0"), Some(8000));
        assert_eq!(parse_int("80.5"), None);
        assert_eq!(parse_int("-1"), None);
        assert_eq!(parse_int("1000n"), Some(1000));
    }
}

//! Container environments in YAML files: docker-compose `environment:` as a list
//! (`- OPENAI_MODEL=gpt-4o`) or a map (`OPENAI_MODEL: gpt-4o`), Kubernetes and Helm `env:`
//! entries (`- name: OPENAI_MODEL` / `value: gpt-4o`), and the other keys `env_blocks` in
//! `rules/extract.yaml` names. Each such block is one environment and binds like a `.env` file
//! (see [`env::bind`]): a limit variable takes the model variable sharing the longest prefix
//! with it.
//!
//! This is a pass over the syntax tree after the generic walk (`code`): what the walk found
//! inside an entry is replaced by what the entry says as an environment variable.

use super::env::{self, Entry, Lines};
use super::{Context, FileFacts};
use crate::lang::{Lang, Syntax};
use crate::rules::ExtractRules;
use std::ops::Range;
use tree_sitter::Node;

/// Reads the environments of a YAML file's tree into `facts`, the walk's facts of the same
/// file. Does nothing for other formats.
pub(super) fn read(syntax: &Syntax, root: Node, text: &str, cx: &Context, facts: &mut FileFacts) {
    if !Lang::Yaml.syntax().is_some_and(|s| std::ptr::eq(s, syntax)) {
        return;
    }
    let blocks = environments(root, text);
    if blocks.is_empty() {
        return;
    }
    let covered: Vec<Range<usize>> = blocks
        .iter()
        .flatten()
        .map(|e| e.statement.clone())
        .collect();
    drop_within(facts, &covered);
    let lines = Lines::new(text);
    for entries in &blocks {
        env::bind(text, &lines, entries, cx, facts);
    }
}

/// The entries of every environment block under `root`, block by block (none empty).
fn environments(root: Node, text: &str) -> Vec<Vec<Entry>> {
    let rules = ExtractRules::get();
    let mut blocks = Vec::new();
    let mut cursor = root.walk();
    loop {
        let n = cursor.node();
        if is_pair(n) {
            let key = n.child_by_field_name("key").and_then(|k| scalar(k, text));
            let value = n.child_by_field_name("value");
            if let (Some(key), Some(value)) = (key, value) {
                if text.get(key).is_some_and(|k| rules.is_env_block(k)) {
                    let entries = entries(value, text, rules);
                    if !entries.is_empty() {
                        blocks.push(entries);
                    }
                }
            }
        }
        // Scalars hold nothing more.
        let leaf = matches!(
            n.kind(),
            "plain_scalar" | "double_quote_scalar" | "single_quote_scalar"
        );
        if !leaf && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return blocks;
            }
        }
    }
}

/// The entries of an environment block's value: a map, or a list of `KEY=value` strings or of
/// `{name, value}` mappings. Anything else in it is not an entry.
fn entries(value: Node, text: &str, rules: &ExtractRules) -> Vec<Entry> {
    let value = peel(value);
    let mut out = Vec::new();
    if is_mapping(value) {
        for (pair, k, v) in pairs(value) {
            if let (Some(key), Some(value)) = (scalar(k, text), scalar(v, text)) {
                out.push(Entry {
                    key,
                    value,
                    whole: pair.byte_range(),
                    statement: pair.byte_range(),
                });
            }
        }
    } else if is_sequence(value) {
        for item in items(value) {
            let inner = peel(item);
            let entry = if is_mapping(inner) {
                named_entry(inner, text, rules)
            } else {
                assignment(inner, text)
            };
            out.extend(entry.map(|(key, value, whole)| Entry {
                key,
                value,
                whole,
                statement: item.byte_range(),
            }));
        }
    }
    out
}

/// `KEY=value` in a list item: key, value and the whole string.
#[allow(clippy::type_complexity)]
fn assignment(n: Node, text: &str) -> Option<(Range<usize>, Range<usize>, Range<usize>)> {
    let whole = scalar(n, text)?;
    let s = text.get(whole.clone())?;
    let eq = s.find('=')?;
    let key = env::trimmed(whole.start, &s[..eq]);
    let value = env::trimmed(whole.start + eq + 1, &s[eq + 1..]);
    let value = env::unquoted(value.start, text.get(value.clone())?);
    (!key.is_empty()).then_some((key, value, whole))
}

/// A Kubernetes entry `{name: KEY, value: v}`: key, value and the whole mapping. `None` when
/// either is missing (`valueFrom` reads the value elsewhere) or is not a scalar.
#[allow(clippy::type_complexity)]
fn named_entry(
    mapping: Node,
    text: &str,
    rules: &ExtractRules,
) -> Option<(Range<usize>, Range<usize>, Range<usize>)> {
    let field = |name: &str| {
        pairs(mapping).find_map(|(_, k, v)| {
            let key = scalar(k, text)?;
            (text.get(key)? == name).then(|| scalar(v, text)).flatten()
        })
    };
    let key = field(&rules.env_entry_name)?;
    let value = field(&rules.env_entry_value)?;
    Some((key, value, mapping.byte_range()))
}

/// Removes the facts found inside `ranges`, keeping the indices between them right, and binds
/// again the limits the remaining sites claim.
fn drop_within(facts: &mut FileFacts, ranges: &[Range<usize>]) {
    facts.drop_inside(ranges);
    for l in &mut facts.limits {
        l.bound = false;
    }
    for s in &facts.sites {
        if let Some(l) = s.limit.and_then(|l| facts.limits.get_mut(l)) {
            l.bound = true;
        }
    }
}

fn is_pair(n: Node) -> bool {
    matches!(n.kind(), "block_mapping_pair" | "flow_pair")
}

fn is_mapping(n: Node) -> bool {
    matches!(n.kind(), "block_mapping" | "flow_mapping")
}

fn is_sequence(n: Node) -> bool {
    matches!(n.kind(), "block_sequence" | "flow_sequence")
}

/// Looks through YAML's wrapper nodes (and a node's tag or anchor) to the node that holds
/// the value.
fn peel(mut n: Node) -> Node {
    while matches!(n.kind(), "block_node" | "flow_node" | "plain_scalar") {
        let mut c = n.walk();
        let inner = n
            .named_children(&mut c)
            .find(|c| !matches!(c.kind(), "comment" | "anchor" | "tag"));
        match inner {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}

/// The bytes of a scalar's value, without quotes; `None` for anything else (a mapping, a list,
/// a block scalar, an alias).
fn scalar(n: Node, text: &str) -> Option<Range<usize>> {
    let n = peel(n);
    let r = n.byte_range();
    match n.kind() {
        "string_scalar" | "integer_scalar" | "float_scalar" | "boolean_scalar" | "null_scalar" => {
            Some(r)
        }
        "double_quote_scalar" | "single_quote_scalar" => {
            let s = text.get(r.clone())?;
            (s.len() >= 2).then(|| r.start + 1..r.end - 1)
        }
        _ => None,
    }
}

/// The pairs of a mapping: (pair, key, value).
fn pairs<'t>(mapping: Node<'t>) -> impl Iterator<Item = (Node<'t>, Node<'t>, Node<'t>)> + 't {
    let mut c = mapping.walk();
    let all: Vec<Node<'t>> = mapping
        .named_children(&mut c)
        .filter(|p| is_pair(*p))
        .collect();
    all.into_iter().filter_map(|p| {
        Some((
            p,
            p.child_by_field_name("key")?,
            p.child_by_field_name("value")?,
        ))
    })
}

/// The items of a sequence, each the node that holds its value.
fn items(seq: Node) -> Vec<Node> {
    let mut c = seq.walk();
    let children: Vec<Node> = seq.named_children(&mut c).collect();
    children
        .into_iter()
        .filter_map(|item| match item.kind() {
            "block_sequence_item" => {
                let mut c = item.walk();
                let inner = item.named_children(&mut c).find(|c| c.kind() != "comment");
                inner
            }
            "flow_node" => Some(item),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Key and value of each entry of each environment in YAML `text`.
    fn read(text: &str) -> Vec<Vec<(&str, &str)>> {
        let mut parser = tree_sitter::Parser::new();
        let Some(syntax) = Lang::Yaml.syntax() else {
            panic!("no YAML grammar");
        };
        let _ = parser.set_language(&(syntax.language)());
        let Some(tree) = parser.parse(text, None) else {
            panic!("no tree");
        };
        environments(tree.root_node(), text)
            .into_iter()
            .map(|b| {
                b.into_iter()
                    .map(|e| (&text[e.key], &text[e.value]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn compose_lists_and_maps() {
        let text = "services:\n  api:\n    environment:\n      - OPENAI_MODEL=gpt-4o\n      - \"OPENAI_MAX_TOKENS=4000\"\n      - PASSED_THROUGH\n  worker:\n    environment:\n      OPENAI_MODEL: '${OPENAI_MODEL:-gpt-4o}'\n      OPENAI_MAX_TOKENS: 4000\n      NESTED: {a: 1}\n";
        assert_eq!(
            read(text),
            [
                vec![("OPENAI_MODEL", "gpt-4o"), ("OPENAI_MAX_TOKENS", "4000")],
                vec![
                    ("OPENAI_MODEL", "${OPENAI_MODEL:-gpt-4o}"),
                    ("OPENAI_MAX_TOKENS", "4000")
                ],
            ]
        );
    }

    #[test]
    fn kubernetes_name_value_entries() {
        let text = "spec:\n  containers:\n    - name: api\n      env:\n        - name: OPENAI_MODEL\n          value: gpt-4o\n        - name: SECRET\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n        - {name: OPENAI_MAX_TOKENS, value: \"4000\"}\n";
        assert_eq!(
            read(text),
            [vec![
                ("OPENAI_MODEL", "gpt-4o"),
                ("OPENAI_MAX_TOKENS", "4000")
            ]]
        );
    }

    #[test]
    fn other_keys_are_not_environments() {
        assert!(
            read("llm:\n  model: gpt-4o\n  max_tokens: 10\nenvironment: production\n").is_empty()
        );
    }
}

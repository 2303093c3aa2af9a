//! Where a key or a value sits in a YAML file, found by its path of keys, so that an error about
//! a policy file can underline exactly the text the user wrote.
//!
//! A path is a list of segments from the top of the document: a mapping is entered by key, a list
//! by the item's index written as a number (`["usage", "overrides", "0", "paths"]`).

use std::ops::Range;
use tree_sitter::{Node, Parser, Tree};

/// Bytes of the key at `path` (for a list item, the whole item).
pub fn key_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let tree = parse(text)?;
    let (key, value) = find(tree.root_node(), text, path)?;
    key.or(value).map(|n| n.byte_range())
}

/// Bytes of the value at `path`; for a key with no value (`key:`), the key itself.
pub fn value_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let tree = parse(text)?;
    let (key, value) = find(tree.root_node(), text, path)?;
    value.or(key).map(|n| n.byte_range())
}

/// The first key that appears twice in one mapping, and the bytes of its second appearance.
pub(super) fn first_duplicate_key(text: &str) -> Option<(String, Range<usize>)> {
    let tree = parse(text)?;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "block_mapping" | "flow_mapping") {
            let mut seen = Vec::new();
            for child in named(node) {
                let Some(key) = child.child_by_field_name("key") else {
                    continue;
                };
                let Some(name) = scalar_text(content(key), text) else {
                    continue;
                };
                if seen.contains(&name) {
                    return Some((name, key.byte_range()));
                }
                seen.push(name);
            }
        }
        // Depth first, in file order.
        stack.extend(named(node).into_iter().rev());
    }
    None
}

fn parse(text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_yaml::LANGUAGE.into())
        .ok()?;
    parser.parse(text, None)
}

/// The key node (absent for list items) and the value node (absent for `key:` with nothing after
/// it) at `path`.
fn find<'t>(
    root: Node<'t>,
    text: &str,
    path: &[&str],
) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    let mut key = None;
    let mut value = Some(content(root));
    for segment in path {
        let node = content(value?);
        let (k, v) = match node.kind() {
            "block_mapping" | "flow_mapping" => entry(node, text, segment)?,
            "block_sequence" | "flow_sequence" => (None, Some(item(node, segment.parse().ok()?)?)),
            _ => return None,
        };
        key = k;
        value = v;
    }
    Some((key, value))
}

/// The node that carries `node`'s data: through the stream, the document, and any anchor or tag.
fn content(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    loop {
        let inner = match node.kind() {
            "stream" | "document" | "block_node" | "flow_node" => {
                named(node).into_iter().find(|c| {
                    !matches!(
                        c.kind(),
                        "anchor"
                            | "tag"
                            | "yaml_directive"
                            | "tag_directive"
                            | "reserved_directive"
                    )
                })
            }
            _ => None,
        };
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// Named children other than comments.
fn named(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The key and value of the entry named `wanted` in a mapping.
fn entry<'t>(
    mapping: Node<'t>,
    text: &str,
    wanted: &str,
) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    named(mapping).into_iter().find_map(|child| {
        let (key, value) = match child.kind() {
            "block_mapping_pair" | "flow_pair" => (
                child.child_by_field_name("key")?,
                child.child_by_field_name("value"),
            ),
            // `{ a }` in a flow mapping: a key with no value.
            "flow_node" => (child, None),
            _ => return None,
        };
        (scalar_text(content(key), text)? == wanted).then_some((Some(key), value))
    })
}

/// The `index`th item of a list.
fn item(sequence: Node<'_>, index: usize) -> Option<Node<'_>> {
    let item = named(sequence).into_iter().nth(index)?;
    if item.kind() == "block_sequence_item" {
        // An empty item (`-` alone) has no child: point at the dash.
        return Some(named(item).into_iter().next().unwrap_or(item));
    }
    Some(item)
}

/// The string a scalar node stands for, with quotes and escapes resolved.
fn scalar_text(node: Node<'_>, text: &str) -> Option<String> {
    let raw = node.utf8_text(text.as_bytes()).ok()?;
    match node.kind() {
        "double_quote_scalar" | "single_quote_scalar" => serde_yaml::from_str::<String>(raw).ok(),
        "plain_scalar" => Some(raw.trim().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment
version: 1
usage:
  default: { calls_per_day: 500, \"input_tokens\": 2000 }
  overrides:
    # first
    - paths: [\"a/**\", 'b/**']
      calls_per_day: 20
    -
models:
  allow:
    - gpt-5.4*
  deny:
";

    fn at(range: Option<Range<usize>>) -> Option<&'static str> {
        range.map(|r| &TEXT[r])
    }

    #[test]
    fn finds_keys_and_values_by_path() {
        assert_eq!(at(key_span(TEXT, &["version"])), Some("version"));
        assert_eq!(at(value_span(TEXT, &["version"])), Some("1"));
        assert_eq!(
            at(key_span(TEXT, &["usage", "default", "calls_per_day"])),
            Some("calls_per_day")
        );
        assert_eq!(
            at(value_span(TEXT, &["usage", "default", "input_tokens"])),
            Some("2000")
        );
        assert_eq!(
            at(key_span(TEXT, &["usage", "default", "input_tokens"])),
            Some("\"input_tokens\"")
        );
        assert_eq!(
            at(value_span(TEXT, &["usage", "overrides", "0", "paths", "1"])),
            Some("'b/**'")
        );
        assert_eq!(
            at(value_span(
                TEXT,
                &["usage", "overrides", "0", "calls_per_day"]
            )),
            Some("20")
        );
        assert_eq!(
            at(value_span(TEXT, &["models", "allow", "0"])),
            Some("gpt-5.4*")
        );
        assert_eq!(at(value_span(TEXT, &["models", "deny"])), Some("deny"));
        assert_eq!(
            at(value_span(TEXT, &["usage", "overrides", "1"])),
            Some("-")
        );
    }

    #[test]
    fn finds_the_second_of_two_equal_keys() {
        let text = "a:\n  b: 1\n  c: { d: 1 }\n  'b': 2\n";
        let found =
            first_duplicate_key(text).map(|(key, range)| (key, &text[range.clone()], range.start));
        assert_eq!(
            found,
            Some(("b".to_string(), "'b'", text.rfind("'b'").unwrap_or(0)))
        );
        assert_eq!(first_duplicate_key(TEXT), None);
    }

    #[test]
    fn misses_are_none() {
        assert_eq!(key_span(TEXT, &["nope"]), None);
        assert_eq!(key_span(TEXT, &["version", "x"]), None);
        assert_eq!(key_span(TEXT, &["models", "allow", "5"]), None);
        assert_eq!(key_span(TEXT, &["models", "allow", "x"]), None);
        assert_eq!(key_span("", &["a"]), None);
    }
}

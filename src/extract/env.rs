//! `.env` files: `KEY=value` lines. A key that selects a model (`OPENAI_MODEL`) is a site; a
//! key that ends in a limit parameter (`OPENAI_MAX_TOKENS`) is a limit, bound to the model key
//! that shares the longest prefix with it (or to the only model in the file).

use super::{
    directive, is_model_text, Columns, Context, FileFacts, LimitRef, ModelRef, SiteFact, Via,
};
use crate::catalog::Resolution;
use crate::extract::code::parse_int;
use crate::rules::{normalize, ExtractRules};

pub(super) fn extract(text: &str, cx: &Context) -> FileFacts {
    let rules = ExtractRules::get();
    let mut facts = FileFacts::default();
    let columns = Columns::default();
    let mut model_keys: Vec<(usize, String)> = Vec::new(); // site index, normalised key
    let mut limit_keys: Vec<(usize, String)> = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (row, raw) in lines.iter().enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let span =
            |a: usize, b: usize| columns.span(text, start + a, start + b, (row, a), (row, b));
        if body.starts_with('#') {
            if body.contains("costlint:") {
                let next = lines
                    .get(row + 1)
                    .map_or(offset..offset, |l| offset..offset + l.len());
                directive::parse(
                    body,
                    span(indent, line.len()),
                    vec![start..offset, next],
                    &mut facts,
                );
            }
            continue;
        }
        let decl = body.strip_prefix("export ").unwrap_or(body);
        let Some(eq) = decl.find('=') else { continue };
        let key = decl[..eq].trim();
        let key_at = indent + (body.len() - decl.len());
        let mut value = decl[eq + 1..].trim();
        if let Some(hash) = value.find(" #") {
            value = value[..hash].trim();
        }
        let value_at = line.rfind(value).unwrap_or(line.len());
        let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
        let value_at = value_at + value.find(unquoted).unwrap_or(0);
        if rules.is_model_key(key) && !unquoted.is_empty() {
            let resolution = cx.resolve(unquoted);
            if is_model_text(unquoted, &resolution) {
                let model = facts.refs.len();
                facts.refs.push(ModelRef {
                    text: unquoted.to_string(),
                    span: span(value_at, value_at + unquoted.len()),
                    resolution,
                });
                model_keys.push((facts.sites.len(), normalize(key)));
                facts.sites.push(SiteFact {
                    span: span(key_at, line.len()),
                    key: Some(key.to_string()),
                    model,
                    via: Via::Literal,
                    limit: None,
                    statement: start..offset,
                });
            }
        } else if rules.is_limit_env(key) {
            limit_keys.push((facts.limits.len(), normalize(key)));
            facts.limits.push(LimitRef {
                param: key.to_string(),
                value: parse_int(unquoted),
                value_line: None,
                conditional: false,
                table_model: None,
                span: span(key_at, line.len()),
                bound: false,
            });
        } else {
            let resolution = cx.resolve(unquoted);
            if !unquoted.is_empty() && !matches!(resolution, Resolution::Unknown) {
                facts.refs.push(ModelRef {
                    text: unquoted.to_string(),
                    span: span(value_at, value_at + unquoted.len()),
                    resolution,
                });
            }
        }
    }
    for (site, key) in &model_keys {
        let best = limit_keys
            .iter()
            .map(|(l, lk)| (common_prefix(key, lk), *l))
            .filter(|(n, _)| *n > 0 || model_keys.len() == 1)
            .max_by_key(|(n, l)| (*n, std::cmp::Reverse(*l)));
        if let Some((_, l)) = best {
            facts.sites[*site].limit = Some(l);
            facts.limits[l].bound = true;
        }
    }
    facts
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

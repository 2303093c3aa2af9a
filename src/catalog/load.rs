//! The bundled catalog: the generated `rules/pricing/<provider>.yaml` files, then the hand-kept
//! `rules/pricing/overlay.yaml` (patches by id, limits settled for every host of a model), then
//! replacements carried to routed ids.

use super::file::{self, Entry, OverlayFile};
use super::providers::PROVIDERS;
use super::{names, Catalog, Index, ModelInfo};
use crate::error::InputError;
use std::sync::OnceLock;

/// The overlay, applied after the generated files.
pub(super) const OVERLAY: &str = include_str!("../../rules/pricing/overlay.yaml");
const OVERLAY_PATH: &str = "rules/pricing/overlay.yaml";

impl Catalog {
    /// The bundled catalog, parsed once per process: every file of
    /// [`providers::PROVIDERS`](super::providers::PROVIDERS) patched by the overlay.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        // A broken bundled file leaves its entries out instead of aborting the run; the test
        // `bundled_files_parse` fails on any such error.
        BUILTIN.get_or_init(|| load_builtin().0)
    }

    pub(super) fn from_models(models: Vec<ModelInfo>) -> Catalog {
        let mut catalog = Catalog::unindexed(models);
        catalog.index = Index::build(&catalog.models);
        catalog
    }

    /// Sorted, ids unique (a later duplicate wins), only `by_key` built.
    pub(super) fn unindexed(mut models: Vec<ModelInfo>) -> Catalog {
        // A stable sort keeps duplicates in source order; keep the last of each run.
        models.sort_by(|a, b| a.id.cmp(&b.id));
        models.dedup_by(|later, earlier| {
            if later.id == earlier.id {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        let mut catalog = Catalog {
            models,
            index: Index::default(),
        };
        catalog.reindex_keys();
        catalog
    }

    pub(super) fn reindex_keys(&mut self) {
        self.index.by_key = self
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (Box::from(m.id.as_str()), i as u32))
            .collect();
    }
}

/// The generated entries of every bundled file; the errors of any that fail to parse.
fn load_generated() -> (Vec<ModelInfo>, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut models: Vec<ModelInfo> = Vec::new();
    for p in PROVIDERS {
        let name = format!("{}.yaml", p.family);
        let path = format!("rules/pricing/{name}");
        match file::parse_pricing(&path, p.text, &format!("builtin:{name}")) {
            Ok(m) => models.extend(m),
            Err(e) => errors.push(e),
        }
    }
    (models, errors)
}

/// Parses the bundled files and the overlay; the errors of any that fail to parse.
pub(super) fn load_builtin() -> (Catalog, Vec<InputError>) {
    let (models, mut errors) = load_generated();
    let mut catalog = Catalog::unindexed(models);
    match file::parse_overlay(OVERLAY_PATH, OVERLAY) {
        Ok(overlay) => errors.extend(apply_overlay(&mut catalog, overlay)),
        Err(e) => errors.push(e),
    }
    inherit_replacements(&mut catalog);
    catalog.index = Index::build(&catalog.models);
    (catalog, errors)
}

/// Applies the overlay's patches by id, then its limits for every host of a model.
fn apply_overlay(catalog: &mut Catalog, overlay: OverlayFile) -> Vec<InputError> {
    let mut errors = Vec::new();
    let mut fail = |id: &str, message: String| {
        errors.push(InputError::at(
            OVERLAY_PATH,
            OVERLAY,
            file::entry_span(OVERLAY, id),
            message,
            "this entry",
        ))
    };
    for (id, patch) in overlay.models.0 {
        if let Err(message) = apply_patch(catalog, &id, patch) {
            fail(&id, message);
        }
    }
    for (model, limits) in overlay.every_host.0 {
        let only_limits = Entry {
            context_window: limits.context_window,
            max_output: limits.max_output,
            ..Entry::default()
        };
        if limits != only_limits {
            fail(
                &model,
                format!("`every_host` entry `{model}` may set only context_window and max_output"),
            );
            continue;
        }
        let mut hits = 0;
        for m in catalog.models.iter_mut() {
            if names::same_model_key(&m.id) == model {
                limits.clone().patch(m);
                hits += 1;
            }
        }
        if hits == 0 {
            fail(
                &model,
                format!("`every_host` entry `{model}` names no catalog model"),
            );
        }
    }
    errors
}

/// A retiring routed id (`azure/eu/gpt-4o`) that the overlay gives no replacement inherits the
/// replacement of the name it routes (`gpt-4o` → `gpt-5.4`) when the same route offers that
/// successor (`azure/eu/gpt-5.4`) and does not retire it first. The overlay names direct
/// provider ids only; this carries them to every host that serves both models.
fn inherit_replacements(catalog: &mut Catalog) {
    let mut found = Vec::new();
    for (i, m) in catalog.models.iter().enumerate() {
        let Some(retires) = m.deprecation.filter(|_| m.replacement.is_none()) else {
            continue;
        };
        let cuts = m.id.match_indices(['/', '.']).map(|(at, _)| at + 1);
        let successor = cuts.into_iter().find_map(|at| {
            let (route, base) = m.id.split_at(at);
            let routed = format!("{route}{}", catalog.get(base)?.replacement.as_ref()?);
            let next = catalog.get(&routed)?;
            next.deprecation
                .is_none_or(|d| d > retires)
                .then_some(routed)
        });
        if let Some(s) = successor {
            found.push((i, s));
        }
    }
    for (i, s) in found {
        catalog.models[i].replacement = Some(s);
    }
}

/// Applies one overlay entry: field by field onto an existing entry, or a new entry.
fn apply_patch(catalog: &mut Catalog, id: &str, patch: Entry) -> Result<(), String> {
    if let Some(&i) = catalog.index.by_key.get(id) {
        let m = &mut catalog.models[i as usize];
        patch.patch(m);
        m.source = format!("{}+overlay.yaml", m.source);
        return Ok(());
    }
    let m = patch
        .into_model(id.to_string(), None, None, "builtin:overlay.yaml")
        .map_err(|missing| format!("overlay entry `{id}` is not in the generated files: it needs provider, input and output (`{missing}` is missing)"))?;
    catalog.models.push(m);
    catalog.models.sort_by(|a, b| a.id.cmp(&b.id));
    catalog.reindex_keys();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn lean_reader_reads_every_bundled_file_like_the_yaml_parser() {
        for p in PROVIDERS {
            let name = p.family;
            let lean = file::parse_generated(p.text, name)
                .unwrap_or_else(|| panic!("{name}: not in the generated layout"));
            let yaml = file::parse_pricing_yaml(name, p.text, name)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(lean, yaml, "{name}");
        }
    }

    #[test]
    fn bundled_files_parse() {
        let (catalog, errors) = load_builtin();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(catalog.len() > 1000);
    }

    /// `cargo test --release --lib builtin_build_time -- --nocapture` prints the figures.
    #[test]
    fn builtin_build_time() {
        let runs = 5;
        let mut best = std::time::Duration::MAX;
        for _ in 0..runs {
            let t = std::time::Instant::now();
            let (c, _) = load_builtin();
            best = best.min(t.elapsed());
            assert!(!c.is_empty());
        }
        let parse = std::time::Instant::now();
        let (all, _) = load_generated();
        let parse = parse.elapsed();
        let t = std::time::Instant::now();
        let _ = Index::build(&Catalog::unindexed(all).models);
        eprintln!("index build {:?}", t.elapsed());
        let c = Catalog::builtin();
        let none = BTreeMap::new();
        let misses = [
            "Content-Type",
            "utf-8",
            "hello world",
            "model",
            "application/json",
            "gpt",
            "x-api-key",
        ];
        let t = std::time::Instant::now();
        let n = 100_000;
        for i in 0..n {
            let _ = c.resolve(misses[i % misses.len()], &none);
        }
        let miss = t.elapsed() / n as u32;
        let t = std::time::Instant::now();
        for _ in 0..n {
            let _ = c.resolve("gpt-4o", &none);
        }
        let hit = t.elapsed() / n as u32;
        eprintln!(
            "builtin(): {} entries in {best:?} (best of {runs}; YAML parsing alone {parse:?}); resolve: miss {miss:?}, exact hit {hit:?}; {} prefilter tokens",
            c.len(),
            c.prefilter_tokens().len()
        );
    }

    /// The overlay pins the seed prices; the generated data must agree, so that a regeneration
    /// that changes them is noticed and decided on in `overlay.yaml`.
    #[test]
    fn overlay_pins_match_generated_data() {
        let (generated, _) = load_generated();
        let overlay = file::parse_overlay("overlay.yaml", OVERLAY).expect("overlay parses");
        for id in ["gpt-5.4", "gpt-5.5", "gpt-5.5-pro"] {
            let pin = &overlay
                .models
                .0
                .iter()
                .find(|(k, _)| k == id)
                .expect("pinned")
                .1;
            let m = generated.iter().find(|m| m.id == id).expect("generated");
            assert_eq!(pin.input.map(|u| u.0), Some(m.price.input), "{id}");
            assert_eq!(pin.output.map(|u| u.0), Some(m.price.output), "{id}");
        }
    }

    #[test]
    fn routed_ids_inherit_the_replacement_of_the_name_they_route() {
        let c = Catalog::builtin();
        let replacement = |id: &str| c.get(id).and_then(|m| m.replacement.clone());
        assert_eq!(replacement("gpt-4o").as_deref(), Some("gpt-5.4"));
        assert_eq!(
            replacement("azure/eu/gpt-4o").as_deref(),
            Some("azure/eu/gpt-5.4")
        );
        assert_eq!(
            replacement("azure/eu/gpt-4o-mini").as_deref(),
            Some("azure/eu/gpt-5.4-mini")
        );
        // Only to a successor the same route offers.
        for m in c.iter() {
            if let Some(r) = &m.replacement {
                let route = |id: &str| id.rfind('/').map_or("", |i| &id[..i]).to_string();
                if m.id.starts_with("azure/") {
                    assert_eq!(route(&m.id), route(r), "{} → {r}", m.id);
                }
            }
        }
    }

    #[test]
    fn overlay_replacements_exist() {
        let c = Catalog::builtin();
        for m in c.iter() {
            if let Some(r) = &m.replacement {
                assert!(
                    m.deprecation.is_some(),
                    "{}: a replacement without a deprecation date",
                    m.id
                );
                let target = c
                    .get(r)
                    .unwrap_or_else(|| panic!("{}: replacement {r} not in the catalog", m.id));
                assert!(
                    target
                        .deprecation
                        .is_none_or(|d| m.deprecation.is_none_or(|md| d > md)),
                    "{} → {r}",
                    m.id
                );
            }
        }
    }
}

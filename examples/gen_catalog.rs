//! Generates costlint's bundled pricing files, `rules/pricing/<provider>.yaml`, from LiteLLM's
//! pricing database (`model_prices_and_context_window.json`, MIT licence):
//!
//! ```text
//! cargo run --release --example gen_catalog -- <litellm.json> rules/pricing [--older <older-litellm.json>]
//!     [--as-of YYYY-MM-DD] [--older-as-of YYYY-MM-DD]
//! ```
//!
//! One file per provider family. Kept: text-generation entries (`chat`, `responses`,
//! `completion`) with both an input and an output token price. `--older` names an older copy of
//! the database: its entries whose id the main copy does not have at all (retired models still
//! found in code, providers the main copy dropped) are added with their own `as_of`. The
//! `as_of` of a copy is the date it was read; it is known for the copies costlint was built
//! from (by sha256) and must be given otherwise. Output is sorted and deterministic; re-running
//! on the same input rewrites identical files. Corrections go in `rules/pricing/overlay.yaml`.

use costlint::catalog::{Catalog, ModelInfo};
use costlint::date::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// (file stem = provider family) in the order costlint merges them.
const FAMILIES: &[&str] = &[
    "openai",
    "anthropic",
    "gemini",
    "vertex_ai",
    "mistral",
    "xai",
    "deepseek",
    "bedrock",
    "azure",
    "openrouter",
    "groq",
    "together_ai",
];

/// Copies of the database whose read date is on record (see `SOURCE.md` of the data folder).
const KNOWN_COPIES: &[(&str, &str, &str)] = &[
    (
        "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2",
        "2026-11-25",
        "shipped in the PyPI wheel litellm 1.110.2, downloaded 2026-11-25",
    ),
    (
        "40ed7046364779934a7a27f6d1271ee33e61a174c0e336a3423abd5282b6e65c",
        "2026-03-03",
        "BerriAI/litellm commit 4c1b15d6854c9ccad7e4348ed6f45edc45f8039d, 2026-03-03",
    ),
];

struct Copy {
    name: String,
    sha256: String,
    as_of: Date,
    note: String,
    catalog: Catalog,
    ids: BTreeSet<String>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_catalog: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut positional = Vec::new();
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if let Some(flag) = a.strip_prefix("--") {
            let value = args.next().ok_or(format!("--{flag} needs a value"))?;
            flags.insert(flag.to_string(), value);
        } else {
            positional.push(a);
        }
    }
    let [input, out_dir] = positional.as_slice() else {
        return Err("usage: gen_catalog <litellm.json> <out-dir> [--older <older.json>] [--as-of DATE] [--older-as-of DATE]".into());
    };
    let main = read_copy(input, flags.get("as-of"))?;
    let older = flags
        .get("older")
        .map(|p| read_copy(p, flags.get("older-as-of")))
        .transpose()?;

    let mut by_family: BTreeMap<&str, Vec<(ModelInfo, Option<Date>)>> = BTreeMap::new();
    for m in main.catalog.iter() {
        if let Some(f) = FAMILIES.iter().find(|f| **f == m.provider) {
            by_family.entry(f).or_default().push((m.clone(), None));
        }
    }
    if let Some(old) = &older {
        for m in old.catalog.iter() {
            if main.ids.contains(&m.id) {
                continue;
            }
            if let Some(f) = FAMILIES.iter().find(|f| **f == m.provider) {
                by_family
                    .entry(f)
                    .or_default()
                    .push((m.clone(), Some(old.as_of)));
            }
        }
    }

    let command = format!(
        "cargo run --release --example gen_catalog -- {} rules/pricing{}",
        main.name,
        older
            .as_ref()
            .map(|o| format!(" --older {}", o.name))
            .unwrap_or_default()
    );
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{out_dir}: {e}"))?;
    for family in FAMILIES {
        let mut entries = by_family.remove(family).unwrap_or_default();
        entries.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let text = render(family, &command, &main, older.as_ref(), &entries);
        let path = Path::new(out_dir).join(format!("{family}.yaml"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}: {} entries", path.display(), entries.len());
    }
    Ok(())
}

fn read_copy(path: &str, as_of: Option<&String>) -> Result<Copy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let sha256 = hex(&sha256(text.as_bytes()));
    let known = KNOWN_COPIES.iter().find(|(h, _, _)| *h == sha256);
    let (as_of, note) = match (as_of, known) {
        (Some(d), _) => (d.clone(), String::new()),
        (None, Some((_, d, note))) => (d.to_string(), note.to_string()),
        (None, None) => {
            return Err(format!(
                "{path}: unknown copy (sha256 {sha256}); give its read date with --as-of"
            ))
        }
    };
    let as_of = Date::parse(&as_of).ok_or(format!("`{as_of}` is not a date (YYYY-MM-DD)"))?;
    let name = Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let catalog = Catalog::load_litellm(&name, &text).map_err(|e| format!("{path}: {e}"))?;
    let ids: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(Copy {
        name,
        sha256,
        as_of,
        note,
        catalog,
        ids: ids.into_keys().collect(),
    })
}

fn render(
    family: &str,
    command: &str,
    main: &Copy,
    older: Option<&Copy>,
    entries: &[(ModelInfo, Option<Date>)],
) -> String {
    let mut out = String::new();
    let describe = |c: &Copy| {
        let note = if c.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.note)
        };
        format!("`{}`{note}, sha256 {}", c.name, c.sha256)
    };
    let _ = writeln!(out, "# Generated by `{command}`.");
    let _ = writeln!(out, "# Do not edit: corrections go in overlay.yaml.");
    let _ = writeln!(
        out,
        "# Source: LiteLLM's model_prices_and_context_window.json (MIT licence), copy"
    );
    let _ = writeln!(out, "#   {}, as of {}.", describe(main), main.as_of);
    if let Some(old) = older {
        let _ = writeln!(out, "# Entries with their own `as_of` are missing from that copy and come from the older copy");
        let _ = writeln!(out, "#   {}, as of {}.", describe(old), old.as_of);
    }
    let _ = writeln!(
        out,
        "# Kept: text generation (chat, responses, completion) with input and output token prices."
    );
    let _ = writeln!(
        out,
        "# Prices in USD per 1M tokens; context_window = maximum input tokens."
    );
    let _ = writeln!(out, "provider: {family}");
    let _ = writeln!(out, "as_of: {}", main.as_of);
    if entries.is_empty() {
        let _ = writeln!(out, "models: {{}}");
        return out;
    }
    let _ = writeln!(out, "models:");
    for (m, as_of) in entries {
        let mut fields = vec![format!("input: {}", m.price.input)];
        if let Some(c) = m.price.cached_input {
            fields.push(format!("cached_input: {c}"));
        }
        fields.push(format!("output: {}", m.price.output));
        if let Some(n) = m.context_window {
            fields.push(format!("context_window: {n}"));
        }
        if let Some(n) = m.max_output {
            fields.push(format!("max_output: {n}"));
        }
        if let Some(mode) = &m.mode {
            fields.push(format!("mode: {}", scalar(mode)));
        }
        if let Some(d) = m.deprecation {
            fields.push(format!("deprecation: {d}"));
        }
        if let Some(d) = as_of {
            fields.push(format!("as_of: {d}"));
        }
        let _ = writeln!(out, "  {}: {{ {} }}", scalar(&m.id), fields.join(", "));
    }
    out
}

/// A YAML scalar: plain when it is unambiguously a string, else double-quoted.
fn scalar(s: &str) -> String {
    let plain = s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/".contains(&b))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 (FIPS 180-4), to record which copy of the database a file was generated from.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for t in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[t])
                .wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            super::hex(&super::sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            super::hex(&super::sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! Generates costlint's bundled pricing files, `rules/pricing/<provider>.yaml`, from LiteLLM's
//! pricing database (`model_prices_and_context_window.json`, MIT licence):
//!
//! ```text
//! cargo run --release --example gen_catalog -- <litellm.json> rules/pricing
//!     [--older <older.json | folder of older copies>]... [--as-of YYYY-MM-DD]
//! ```
//!
//! One file per provider of `costlint::catalog::providers::PROVIDERS`. Kept: text-generation
//! entries (`chat`, `responses`, `completion`) with both an input and an output token price.
//!
//! Retired models: each `--older` names an older copy of the database (or a folder of them;
//! older `litellm` wheels on PyPI ship one as `litellm/model_prices_and_context_window_backup.json`).
//! An id the main copy does not have at all is taken from the newest older copy that has it,
//! with its prices, limits and `as_of` there, and a retirement date: LiteLLM's `deprecation_date`
//! when that copy gives one, else the date of the first newer copy without the id (LiteLLM drops
//! an entry when the provider retires the model; the date is when that became visible). A newer
//! copy without any entry of the provider dropped the provider, not the model: no date then.
//!
//! The `as_of` of a copy is the date it was published (PyPI upload) or read; it is known for the
//! copies costlint was built from (by sha256, see `KNOWN_COPIES`) and must be given with
//! `--as-of` for the main copy otherwise. Output is sorted and deterministic; re-running on the
//! same input rewrites identical files. Corrections go in `rules/pricing/overlay.yaml`.
//!
//! Afterwards the generator lists where the hosts of one model disagree with its maker on the
//! maximum output or the context window, and whether the overlay settles each (`every_host`,
//! `hosts_differ`) or not (`UNSETTLED`: add it to the overlay with its source).

use costlint::catalog::conflicts::{conflicts, settlement};
use costlint::catalog::providers::families;
use costlint::catalog::{generated_line, Catalog, ModelInfo};
use costlint::date::Date;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Copies of the database whose date is on record: (sha256 of the JSON, date, where from).
/// Wheel copies are dated by their PyPI upload; the list of wheels is in the README's "Pricing
/// catalog" section.
const KNOWN_COPIES: &[(&str, &str, &str)] = &[
    (
        "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2",
        "2026-11-25",
        "shipped in the PyPI wheel litellm 1.110.2, downloaded 2026-11-25",
    ),
    (
        "66970be01c88f94618f9f69c1a1d29e400474f2d7b89973de7e373c110f455c2",
        "2026-11-20",
        "shipped in the PyPI wheel litellm 1.106.12, uploaded 2026-11-20",
    ),
    (
        "bd2d55a80d31b5235155bb86268033cdf9b7466c05cc505d9389611527964fe9",
        "2026-10-07",
        "shipped in the PyPI wheel litellm 1.100.5, uploaded 2026-10-07",
    ),
    (
        "e9fddf6cc92393bc6dbed5a953fb57b067b49442c08d2098402741e4e404c491",
        "2026-08-09",
        "shipped in the PyPI wheel litellm 1.94.3, uploaded 2026-08-09",
    ),
    (
        "c46a262ac3e957a8315d56f9d533af43b8c4a3bcce27c00673a4528c2816aa72",
        "2026-08-09",
        "shipped in the PyPI wheel litellm 1.88.6, uploaded 2026-08-09",
    ),
    (
        "4e76186c6a06606ff44dec21b745c604796fce8e6788cd1c6dee39f620770b66",
        "2026-06-24",
        "shipped in the PyPI wheel litellm 1.84.10, uploaded 2026-06-24",
    ),
    (
        "5632852c062ca43ea87f7c4b71ee324aa323a9cc2d2c387181ad35cccaf00668",
        "2026-03-22",
        "shipped in the PyPI wheel litellm 1.82.6, uploaded 2026-03-22",
    ),
    (
        "0fb71cce36ded58ce9cf89b7a5a2ce4552d9ad13d777cc88997b62a1a82a5437",
        "2026-02-26",
        "shipped in the PyPI wheel litellm 1.81.16, uploaded 2026-02-26",
    ),
    (
        "a28db57d4f3ff11cf4476cf7591da41b0d2c259b90e0f2c2352e6d795b2253e1",
        "2026-01-17",
        "shipped in the PyPI wheel litellm 1.80.17, uploaded 2026-01-17",
    ),
    (
        "f54649bf345a239570e8778251700071bcbb4455f5afb94d8c90c5a416654f67",
        "2025-10-22",
        "shipped in the PyPI wheel litellm 1.78.7, uploaded 2025-10-22",
    ),
    (
        "9bababe9331936246702ba3970127988f37911f44e4a3144d0ba58153a2e396e",
        "2025-09-07",
        "shipped in the PyPI wheel litellm 1.76.3, uploaded 2025-09-07",
    ),
    (
        "b543688408b55d0b587a86eac95c9f72168e550158332e23975c47057fc9f5e7",
        "2025-08-02",
        "shipped in the PyPI wheel litellm 1.74.15, uploaded 2025-08-02",
    ),
    (
        "ec67377bf7ab06aa9f9d75e14e6d4295165e1c86aca25499eb2131c56384070e",
        "2025-06-21",
        "shipped in the PyPI wheel litellm 1.72.9, uploaded 2025-06-21",
    ),
    (
        "472d3a26e77225a2bf724f865ff886815d99385894cd516a04dbed4e6e1c09fa",
        "2025-05-23",
        "shipped in the PyPI wheel litellm 1.70.4, uploaded 2025-05-23",
    ),
    (
        "2d72eb9d7545606d0fc1d455c0646fe829258f64b95186685c63d4e3b973f001",
        "2025-05-02",
        "shipped in the PyPI wheel litellm 1.67.6, uploaded 2025-05-02",
    ),
    (
        "e30234aa146f99c70626f61f1110536a819f6d6d9207dde345cdb34f825d647f",
        "2025-04-12",
        "shipped in the PyPI wheel litellm 1.65.8, uploaded 2025-04-12",
    ),
    (
        "501762a904cf68db597d1ab3c4f2c50b08dfd220d8183b76913027092a96a093",
        "2025-03-22",
        "shipped in the PyPI wheel litellm 1.63.14, uploaded 2025-03-22",
    ),
    (
        "399970209552af3b4925980d8d00f72e64d5cbfdf4ec5e4838ca02c7f49281e5",
        "2025-02-27",
        "shipped in the PyPI wheel litellm 1.61.20, uploaded 2025-02-27",
    ),
    (
        "7132b50e128b7022ef90ae6588b7803eff93856e502b59c974c16f91c6128236",
        "2025-01-31",
        "shipped in the PyPI wheel litellm 1.59.12, uploaded 2025-01-31",
    ),
    (
        "de3c0f5f591e91c48c0ff70dcad57f295adccc8f2a8892f1c53d78601e32ca97",
        "2025-01-13",
        "shipped in the PyPI wheel litellm 1.57.11, uploaded 2025-01-13",
    ),
    (
        "4a7b77fe4ff4ba85af3e66a8b3f2951b9de7a11a6e044e46b6204bcaee216abc",
        "2024-12-25",
        "shipped in the PyPI wheel litellm 1.55.12, uploaded 2024-12-25",
    ),
    (
        "ae4d6d078e0f1e4d8737e2304eecd1d2c5f0c9ce1a52dabd374d980a128b7151",
        "2024-11-28",
        "shipped in the PyPI wheel litellm 1.53.1, uploaded 2024-11-28",
    ),
    (
        "dea3cff44169b42d122073f903411e99d4f13a083f559ecb58a3e8eef4d439e8",
        "2023-12-14",
        "shipped in the PyPI wheel litellm 1.14.4, uploaded 2023-12-14",
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

const USAGE: &str =
    "usage: gen_catalog <litellm.json> <out-dir> [--older <older.json | folder>]... [--as-of DATE]";

fn run() -> Result<(), String> {
    let mut positional = Vec::new();
    let mut older_paths = Vec::new();
    let mut as_of = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--older" => older_paths.push(args.next().ok_or("--older needs a value")?),
            "--as-of" => as_of = Some(args.next().ok_or("--as-of needs a value")?),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}; {USAGE}")),
            _ => positional.push(a),
        }
    }
    let [input, out_dir] = positional.as_slice() else {
        return Err(USAGE.into());
    };
    let main = read_copy(input, as_of.as_ref())?;
    let mut older = Vec::new();
    for path in expand(&older_paths)? {
        older.push(read_copy(&path, None)?);
    }
    // Newest first; the first copy that has an id wins.
    older.sort_by(|a, b| (b.as_of, &b.name).cmp(&(a.as_of, &a.name)));

    let mut by_family: BTreeMap<&str, Vec<ModelInfo>> = BTreeMap::new();
    for m in main.catalog.iter().chain(&retired(&main, &older)) {
        if let Some(f) = families().find(|f| *f == m.provider) {
            by_family.entry(f).or_default().push(m.clone());
        }
    }

    let command = format!(
        "cargo run --release --example gen_catalog -- {} rules/pricing{}",
        main.name,
        older_paths
            .iter()
            .map(|p| format!(" --older {}", file_name(p)))
            .collect::<String>()
    );
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{out_dir}: {e}"))?;
    let mut all = Vec::new();
    for family in families() {
        let mut entries = by_family.remove(family).unwrap_or_default();
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let text = render(family, &command, &main, &older, &entries);
        let path = Path::new(out_dir).join(format!("{family}.yaml"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        let kept = entries.iter().filter(|m| m.as_of.is_some()).count();
        println!(
            "{}: {} entries ({kept} from older copies)",
            path.display(),
            entries.len()
        );
        all.extend(entries);
    }
    report_conflicts(&Catalog::from_entries(all));
    Ok(())
}

/// The entries of ids the main copy lacks: from the newest older copy that prices each as text
/// generation, with that copy's date as `as_of`, and a retirement date: LiteLLM's
/// `deprecation_date`, else the date of the copy right after the newest copy listing the id
/// (unless that copy lists nothing of the provider).
fn retired(main: &Copy, older: &[Copy]) -> Vec<ModelInfo> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<&str> = main.ids.iter().map(String::as_str).collect();
    for copy in older {
        for m in copy.catalog.iter() {
            if !seen.insert(m.id.as_str()) {
                continue;
            }
            // `older` is newest first: the copy before the newest one listing the id dropped it.
            let last = older.iter().position(|c| c.ids.contains(&m.id));
            let next = match last {
                Some(0) | None => main,
                Some(i) => &older[i - 1],
            };
            // A copy that lists no model of the provider at all dropped the provider, not the
            // model (LiteLLM's list lost OpenRouter in 2026): no retirement date then.
            let provider_kept = next.catalog.iter().any(|n| n.provider == m.provider);
            let mut m = m.clone();
            m.as_of = Some(copy.as_of);
            if provider_kept {
                m.deprecation = m.deprecation.or(Some(next.as_of));
            }
            out.push(m);
        }
    }
    out
}

/// Prints each limit on which hosts disagree with the model's maker, and how the overlay
/// settles it.
fn report_conflicts(catalog: &Catalog) {
    let found = conflicts(catalog);
    let mut open = 0;
    for c in &found {
        let how = match settlement(&c.model) {
            Some(s) => format!("{s:?}"),
            None => {
                open += 1;
                "UNSETTLED".to_string()
            }
        };
        let hosts: Vec<String> = c.hosts.iter().map(|(id, v)| format!("{id} {v}")).collect();
        println!(
            "conflict {} {}: {} {} vs {} [{how}]",
            c.model,
            c.field,
            c.maker.0,
            c.maker.1,
            hosts.join(", ")
        );
    }
    println!(
        "{} conflicts, {open} unsettled by overlay.yaml",
        found.len()
    );
}

/// `--older` values: files, and the `.json` files of folders, sorted.
fn expand(paths: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for p in paths {
        if Path::new(p).is_dir() {
            let dir = std::fs::read_dir(p).map_err(|e| format!("{p}: {e}"))?;
            let mut files: Vec<String> = dir
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .map(|f| f.to_string_lossy().into_owned())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned())
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
                "{path}: unknown copy (sha256 {sha256}); give its date with --as-of (main copy) or add it to KNOWN_COPIES"
            ))
        }
    };
    let as_of = Date::parse(&as_of).ok_or(format!("`{as_of}` is not a date (YYYY-MM-DD)"))?;
    let name = file_name(path);
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
    older: &[Copy],
    entries: &[ModelInfo],
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
    let used: Vec<&Copy> = older
        .iter()
        .filter(|c| {
            entries
                .iter()
                .any(|m| m.as_of == Some(c.as_of) && c.catalog.get(&m.id).is_some())
        })
        .collect();
    if !used.is_empty() {
        let _ = writeln!(out, "# Entries with their own `as_of` are retired: missing from that copy, they come from the");
        let _ = writeln!(
            out,
            "# newest older copy that has them, with a `deprecation` date that is LiteLLM's"
        );
        let _ = writeln!(out, "# `deprecation_date` there, else the date of the first newer copy without them (none when");
        let _ = writeln!(
            out,
            "# that copy lists nothing of the provider). Older copies:"
        );
        for c in used {
            let _ = writeln!(out, "#   {}, as of {}.", describe(c), c.as_of);
        }
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
    for m in entries {
        let _ = writeln!(out, "{}", generated_line(m));
    }
    out
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

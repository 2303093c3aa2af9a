//! Which files are read: the `ignore` walker (`.gitignore`, `.ignore`, hidden folders), a size
//! limit, and no symlinks. Everything passed over is reported. The policy's own ignore globs are
//! the engine's: they are relative to the policy's folder, which the walk does not know.

use crate::lang::Lang;
use ignore::{WalkBuilder, WalkState};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a file was not read. Reported in the summary: nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Binary,
    Unreadable {
        error: String,
    },
    Symlink,
    /// Named on the command line, but not a format costlint reads.
    UnknownFormat,
    WalkError {
        error: String,
    },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { bytes, limit } => {
                write!(f, "larger than the limit ({bytes} > {limit} bytes)")
            }
            SkipReason::Binary => f.write_str("binary"),
            SkipReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            SkipReason::Symlink => f.write_str("symbolic link, not followed"),
            SkipReason::UnknownFormat => f.write_str("not a format costlint reads"),
            SkipReason::WalkError { error } => write!(f, "not walked: {error}"),
        }
    }
}

/// A file the walk found, with the path shown to users (relative to the root, `/`-separated).
pub struct Entry {
    pub path: PathBuf,
    pub rel: String,
    pub lang: Lang,
    /// Named on the command line: read even when ignore rules would skip it.
    pub explicit: bool,
}

/// Where displayed paths are relative to: a single directory argument, else the working folder.
pub fn root_for(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let s: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if s.is_empty() {
        path.to_string_lossy().into_owned()
    } else {
        s.join("/")
    }
}

/// Walks `paths` in parallel, calling `visit` for each file of a known format on the walker's
/// threads, and `skip` for each entry passed over.
pub fn walk<V, S>(paths: &[PathBuf], root: &Path, threads: usize, visit: V, skip: S)
where
    V: Fn(Entry) + Sync,
    S: Fn(String, SkipReason) + Sync,
{
    let Some((first, rest)) = paths.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .threads(threads)
        // Hidden folders (.git, .venv, .cache…) are never read; hidden files are only when they
        // are `.env` files.
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.depth() > 0 && name.starts_with('.') && e.file_type().is_some_and(|t| t.is_dir()))
        });
    builder.build_parallel().run(|| {
        let visit = &visit;
        let skip = &skip;
        Box::new(move |result| {
            let entry = match result {
                Ok(e) => e,
                Err(err) => {
                    let path = error_path(&err)
                        .map(|p| relative(root, &p))
                        .unwrap_or_default();
                    skip(
                        path,
                        SkipReason::WalkError {
                            error: err.to_string(),
                        },
                    );
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            let explicit = entry.depth() == 0;
            let path = entry.path();
            if ft.is_symlink() {
                // Never followed: a link may point out of the repository or back into itself.
                skip(relative(root, path), SkipReason::Symlink);
                return WalkState::Continue;
            }
            if !ft.is_file() {
                return WalkState::Continue;
            }
            let Some(lang) = Lang::for_path(path) else {
                return WalkState::Continue;
            };
            // The policy names models in allow and deny lists; it chooses none.
            if !explicit
                && path
                    .file_name()
                    .is_some_and(|n| crate::config::POLICY_FILE_NAMES.iter().any(|p| n == *p))
            {
                return WalkState::Continue;
            }
            let rel = relative(root, path);
            if lang == Lang::Env || !hidden_file(path) || explicit {
                visit(Entry {
                    path: path.to_path_buf(),
                    rel,
                    lang,
                    explicit,
                });
            }
            WalkState::Continue
        })
    });
}

fn hidden_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

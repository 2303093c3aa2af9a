//! Which files are read: the `ignore` walker (`.gitignore`, `.ignore`, `.git/info/exclude`), a
//! size limit, and no symlinks. Hidden files and folders are read (`.github/workflows/`,
//! `.continue/`), except version-control metadata and a short list of tool caches. Everything
//! passed over is reported, version-control metadata aside. The policy's own ignore globs are
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
    /// A folder of installed dependencies or a tool's cache (`.venv`, `node_modules`…) that no
    /// ignore file excludes: not read, as its code is other people's.
    ToolCache,
    /// Named on the command line, but not a format costlint reads.
    UnknownFormat,
    WalkError {
        error: String,
    },
    /// Not a regular file: a FIFO (reading it would wait for a writer), a socket or a device.
    Special {
        /// `fifo`, `socket`, `device` or `other`.
        kind: &'static str,
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
            SkipReason::ToolCache => f.write_str(
                "installed dependencies or a tool's cache, not read (add it to .gitignore to \
                 leave it unlisted, or name it on the command line to read it)",
            ),
            SkipReason::UnknownFormat => f.write_str("not a format costlint reads"),
            SkipReason::WalkError { error } => write!(f, "not walked: {error}"),
            SkipReason::Special { kind } => write!(f, "not a regular file ({kind}), not read"),
        }
    }
}

/// Version-control metadata: never read, never listed.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".jj", ".bzr", "_darcs"];

/// Folders of installed dependencies and tool caches, usually ignored by `.gitignore`. When a
/// repository does not ignore one, it is still not read (its code is not the repository's own,
/// and an installed SDK names every model), and it is listed as skipped with
/// [`SkipReason::ToolCache`]. Named on the command line, one is read.
pub const TOOL_CACHES: &[&str] = &[
    "node_modules",
    ".venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "__pycache__",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".parcel-cache",
    ".yarn",
    ".pnpm-store",
    ".gradle",
    ".terraform",
    ".cache",
];

/// What costlint does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A format costlint parses.
    Source(Lang),
    /// A format costlint cannot parse yet (its label, `.ipynb`): only looked at for model names.
    NotYet(&'static str),
}

/// A file the walk found, with the path shown to users (relative to the root, `/`-separated).
pub struct Entry {
    pub path: PathBuf,
    pub rel: String,
    pub kind: Kind,
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

/// `path` relative to `root`, `/`-separated, as users see it.
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

/// Walks `paths` in parallel, calling `visit` for each file costlint reads or looks at (see
/// [`Kind`]) on the walker's threads, and `skip` for each entry passed over.
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
        // Version-control metadata is never read; ignore files were applied before this.
        .filter_entry(|e| e.depth() == 0 || !VCS_DIRS.iter().any(|v| e.file_name() == *v));
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
            if ft.is_dir() {
                let cache = !explicit
                    && path
                        .file_name()
                        .is_some_and(|n| TOOL_CACHES.iter().any(|c| n == *c));
                if !cache {
                    return WalkState::Continue;
                }
                skip(relative(root, path), SkipReason::ToolCache);
                return WalkState::Skip;
            }
            if !ft.is_file() {
                // Never opened: a FIFO would block the job, a device read without end.
                skip(
                    relative(root, path),
                    SkipReason::Special {
                        kind: special_kind(ft),
                    },
                );
                return WalkState::Continue;
            }
            let kind = match (Lang::for_path(path), Lang::not_yet(path)) {
                (Some(lang), _) => Kind::Source(lang),
                (None, Some(label)) => Kind::NotYet(label),
                _ => {
                    if explicit {
                        skip(relative(root, path), SkipReason::UnknownFormat);
                    }
                    return WalkState::Continue;
                }
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
            visit(Entry {
                path: path.to_path_buf(),
                rel,
                kind,
                explicit,
            });
            WalkState::Continue
        })
    });
}

/// What a file that is neither a regular file, a folder nor a symbolic link is.
pub fn special_kind(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "fifo";
        } else if ft.is_socket() {
            return "socket";
        } else if ft.is_block_device() || ft.is_char_device() {
            return "device";
        }
    }
    let _ = ft;
    "other"
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

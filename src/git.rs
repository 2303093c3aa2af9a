//! Reading a git repository without touching it: revisions resolved, the files changed between
//! two of them (renames followed), a revision's file list and the texts of its files, all
//! through the `git` program's plumbing. No checkout and no stash: the working tree and the
//! index are never written (`GIT_OPTIONAL_LOCKS=0` keeps even `git diff` from refreshing the
//! index), and nothing configured in the repository runs (`core.fsmonitor` is turned off, no
//! external diff, no text conversion).

use crate::error::InputError;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A repository, seen from a folder inside its working tree: paths are relative to that folder
/// and limited to it, as `git` gives them when run there.
#[derive(Debug, Clone)]
pub struct Repo {
    dir: PathBuf,
}

/// How a file differs between two revisions (paths relative to the repository folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// New in the head (committed, staged, or untracked and not ignored).
    Added(String),
    /// Gone from the head.
    Deleted(String),
    /// Its text differs.
    Modified(String),
    /// Moved from the first path to the second, its text perhaps edited.
    Renamed(String, String),
}

impl FileChange {
    /// Its path in the base, if it has one there.
    pub fn old_path(&self) -> Option<&str> {
        match self {
            FileChange::Added(_) => None,
            FileChange::Deleted(p) | FileChange::Modified(p) | FileChange::Renamed(p, _) => Some(p),
        }
    }

    /// Its path in the head, if it has one there.
    pub fn new_path(&self) -> Option<&str> {
        match self {
            FileChange::Deleted(_) => None,
            FileChange::Added(p) | FileChange::Modified(p) | FileChange::Renamed(_, p) => Some(p),
        }
    }
}

impl Repo {
    /// The repository whose working tree holds `dir`; not being in one is bad input.
    pub fn open(dir: &Path) -> Result<Repo, InputError> {
        let repo = Repo {
            dir: dir.to_path_buf(),
        };
        let why = match repo.git(&["rev-parse", "--is-inside-work-tree"]) {
            Ok(out) if out.trim() == "true" => return Ok(repo),
            Ok(_) => String::new(),
            Err(e) => e,
        };
        // Git's own words say why (no repository, or one git refuses: `safe.directory`).
        let said = why
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(" (git: {})", l.trim()))
            .unwrap_or_default();
        Err(InputError::plain(format!(
            "`{}` is not inside a git repository's working tree{said}",
            dir.display()
        ))
        .with_help(
            "a diff compares two revisions of a git repository: run it inside a clone, \
             or use `costlint check` without `--base` on plain folders",
        ))
    }

    /// Runs `git args` in the repository folder: its standard output, or its standard error.
    fn git(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run `git`: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        c.arg("-C")
            .arg(&self.dir)
            .args(["-c", "core.fsmonitor=false", "-c", "core.quotepath=off"])
            .args(args)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE");
        c
    }

    /// Whether the clone is shallow (its history cut off).
    fn is_shallow(&self) -> bool {
        self.git(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|s| s.trim() == "true")
    }

    /// The commit `rev` names, as a full hash. A name that is not there (a typo, or a commit a
    /// shallow clone lacks) is bad input that says how to fetch it.
    pub fn resolve(&self, rev: &str, flag: &str) -> Result<String, InputError> {
        if rev.starts_with('-') || rev.is_empty() {
            return Err(
                InputError::plain(format!("`{flag} {rev}` is not a revision"))
                    .with_help("pass a branch, tag or commit, e.g. `--base origin/main`"),
            );
        }
        let spec = format!("{rev}^{{commit}}");
        match self.git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ]) {
            Ok(sha) if !sha.trim().is_empty() => Ok(sha.trim().to_string()),
            _ => Err(self.missing(rev, flag)),
        }
    }

    fn missing(&self, rev: &str, flag: &str) -> InputError {
        let shallow = if self.is_shallow() {
            " (this clone is shallow: its history is cut off)"
        } else {
            ""
        };
        InputError::plain(format!(
            "the revision `{rev}` given to `{flag}` is not in this repository{shallow}"
        ))
        .with_help(format!(
            "fetch it first: `git fetch --depth=1 origin {rev}` (for a commit or branch), or check \
             out the whole history (`fetch-depth: 0` with actions/checkout); check the name for \
             a typo"
        ))
    }

    /// The merge-base of `a` and `b`, as a pull request's diff is computed. No common commit
    /// (a shallow clone that lacks it) is bad input.
    pub fn merge_base(&self, a: &str, b: &str, base_rev: &str) -> Result<String, InputError> {
        match self.git(&["merge-base", a, b]) {
            Ok(sha) if !sha.trim().is_empty() => Ok(sha.trim().to_string()),
            _ => Err(InputError::plain(format!(
                "`{base_rev}` and the head have no common commit in this clone{}",
                if self.is_shallow() {
                    " (it is shallow)"
                } else {
                    ""
                }
            ))
            .with_help(format!(
                "fetch the history between them: `git fetch --depth=1 origin {base_rev}`, or \
                 `fetch-depth: 0` with actions/checkout"
            ))),
        }
    }

    /// The files that differ between commit `base` and `head` (a commit, or the working tree
    /// with its staged and unstaged edits and untracked files that are not ignored), renames
    /// followed.
    pub fn changes(&self, base: &str, head: Option<&str>) -> Result<Vec<FileChange>, InputError> {
        let mut args = vec![
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--relative",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            base,
        ];
        if let Some(h) = head {
            args.push(h);
        }
        let out = self.git(&args).map_err(git_failed)?;
        let mut fields = out.split('\0').filter(|f| !f.is_empty());
        let mut changes = Vec::new();
        while let Some(status) = fields.next() {
            let mut path = || fields.next().map(str::to_string);
            let change = match status.as_bytes().first() {
                Some(b'A') => path().map(FileChange::Added),
                Some(b'D') => path().map(FileChange::Deleted),
                Some(b'R') => match (path(), path()) {
                    (Some(a), Some(b)) => Some(FileChange::Renamed(a, b)),
                    _ => None,
                },
                // A copy leaves its source in place: the copy is new.
                Some(b'C') => {
                    let _ = path();
                    path().map(FileChange::Added)
                }
                Some(_) => path().map(FileChange::Modified),
                None => None,
            };
            changes.extend(change);
        }
        if head.is_none() {
            let out = self
                .git(&["ls-files", "-z", "--others", "--exclude-standard"])
                .map_err(git_failed)?;
            changes.extend(
                out.split('\0')
                    .filter(|p| !p.is_empty())
                    .map(|p| FileChange::Added(p.to_string())),
            );
        }
        Ok(changes)
    }

    /// The lines of the head that the change from commit `base` touched, by path: the new
    /// side of every hunk of `git diff -U0` between `base` and `head` (a commit, or the working
    /// tree), renames followed. Added files are left out (every line of one is new: the caller
    /// knows them from [`Repo::changes`]), and so are pure renames and deletions.
    pub fn changed_lines(
        &self,
        base: &str,
        head: Option<&str>,
    ) -> Result<HashMap<String, Vec<(u32, u32)>>, InputError> {
        let mut args = vec![
            "diff",
            "-U0",
            "--inter-hunk-context=0",
            "-M",
            "--diff-filter=MRT",
            "--relative",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            base,
        ];
        if let Some(h) = head {
            args.push(h);
        }
        let out = self.git(&args).map_err(git_failed)?;
        Ok(hunks(&out))
    }

    /// Every file of commit `rev` under the repository folder (relative to it).
    pub fn files(&self, rev: &str) -> Result<Vec<String>, InputError> {
        let out = self
            .git(&["ls-tree", "-r", "-z", "--name-only", rev])
            .map_err(git_failed)?;
        Ok(out
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect())
    }

    /// The bytes of `paths` at commit `rev`, read in one `git cat-file --batch`; a path that is
    /// not a file there (or whose name holds a line break) is left out.
    pub fn read(
        &self,
        rev: &str,
        paths: &[String],
    ) -> Result<HashMap<String, Vec<u8>>, InputError> {
        let wanted: Vec<&String> = paths
            .iter()
            .filter(|p| !p.contains('\n') && !p.contains('\r'))
            .collect();
        let mut out = HashMap::new();
        if wanted.is_empty() {
            return Ok(out);
        }
        let mut child = self
            .command(&["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| git_failed(format!("cannot run `git`: {e}")))?;
        let mut input = String::new();
        for p in &wanted {
            input.push_str(&format!("{rev}:./{p}\n"));
        }
        let stdin = child.stdin.take();
        // Written from another thread: the answers fill the pipe while the questions go in.
        let writer = std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(input.as_bytes());
            }
        });
        let mut bytes = Vec::new();
        if let Some(mut stdout) = child.stdout.take() {
            let _ = stdout.read_to_end(&mut bytes);
        }
        let _ = writer.join();
        let _ = child.wait();
        let mut rest = bytes.as_slice();
        for p in wanted {
            let Some(eol) = rest.iter().position(|&b| b == b'\n') else {
                break;
            };
            let header = String::from_utf8_lossy(&rest[..eol]).into_owned();
            rest = &rest[eol + 1..];
            let parts: Vec<&str> = header.split(' ').collect();
            let [_, kind, size] = parts.as_slice() else {
                continue; // `<name> missing`
            };
            let Ok(size) = size.parse::<usize>() else {
                break;
            };
            let Some(body) = rest.get(..size) else {
                break;
            };
            if *kind == "blob" {
                out.insert(p.clone(), body.to_vec());
            }
            rest = rest.get(size + 1..).unwrap_or_default();
        }
        Ok(out)
    }
}

/// The new side of each hunk of a `git diff -U0` (prefixes `a/` and `b/`), by the file's new
/// path: `(first, last)` line ranges, 1-based and inclusive. A hunk that only deletes adds no
/// range. Content lines are counted off by the hunk header, so an added line reading
/// `++ b/x` is never taken for a file header.
pub fn hunks(diff: &str) -> HashMap<String, Vec<(u32, u32)>> {
    let mut out: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut path: Option<String> = None;
    let (mut old_left, mut new_left) = (0u32, 0u32);
    for line in diff.split('\n') {
        if old_left > 0 || new_left > 0 {
            let content = match line.as_bytes().first() {
                Some(b'-') => {
                    old_left = old_left.saturating_sub(1);
                    true
                }
                Some(b'+') => {
                    new_left = new_left.saturating_sub(1);
                    true
                }
                Some(b'\\') => true,
                _ => false,
            };
            if content {
                continue;
            }
            // Not a content line: the diff is not what the header said; resynchronize.
            (old_left, new_left) = (0, 0);
        }
        if line.starts_with("diff --git ") {
            path = None;
        } else if let Some(name) = line.strip_prefix("+++ ") {
            let name = name.strip_suffix('\t').unwrap_or(name);
            path = unquote(name).and_then(|n| n.strip_prefix("b/").map(str::to_string));
        } else if let Some(header) = line.strip_prefix("@@ -") {
            let Some((old, rest)) = header.split_once(" +") else {
                continue;
            };
            let Some((new, _)) = rest.split_once(" @@") else {
                continue;
            };
            let count = |r: &str| -> Option<(u32, u32)> {
                match r.split_once(',') {
                    Some((start, n)) => Some((start.parse().ok()?, n.parse().ok()?)),
                    None => Some((r.parse().ok()?, 1)),
                }
            };
            let (Some((_, removed)), Some((start, added))) = (count(old), count(new)) else {
                continue;
            };
            (old_left, new_left) = (removed, added);
            if let (Some(p), true) = (&path, added > 0) {
                out.entry(p.clone())
                    .or_default()
                    .push((start, start.saturating_add(added - 1)));
            }
        }
    }
    out
}

/// A path as git writes it in a diff header: as is, or C-quoted (`"b/a\tb\303\251"`) when it
/// holds a quote, a backslash or a control character. `None` for a quoted path that does not
/// decode.
fn unquote(s: &str) -> Option<String> {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return Some(s.to_string());
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        let e = it.next()?;
        bytes.push(match e {
            b'a' => 7,
            b'b' => 8,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 11,
            b'f' => 12,
            b'r' => b'\r',
            b'0'..=b'3' => {
                let (x, y) = (it.next()?, it.next()?);
                if !(b'0'..=b'7').contains(&x) || !(b'0'..=b'7').contains(&y) {
                    return None;
                }
                (e - b'0') * 64 + (x - b'0') * 8 + (y - b'0')
            }
            other => other,
        });
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn git_failed(why: String) -> InputError {
    InputError::plain(format!("git failed: {why}"))
        .with_help("costlint reads the repository with the `git` program; check that it runs here")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_the_new_side_of_each_change() {
        let diff = "diff --git a/app.py b/app.py\n\
index 1..2 100644\n\
--- a/app.py\n\
+++ b/app.py\n\
@@ -3 +3 @@ def f():\n\
-    model=\"gpt-5.4\",\n\
+    model=\"gpt-5.5\",\n\
@@ -10,0 +11,3 @@\n\
+++ b/not-a-header.py\n\
+--- a/nor-this\n\
+@@ -1 +1 @@\n\
@@ -20,2 +23,0 @@\n\
-gone\n\
-gone too\n\
diff --git \"a/x\\ty.py\" \"b/x\\ty.py\"\n\
--- \"a/x\\ty.py\"\n\
+++ \"b/x\\ty.py\"\n\
@@ -1 +1,2 @@\n\
-a\n\
+b\n\
+c\n\
\\ No newline at end of file\n\
diff --git a/old name.py b/new name.py\n\
similarity index 90%\n\
rename from old name.py\n\
rename to new name.py\n\
--- a/old name.py\t\n\
+++ b/new name.py\t\n\
@@ -5 +5 @@\n\
-x\n\
+y\n";
        let h = hunks(diff);
        assert_eq!(h.get("app.py"), Some(&vec![(3, 3), (11, 13)]), "{h:?}");
        assert_eq!(h.get("x\ty.py"), Some(&vec![(1, 2)]), "{h:?}");
        assert_eq!(h.get("new name.py"), Some(&vec![(5, 5)]), "{h:?}");
        assert_eq!(h.len(), 3, "{h:?}");
    }

    #[test]
    fn quoted_paths_decode() {
        assert_eq!(unquote("b/plain.py").as_deref(), Some("b/plain.py"));
        assert_eq!(
            unquote("\"b/a\\\"q\\\\.py\"").as_deref(),
            Some("b/a\"q\\.py")
        );
        assert_eq!(
            unquote("\"b/\\303\\251.py\"").as_deref(),
            Some("b/\u{e9}.py")
        );
        assert_eq!(unquote("\"b/\\9\"").as_deref(), Some("b/9"));
        assert_eq!(unquote("\"b/\\38x\""), None);
    }
}

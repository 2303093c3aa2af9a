//! The per-file result of a scan: what extraction found in one file, and where that file is for
//! the report and for its policy. The engine produces it; the checks and the reports read it.

use crate::extract::FileFacts;
use crate::lang::Lang;

/// The facts of one file that held anything.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as reported: relative to the scanned folder, `/`-separated.
    pub path: String,
    /// The same file relative to the folder holding the policy that applies to it, which the
    /// policy's path globs are matched against; `None` outside that folder or under the
    /// embedded default.
    pub policy_path: Option<String>,
    /// The format it was read as.
    pub lang: Lang,
    /// What extraction found: references, limits, sites, directives, problems.
    pub facts: FileFacts,
}

mod pack;
pub use pack::PackedFile;

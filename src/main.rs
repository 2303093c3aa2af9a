//! The costlint binary: parse flags, run the command, map the outcome to an exit code
//! (0 clean, 1 policy violations, 2 bad input).

use clap::Parser;
use costlint::cli::{Cli, Color, Format};
use costlint::report;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    tree_sitter_allocator::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return flag_error(e),
    };
    match costlint::commands::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            if cli.global.format == Format::Json {
                let _ = std::io::stdout().write_all(report::json::error(&error).as_bytes());
            }
            let color = match cli.global.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stderr().is_terminal(),
            };
            let theme = if color {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let error = error.escaped();
            let mut out = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(110);
            if handler.render_report(&mut out, &error).is_err() {
                out = format!("error: {error}\n");
            }
            let _ = std::io::stderr().write_all(out.as_bytes());
            ExitCode::from(2)
        }
    }
}

/// A flag clap cannot read: its own report (help and version included), and with
/// `--format json` also the JSON error object on stdout, like any other bad input.
fn flag_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if !informational && json_requested() {
        let mut message = e.kind().as_str().unwrap_or("invalid arguments").to_string();
        let rendered = e.render().to_string();
        if let Some(first) = rendered.lines().next() {
            message = first.trim_start_matches("error: ").to_string();
        }
        let error = costlint::error::InputError::plain(message)
            .with_help("`costlint --help` lists the commands and flags");
        let _ = std::io::stdout().write_all(report::json::error(&error).as_bytes());
    }
    let _ = e.print();
    if informational {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Whether the command line asks for `--format json`, read from the raw arguments when clap
/// could not parse them.
fn json_requested() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().enumerate().any(|(i, a)| {
        a == "--format=json" || (a == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

/// tree-sitter allocates and frees a node for every token it parses, which is most of a scan's
/// work: with glibc's malloc that took a tenth of the CPU time. Its C core allocates through
/// hooks (libc by default), pointed here at mimalloc. Rust's own allocations stay on the system
/// allocator: mimalloc there bought nothing more and held half again the peak memory.
mod tree_sitter_allocator {
    use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};
    use std::ffi::c_void;

    /// Installs the hooks. Runs first in `main`, before any other thread or tree-sitter object
    /// exists, as `tree_sitter::set_allocator` requires.
    pub fn install() {
        let allocator = tree_sitter::Allocator {
            malloc,
            calloc,
            realloc,
            free,
        };
        // SAFETY: called once, single-threaded, before any tree-sitter call; the four functions
        // are one allocator family (mimalloc), never return null for a non-zero size (they abort
        // instead, as tree-sitter's own defaults do), and return malloc-aligned memory.
        unsafe { tree_sitter::set_allocator(Some(allocator)) }
    }

    fn non_null(p: *mut c_void, size: usize) -> *mut c_void {
        if p.is_null() && size != 0 {
            std::process::abort();
        }
        p
    }

    unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        // SAFETY: plain allocation.
        non_null(unsafe { mi_malloc(size) }, size)
    }

    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        let Some(total) = count.checked_mul(size) else {
            std::process::abort();
        };
        // SAFETY: plain zeroed allocation.
        non_null(unsafe { mi_zalloc(total) }, total)
    }

    unsafe extern "C" fn realloc(p: *mut c_void, size: usize) -> *mut c_void {
        // SAFETY: tree-sitter only passes pointers it got from these hooks.
        non_null(unsafe { mi_realloc(p, size) }, size)
    }

    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: as for `realloc`.
        unsafe { mi_free(p) }
    }
}

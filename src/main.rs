//! The costlint binary: parse flags, run the command, map the outcome to an exit code
//! (0 clean, 1 policy violations, 2 bad input).

use clap::Parser;
use costlint::cli::{Cli, Color};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match costlint::commands::run(&cli) {
        Ok(code) => code,
        Err(report) => {
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
            let mut out = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(110);
            if handler.render_report(&mut out, report.as_ref()).is_err() {
                out = format!("error: {report}\n");
            }
            let _ = std::io::stderr().write_all(out.as_bytes());
            ExitCode::from(2)
        }
    }
}

//! costlint: finds every LLM model ID and output-token limit in a repository, prices each call
//! site against a pricing policy, and reports or fails the build.
//!
//! Data flow: walk → prefilter → parse → extract → resolve → sites → price → check → report.
//! [`engine::Engine`] is the one entry point for every front end.

// Bad input is reported once per run, on a cold path: a large error type costs nothing there.
#![allow(clippy::result_large_err)]

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod cost;
pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod error;
pub mod extract;
pub mod files;
pub mod git;
pub mod lang;
pub mod prefilter;
pub mod report;
pub mod rules;
pub mod sites;
pub mod usage;
pub mod walk;

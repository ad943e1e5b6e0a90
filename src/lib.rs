//! lectern: one binary for the learner-facing side of a workshop session.
//!
//! Crate map (data flows one way): `cli → config → server → web (auth → router) →
//! {content, terminal, proxy, events, assets, examiner}`. Nothing imports `web`; `content`, `terminal`,
//! `events`, `assets` and `examiner` know no HTTP types. See ARCHITECTURE.md.

pub mod assets;
pub mod auth;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod editor;
pub mod events;
pub mod examiner;
pub mod export;
pub mod import;
pub mod jail;
pub mod logging;
pub mod metrics;
pub mod proxy;
pub mod server;
pub mod terminal;
pub mod walk;
pub mod web;

pub use server::{run_serve, serve};

//! Thin entry point: parse the command line, start logging, run `serve` or `check`, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

use lectern::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    // `lectern test` reports on its own; the examiner's and terminals' info lines would bury it.
    let quiet_default = matches!(cli.command, Command::Test(_)) && std::env::var_os("RUST_LOG").is_none();
    let level = cli
        .log_level
        .clone()
        .or_else(|| quiet_default.then(|| "warn".to_string()));
    lectern::logging::init(cli.log_format, level.as_deref());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Serve(args) => {
            if let Some(dir) = &args.dir
                && let Err(message) = lectern::check::workshop_dir(dir)
            {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
            let config = match lectern::config::Config::from_serve_args(&args) {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::from(2);
                }
            };
            match runtime.block_on(lectern::run_serve(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check(args) => ExitCode::from(lectern::check::run(&args)),
        Command::Export(args) => ExitCode::from(lectern::export::run(&args)),
        Command::Import(args) => ExitCode::from(lectern::import::run(&args)),
        Command::Test(args) => ExitCode::from(runtime.block_on(lectern::walk::run(&args))),
    }
}

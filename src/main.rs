//! The `loondossier` binary: parse the command line and hand over to [`loondossier::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = loondossier::cli::Cli::parse();
    loondossier::cli::run(cli)
}

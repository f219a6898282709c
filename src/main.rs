//! The `orgsync` command: parse the command line, then hand over to the library.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "orgsync",
    version,
    about = "Self-hosted org chart with a Justworks payroll sync"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Justworks sandbox alone (generated company, for trying orgsync out).
    Sandbox {
        /// Port to listen on (127.0.0.1).
        #[arg(long, default_value_t = 8099)]
        port: u16,
        /// How many members the generated company has.
        #[arg(long, default_value_t = 250)]
        members: usize,
        /// Seed of the generated company: the same seed gives the same company.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Sandbox {
            port,
            members,
            seed,
        }) => {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            let sandbox = orgsync::sandbox::start(
                listener,
                orgsync::sandbox::SandboxOptions { members, seed },
            )
            .await?;
            println!("Justworks sandbox listening on {}", sandbox.base_url());
            tokio::signal::ctrl_c().await?;
            sandbox.shutdown().await;
            Ok(())
        }
        None => Ok(()),
    }
}

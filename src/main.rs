//! The `orgsync` command: parse the command line, then hand over to the library.

use clap::{Parser, Subcommand};

/// mimalloc returns freed memory to the system far better than glibc's allocator does
/// with many threads: a 100 000-member sync peaks hundreds of MB lower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use orgsync::{App, Config};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "orgsync",
    version = orgsync::VERSION,
    about = "Self-hosted org chart with a Justworks payroll sync",
    long_about = "Self-hosted org chart with a Justworks payroll sync.\n\n\
        Without a command, runs the server (same as `orgsync serve`). Configuration comes \
        from defaults, then the --config TOML file, then ORGSYNC_* environment variables \
        (see README.md)."
)]
struct Cli {
    /// A TOML file with settings (environment variables override it).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Run the Justworks sandbox alone (a generated company, for trying orgsync out).
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
    /// Measure syncs (or, with --pages, page times) of generated companies (see
    /// BENCHMARKS.md); build with --release.
    Bench {
        /// Company sizes to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [1000, 10000, 100000])]
        sizes: Vec<usize>,
        /// Where to sync: unset, a fresh SQLite file per size; `postgres://user@host:port`,
        /// a fresh database per size created on that PostgreSQL server (and dropped after).
        #[arg(long, env = "ORGSYNC_BENCH_DATABASE_URL", value_name = "URL")]
        database_url: Option<String>,
        /// Time the main pages with this many people instead of measuring syncs.
        #[arg(long, value_name = "PEOPLE")]
        pages: Option<usize>,
    },
    /// Manage orgsync's users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an active user; the password is read from standard input (one line).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// owner, technical-owner or member.
        #[arg(long, default_value = "member")]
        level: String,
    },
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ORGSYNC_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_sessions=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orgsync: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    init_logs(config.log_json);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Sandbox {
            port,
            members,
            seed,
        } => {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            let sandbox = orgsync::sandbox::start(
                listener,
                orgsync::sandbox::SandboxOptions { members, seed },
            )
            .await?;
            println!(
                "Justworks sandbox listening on {} (credentials on its front page)",
                sandbox.base_url()
            );
            orgsync::app::shutdown_signal().await;
            sandbox.shutdown().await;
            Ok(())
        }
        Command::Bench {
            sizes,
            database_url,
            pages,
        } => {
            let target = orgsync::bench::Target::parse(database_url.as_deref())?;
            match pages {
                Some(people) => orgsync::bench::run_pages(people, &target).await,
                None => orgsync::bench::run(&sizes, &target).await,
            }
        }
        Command::User {
            command: UserCommand::Create { email, name, level },
        } => {
            eprintln!("Password for {email} (one line, at least 12 characters):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password =
                orgsync::secrets::SecretString::new(line.trim_end_matches(['\n', '\r']).to_owned());
            let user = orgsync::cli::create_user(&config, &email, &name, &level, password).await?;
            println!(
                "Created {} <{}> as {}.",
                user.name,
                user.email,
                user.level.label()
            );
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(version = orgsync::VERSION, "orgsync starting");
    let bind = config.bind;
    let app = App::build(config).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("could not listen on {bind}: {e}"))?;
    let addr = listener.local_addr()?;
    let base = app.public_base(addr);
    tracing::info!(%addr, "orgsync is listening");
    if let Some(token) = app.setup_token() {
        // Printed once, to standard output only (not the log): the link that creates the
        // first Owner.
        println!("No users yet. Create the first Owner at: {base}/setup?token={token}");
    } else {
        println!("orgsync is running at {base}");
    }
    app.serve(listener, orgsync::app::shutdown_signal()).await
}

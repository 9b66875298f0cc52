//! `zecd`: serve the API, or administer a data directory.

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::sync::Arc;
use zec_core::clock::wall_clock_millis;
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, ManualClock, SystemClock};
use zec_server::actions::known_action;
use zec_server::config::{
    AccountsCommand, Cli, ClockMode, Command, CredentialCommand, LogFormat, ServeArgs,
};
use zec_server::net::{self, NetLimits};
use zec_server::{App, Limits, router};
use zec_store::admin;
use zec_store::{AdminDb, Scope, Store, StoreOptions};

// The request path allocates many small, short-lived objects; mimalloc serves them faster
// than glibc's malloc (measured with the describe-status benchmark, see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Accounts { command } => accounts(command),
        Command::Keys { command } => keys(command),
        Command::Tokens { command } => tokens(command),
    }
}

/// Logs go to stderr through a writer thread, so that request handlers never wait on the
/// terminal or a pipe; nothing is dropped (the queue blocks when full). The guard flushes the
/// queue when dropped at exit.
fn init_logging(args: &ServeArgs) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log)
        .with_context(|| format!("bad --log filter `{}`", args.log))?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("zecd-log")
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    Ok(guard)
}

/// Opens the store (before the async runtime starts: the PostgreSQL client runs its own),
/// then serves until a signal comes.
fn serve(args: ServeArgs) -> Result<()> {
    let _log = init_logging(&args)?;
    let catalog = match &args.catalog {
        Some(path) => Catalog::load(path).map_err(anyhow::Error::msg)?,
        None => Catalog::builtin(),
    };
    let faults = match &args.faults {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Faults::from_toml(&text, known_action)
                .map_err(|e| anyhow::anyhow!("fault file {}: {e}", path.display()))?
        }
        None => Faults::default(),
    };
    let backend = args.data.backend();
    let resume = {
        let mut db = backend
            .admin()
            .with_context(|| format!("cannot open {backend}"))?;
        ensure_credentials(&mut *db, &args)?;
        admin::manual_clock_time(&mut *db)?
    };
    let manual_clock = match args.clock {
        ClockMode::System => None,
        ClockMode::Manual => {
            let start = resume.unwrap_or_else(wall_clock_millis);
            let clock = ManualClock::resume(start);
            if clock.now() != start {
                tracing::warn!(
                    recorded = start,
                    now = %zec_core::clock::format_api_time(clock.now()),
                    "the recorded manual clock is outside the times zecd can represent; \
                     resuming from the nearest one"
                );
            }
            Some(Arc::new(clock))
        }
    };
    let clock: Arc<dyn Clock> = match &manual_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let store = Store::open(
        &backend,
        StoreOptions {
            clock,
            timings: args.transition,
            catalog: Arc::new(catalog),
            faults: Arc::new(std::sync::Mutex::new(faults)),
            pg: zec_store::PgSettings {
                idle_timeout: args.pg_idle_timeout,
                lock_timeout: args.pg_lock_timeout,
            },
        },
    )
    .with_context(|| format!("cannot open {backend}"))?;
    if manual_clock.is_some() && store.is_shared() {
        tracing::warn!(
            "--clock manual with a shared database: each replica has a clock of its own; \
             run one replica"
        );
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args, backend, store, manual_clock))
}

async fn run(
    args: ServeArgs,
    backend: zec_store::Backend,
    store: Store,
    manual_clock: Option<Arc<ManualClock>>,
) -> Result<()> {
    if manual_clock.is_some() {
        // Written down at once, so that a restart resumes from here even if the clock was
        // never advanced.
        store.settle_and_record_clock().await?;
    }

    // Signal handlers go in before anyone can know where we listen, so that a signal is
    // always a graceful stop.
    let stop = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        store = %backend,
        transitions = %args.transition,
        clock = ?args.clock,
        "zecd listening on http://{addr}"
    );
    let app = App::new(
        store.clone(),
        Limits {
            max_body_bytes: args.max_body_bytes,
            body_timeout: args.body_timeout,
        },
        manual_clock,
    );
    let limits = NetLimits {
        header_timeout: args.header_timeout,
        body_timeout: args.body_timeout,
        keepalive_timeout: args.keepalive_timeout,
        send_timeout: args.send_timeout,
        max_header_bytes: args.max_header_bytes as usize,
        max_connections: args
            .max_connections
            .map_or_else(net::default_max_connections, |n| n as usize),
    };
    tracing::debug!(?limits, "connection limits");
    net::serve(listener, router(app), limits, stop, args.shutdown_timeout).await?;
    store.close().await;
    tracing::info!("zecd stopped");
    Ok(())
}

/// The default account exists; it has the configured root key; and if no key exists at all,
/// one is made and shown once.
fn ensure_credentials(db: &mut dyn AdminDb, args: &ServeArgs) -> Result<()> {
    let account = admin::ensure_default_account(db)?;
    if let (Some(id), Some(password)) = (&args.access_key_id, &args.access_key_password) {
        admin::ensure_key(db, account.id, id, password)?;
        return Ok(());
    }
    if admin::count_keys(db)? == 0 {
        let key = admin::create_key(db, account.id, true, Scope::default())?;
        // Printed, not logged: logs must never carry secrets.
        println!(
            "zecd: created the first access key of account `{}`; it is shown only this once:\n\
             \x20 ZENLAYERCLOUD_ACCESS_KEY_ID={}\n\
             \x20 ZENLAYERCLOUD_ACCESS_KEY_PASSWORD={}",
            admin::DEFAULT_ACCOUNT,
            key.id,
            key.secret
        );
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

fn open(data: &zec_server::config::DataDir) -> Result<Box<dyn AdminDb>> {
    let backend = data.backend();
    backend
        .admin()
        .with_context(|| format!("cannot open {backend}"))
}

fn accounts(command: AccountsCommand) -> Result<()> {
    match command {
        AccountsCommand::Create { name, data } => {
            let mut db = open(&data)?;
            let a = admin::create_account(&mut *db, &name)?;
            println!("created account {} (id {})", a.name, a.id);
        }
        AccountsCommand::List { data } => {
            let mut db = open(&data)?;
            println!("{:<6} {:<24} CREATED", "ID", "NAME");
            for a in admin::list_accounts(&mut *db)? {
                println!(
                    "{:<6} {:<24} {}",
                    a.id,
                    a.name,
                    zec_core::clock::format_api_time(a.created_at)
                );
            }
        }
    }
    Ok(())
}

fn keys(command: CredentialCommand) -> Result<()> {
    match command {
        CredentialCommand::Create {
            account,
            name,
            read_only,
            resource_groups,
            data,
        } => {
            if !name.is_empty() {
                bail!("access keys have no name; --name is for tokens");
            }
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            let scope = Scope {
                read_only,
                groups: resource_groups,
            };
            let k = admin::create_key(&mut *db, a.id, false, scope)?;
            println!(
                "ZENLAYERCLOUD_ACCESS_KEY_ID={}\nZENLAYERCLOUD_ACCESS_KEY_PASSWORD={}",
                k.id, k.secret
            );
        }
        CredentialCommand::List { account, data } => {
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            println!("{:<26} {:<5} {:<20} MAY", "ID", "ROOT", "CREATED");
            for k in admin::list_keys(&mut *db, a.id)? {
                println!(
                    "{:<26} {:<5} {:<20} {}",
                    k.id,
                    if k.root { "yes" } else { "no" },
                    zec_core::clock::format_api_time(k.created_at),
                    k.scope.describe()
                );
            }
        }
        CredentialCommand::Delete { id, account, data } => {
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            admin::delete_key(&mut *db, a.id, &id)?;
            println!("deleted key {id}");
        }
    }
    Ok(())
}

fn tokens(command: CredentialCommand) -> Result<()> {
    match command {
        CredentialCommand::Create {
            account,
            name,
            read_only,
            resource_groups,
            data,
        } => {
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            let scope = Scope {
                read_only,
                groups: resource_groups,
            };
            let (t, secret) = admin::create_token(&mut *db, a.id, &name, scope)?;
            println!("token id {}\n{secret}", t.id);
        }
        CredentialCommand::List { account, data } => {
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            println!("{:<16} {:<24} {:<20} MAY", "ID", "NAME", "CREATED");
            for t in admin::list_tokens(&mut *db, a.id)? {
                println!(
                    "{:<16} {:<24} {:<20} {}",
                    t.id,
                    t.name,
                    zec_core::clock::format_api_time(t.created_at),
                    t.scope.describe()
                );
            }
        }
        CredentialCommand::Delete { id, account, data } => {
            let mut db = open(&data)?;
            let a = admin::find_account(&mut *db, &account)?;
            admin::delete_token(&mut *db, a.id, &id)?;
            println!("deleted token {id}");
        }
    }
    Ok(())
}

//! `zecd`: serve the API, or administer a data directory.

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::path::Path;
use std::sync::Arc;
use zec_core::clock::wall_clock_millis;
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, ManualClock, SystemClock};
use zec_server::actions::known_action;
use zec_server::config::{
    AccountsCommand, Cli, ClockMode, Command, CredentialCommand, LogFormat, ServeArgs,
};
use zec_server::{App, Limits, router};
use zec_store::sqlite::{Connection, admin, open_connection};
use zec_store::{Scope, Store, StoreOptions};

// The request path allocates many small, short-lived objects; mimalloc serves them faster
// than glibc's malloc (measured with the describe-status benchmark, see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(serve(*args)),
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

async fn serve(args: ServeArgs) -> Result<()> {
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
    let manual_clock = match args.clock {
        ClockMode::System => None,
        ClockMode::Manual => {
            let resume = zec_store::sqlite::manual_clock_time(&args.data.data_dir)?;
            Some(Arc::new(ManualClock::new(
                resume.unwrap_or_else(wall_clock_millis),
            )))
        }
    };
    let clock: Arc<dyn Clock> = match &manual_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let store = Store::open_sqlite(
        &args.data.data_dir,
        StoreOptions {
            clock,
            timings: args.transition,
            catalog: Arc::new(catalog),
            faults: Arc::new(std::sync::Mutex::new(faults)),
        },
    )
    .with_context(|| format!("cannot open {}", args.data.data_dir.display()))?;
    ensure_credentials(&store, &args)?;
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
        data_dir = %args.data.data_dir.display(),
        transitions = %args.transition,
        clock = ?args.clock,
        "zecd listening on http://{addr}"
    );
    let app = App::new(
        store.clone(),
        Limits {
            max_body_bytes: args.max_body_bytes,
        },
        manual_clock,
    );
    axum::serve(listener, router(app))
        .with_graceful_shutdown(stop)
        .await?;
    store.close().await;
    tracing::info!("zecd stopped");
    Ok(())
}

/// The default account exists; it has the configured root key; and if no key exists at all,
/// one is made and shown once.
fn ensure_credentials(store: &Store, args: &ServeArgs) -> Result<()> {
    let created = store.admin(|conn| {
        let account = admin::ensure_default_account(conn)?;
        if let (Some(id), Some(password)) = (&args.access_key_id, &args.access_key_password) {
            admin::ensure_key(conn, account.id, id, password)?;
            return Ok(None);
        }
        if admin::count_keys(conn)? == 0 {
            return Ok(Some(admin::create_key(
                conn,
                account.id,
                true,
                Scope::default(),
            )?));
        }
        Ok(None)
    })?;
    if let Some(key) = created {
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

fn open(data_dir: &Path) -> Result<Connection> {
    std::fs::create_dir_all(data_dir)?;
    Ok(open_connection(&data_dir.join(zec_store::sqlite::DB_FILE))?)
}

fn accounts(command: AccountsCommand) -> Result<()> {
    match command {
        AccountsCommand::Create { name, data } => {
            let mut conn = open(&data.data_dir)?;
            let a = admin::create_account(&mut conn, &name)?;
            println!("created account {} (id {})", a.name, a.id);
        }
        AccountsCommand::List { data } => {
            let conn = open(&data.data_dir)?;
            println!("{:<6} {:<24} CREATED", "ID", "NAME");
            for a in admin::list_accounts(&conn)? {
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
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            let scope = Scope {
                read_only,
                groups: resource_groups,
            };
            let k = admin::create_key(&conn, a.id, false, scope)?;
            println!(
                "ZENLAYERCLOUD_ACCESS_KEY_ID={}\nZENLAYERCLOUD_ACCESS_KEY_PASSWORD={}",
                k.id, k.secret
            );
        }
        CredentialCommand::List { account, data } => {
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            println!("{:<26} {:<5} {:<20} MAY", "ID", "ROOT", "CREATED");
            for k in admin::list_keys(&conn, a.id)? {
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
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            admin::delete_key(&conn, a.id, &id)?;
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
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            let scope = Scope {
                read_only,
                groups: resource_groups,
            };
            let (t, secret) = admin::create_token(&conn, a.id, &name, scope)?;
            println!("token id {}\n{secret}", t.id);
        }
        CredentialCommand::List { account, data } => {
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            println!("{:<16} {:<24} {:<20} MAY", "ID", "NAME", "CREATED");
            for t in admin::list_tokens(&conn, a.id)? {
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
            let conn = open(&data.data_dir)?;
            let a = admin::find_account(&conn, &account)?;
            admin::delete_token(&conn, a.id, &id)?;
            println!("deleted token {id}");
        }
    }
    Ok(())
}

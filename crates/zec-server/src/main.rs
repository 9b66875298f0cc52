//! `zecd`: serve the API, or administer a data directory.

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use zec_core::clock::wall_clock_millis;
use zec_core::faults::Faults;
use zec_core::{Catalog, Clock, ManualClock, SystemClock};
use zec_server::actions::known_action;
use zec_server::config::{
    AccountsCommand, Cli, ClockMode, Command, CredentialCommand, GuestAccel, GuestMode, LogFormat,
    ServeArgs,
};
use zec_server::net::{self, NetLimits};
use zec_server::ops::Ops;
use zec_server::{App, Limits, router};
use zec_store::admin;
use zec_store::{AdminDb, Scope, Store, StoreOptions};

// The request path allocates many small, short-lived objects; mimalloc serves them faster
// than glibc's malloc (measured with the describe-status benchmark, see the README). Built
// without transparent huge pages (`no_thp`): mimalloc would ask the kernel for them on its
// arenas, and where the kernel compacts memory for such regions on demand (its default,
// `defrag=madvise`) the first touch of every 2 MiB stalls the thread that touches it: the
// writer while it grows the index, the loader at start. Side by side at 1M instances: a
// pinned restart 7.1–17.7 s with them (the more fragmented the machine's memory, the
// longer), 6.7–7.1 s without (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Accounts { command } => accounts(command),
        Command::Keys { command } => keys(command),
        Command::Tokens { command } => tokens(command),
        Command::Export {
            account,
            output,
            catalog,
            data,
        } => export(
            &data,
            catalog.as_deref(),
            account.as_deref(),
            output.as_deref(),
        ),
        Command::Import {
            file,
            catalog,
            data,
        } => import(&data, catalog.as_deref(), &file),
    }
}

/// Opens the store of a data directory (or database) for an offline export or import, on the
/// lifecycle clock it was left at; a store that never ran a manual clock is on `fresh` (the
/// system clock for an export).
fn open_store(
    data: &zec_server::config::DataDir,
    catalog: Option<&std::path::Path>,
    fresh: Option<zec_core::Millis>,
) -> Result<(Store, bool)> {
    let catalog = match catalog {
        Some(path) => Catalog::load(path).map_err(anyhow::Error::msg)?,
        None => Catalog::builtin(),
    };
    let backend = data.backend();
    let recorded = {
        let mut db = backend
            .admin()
            .with_context(|| format!("cannot open {backend}"))?;
        admin::manual_clock_time(&mut *db)?
    };
    let (clock, manual): (Arc<dyn Clock>, bool) = match recorded.or(fresh) {
        Some(t) => (Arc::new(ManualClock::resume(t)), true),
        None => (Arc::new(SystemClock), false),
    };
    Store::open(
        &backend,
        StoreOptions {
            clock,
            timings: Default::default(),
            catalog: Arc::new(catalog),
            faults: Default::default(),
            pg: Default::default(),
        },
    )
    .with_context(|| format!("cannot open {backend} (is a zecd serving it?)"))
    .map(|s| (s, manual))
}

fn export(
    data: &zec_server::config::DataDir,
    catalog: Option<&std::path::Path>,
    account: Option<&str>,
    output: Option<&std::path::Path>,
) -> Result<()> {
    let (store, _) = open_store(data, catalog, None)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let doc = runtime.block_on(async {
        let doc = store.export_state(account).await;
        store.close().await;
        doc
    })?;
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

fn import(
    data: &zec_server::config::DataDir,
    catalog: Option<&std::path::Path>,
    file: &std::path::Path,
) -> Result<()> {
    let text = if file == std::path::Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    let doc: zec_store::state::StateDocument = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a zecd state document", file.display()))?;
    // Into a store that never ran a manual clock, the state goes in as it was at its export,
    // and that time is written down: a `zecd serve --clock manual` resumes there, every
    // phase with the time it had left; on the system clock, the time since the export has
    // passed for them.
    let exported_at = doc.exported_at_millis;
    let (store, manual) = open_store(data, catalog, Some(exported_at))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let done = runtime.block_on(async {
        let done = store.import_state(doc).await;
        if done.is_ok() && manual {
            store.settle_and_record_clock().await?;
        }
        store.close().await;
        done
    })?;
    println!(
        "imported {} resources into {} accounts",
        done.resources, done.accounts
    );
    Ok(())
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
    // Settings that cannot work are refused before anything is made.
    match (args.tls_source(), &args.listen_tls) {
        (Some(_), None) => {
            bail!("HTTPS is configured: give the address to serve it on with --listen-tls")
        }
        (None, Some(_)) => bail!(
            "--listen-tls needs a certificate: --tls self-signed, or --tls-cert and --tls-key"
        ),
        (Some(zec_server::tls::TlsSource::Files { .. }), Some(_)) => {
            // Read now: a bad file stops zecd before it touches its store.
            zec_server::tls::load(&args.tls_source().expect("configured"))?;
        }
        _ => {}
    }
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
    if args.guests == GuestMode::Qemu && args.data.database_url.is_some() {
        bail!(
            "--guests qemu runs the machines on this host, so it keeps its data of its own: \
             give --data-dir, not --database-url"
        );
    }
    let guests = match args.guests {
        GuestMode::None => None,
        GuestMode::Qemu => Some(
            zec_guest::Guests::open(zec_guest::Config {
                images: args
                    .guests_images
                    .clone()
                    .unwrap_or_else(|| args.data.data_dir.join("guests").join("images")),
                dir: args.data.data_dir.join("guests"),
                qemu: args.guests_qemu.clone(),
                qemu_img: "qemu-img".into(),
                budget: zec_guest::Budget {
                    max_guests: args.guests_max as usize,
                    memory_mib: args.guests_memory,
                },
                memory_scale: args.guests_memory_scale,
                boot_timeout: args.guests_boot_timeout,
                stop_timeout: std::time::Duration::from_secs(60),
                accel: match args.guests_accel {
                    GuestAccel::Auto => None,
                    GuestAccel::Kvm => Some(zec_guest::Accel::Kvm),
                    GuestAccel::Tcg => Some(zec_guest::Accel::Tcg),
                },
            })
            .map_err(anyhow::Error::msg)?,
        ),
    };
    let mut timings = args.transition;
    if guests.is_some() {
        // What a machine does ends when the machine has done it.
        for phase in zec_core::Phase::ALL {
            if zec_core::guest::held_by_guest(phase) {
                timings.hold(phase);
            }
        }
    }
    let store = Store::open(
        &backend,
        StoreOptions {
            clock,
            timings,
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
        .block_on(run(args, backend, store, manual_clock, guests))
}

async fn run(
    args: ServeArgs,
    backend: zec_store::Backend,
    store: Store,
    manual_clock: Option<Arc<ManualClock>>,
    guests: Option<zec_guest::Guests>,
) -> Result<()> {
    if manual_clock.is_some() {
        // Written down at once, so that a restart resumes from here even if the clock was
        // never advanced.
        store.settle_and_record_clock().await?;
    }

    let ops = Ops::new(
        &store,
        args.metrics,
        &args.rate_limits,
        args.metrics_token.clone(),
    );
    let app = App::new(
        store.clone(),
        Limits {
            max_body_bytes: args.max_body_bytes,
            body_timeout: args.body_timeout,
        },
        manual_clock,
        ops,
    )
    .with_guests(guests.clone());
    // Phases held for real guests that nothing here will drive (data made with
    // --guests qemu) end on their durations.
    let unheld = store.unhold().await?;
    if unheld > 0 {
        tracing::info!(
            instances = unheld,
            "phases held for real guests now end on their durations"
        );
    }
    // Signal handlers go in before anyone can know where we listen, so that a signal is
    // always a graceful stop; from the signal on, the replica is not ready.
    let stop = {
        let signal = shutdown_signal()?;
        let app = app.clone();
        let delay = args
            .shutdown_delay
            .min(std::time::Duration::from_secs(3600));
        async move {
            signal.await;
            app.ops.draining.store(true, Ordering::Relaxed);
            if !delay.is_zero() {
                tracing::info!(?delay, "not ready; serving on for the shutdown delay");
                tokio::time::sleep(delay).await;
            }
        }
    };
    let mut listeners = Vec::new();
    // Half-configured HTTPS was refused at start (see `serve`).
    if let (Some(source), Some(at)) = (args.tls_source(), &args.listen_tls) {
        let tls = zec_server::tls::load(&source)?;
        let tcp = tokio::net::TcpListener::bind(at)
            .await
            .with_context(|| format!("cannot listen on {at}"))?;
        if let Some(ca) = &tls.ca_file {
            // Printed, for the user to trust (REQUESTS_CA_BUNDLE, the SDK's
            // certification, zec --ca-bundle).
            println!(
                "zecd: HTTPS certificates are signed by the local CA {}",
                ca.display()
            );
        }
        tracing::info!("zecd listening on https://{}", tcp.local_addr()?);
        listeners.push(net::Listener {
            tcp,
            tls: Some(tls.acceptor),
        });
    }
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
    listeners.push(net::Listener {
        tcp: listener,
        tls: None,
    });
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
    if let Some(guests) = &guests {
        // Before the first request: instances already show their machines' truth.
        guests.start(store.clone()).await;
    }
    let served = net::serve(listeners, router(app), limits, stop, args.shutdown_timeout).await;
    if let Some(guests) = &guests {
        guests.shutdown().await;
    }
    served?;
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

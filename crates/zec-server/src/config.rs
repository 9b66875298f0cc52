//! The command line. Every flag can also be set by an environment variable `ZECD_<FLAG>`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use zec_core::Timings;

/// The longest timeout any setting takes: a day.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// A timeout such as `60s` or `500ms`: more than zero, at most a day.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| format!("`{s}`: {e}"))?;
    if d.is_zero() || d > MAX_TIMEOUT {
        return Err(format!("`{s}` must be more than 0 and at most 24h"));
    }
    Ok(d)
}

#[derive(Debug, Parser)]
#[command(
    name = "zecd",
    version,
    about = "A Zenlayer Elastic Compute (ZEC) API server",
    long_about = "zecd speaks the Zenlayer Cloud API 2.0 for elastic compute, so that the official \
                  SDKs, CLI and Terraform provider work against it unmodified."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve(Box<ServeArgs>),
    /// Manage accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Manage an account's access keys (ZC2-HMAC-SHA256 id and password).
    Keys {
        #[command(subcommand)]
        command: CredentialCommand,
    },
    /// Manage an account's bearer tokens.
    Tokens {
        #[command(subcommand)]
        command: CredentialCommand,
    },
    /// Write the state (every account's resources, or one account's) as a versioned JSON
    /// document, with no zecd running on the data directory (on PostgreSQL, with or without).
    Export {
        /// Only this account.
        #[arg(long)]
        account: Option<String>,
        /// Where to write it (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The catalog the store is served with, if not the built-in one.
        #[arg(long, env = "ZECD_CATALOG")]
        catalog: Option<PathBuf>,
        #[command(flatten)]
        data: DataDir,
    },
    /// Replace the resources of the accounts a state document names with its own (accounts
    /// made if missing; keys and tokens untouched).
    Import {
        /// The document (`-` for standard input).
        file: PathBuf,
        /// The catalog the store is served with, if not the built-in one.
        #[arg(long, env = "ZECD_CATALOG")]
        catalog: Option<PathBuf>,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DataDir {
    /// Where zecd keeps its data (an SQLite database), unless --database-url is given.
    #[arg(long, env = "ZECD_DATA_DIR", default_value = "./zecd-data")]
    pub data_dir: PathBuf,

    /// A PostgreSQL database to keep the data in instead (postgres://user:password@host/db),
    /// which several zecd replicas can serve together.
    #[arg(long, env = "ZECD_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DataDir {
    pub fn backend(&self) -> zec_store::Backend {
        match &self.database_url {
            Some(url) => zec_store::Backend::Postgres(url.clone()),
            None => zec_store::Backend::Sqlite(self.data_dir.clone()),
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "ZECD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Also serve HTTPS on this address (with --tls self-signed, or --tls-cert and --tls-key).
    #[arg(long, env = "ZECD_LISTEN_TLS")]
    pub listen_tls: Option<String>,

    /// `self-signed`: make a local CA once (kept in DATA_DIR/tls, its path printed at start)
    /// and a certificate it signs for localhost, 127.0.0.1, ::1 and every --tls-name.
    #[arg(long, env = "ZECD_TLS", value_enum, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub tls: Option<TlsMode>,

    /// The server's certificate chain (PEM), for HTTPS.
    #[arg(long, env = "ZECD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM).
    #[arg(long, env = "ZECD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A further DNS name or address of the self-signed certificate (repeat for more).
    #[arg(long = "tls-name", env = "ZECD_TLS_NAME", value_delimiter = ',')]
    pub tls_names: Vec<String>,

    /// Keep request metrics and serve /metrics (`--metrics false`: neither).
    #[arg(long, env = "ZECD_METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,

    /// Require `Authorization: Bearer TOKEN` to read /metrics.
    #[arg(long, env = "ZECD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// A request limit per credential: `20/s` for every action, `DescribeInstances=5/s` for
    /// one (N/s, N/m or N/h; repeat for more). Over it, REQUEST_LIMIT_EXCEEDED (429).
    #[arg(long = "rate-limit", env = "ZECD_RATE_LIMIT", value_delimiter = ',',
          value_parser = crate::ops::rate::RateSpec::parse)]
    pub rate_limits: Vec<crate::ops::rate::RateSpec>,

    #[command(flatten)]
    pub data: DataDir,

    /// A catalog file (TOML) to use instead of the built-in one.
    #[arg(long, env = "ZECD_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// How long each lifecycle phase lasts, e.g. `deploy=3s,boot=2s`; unnamed phases keep
    /// their defaults (deploy=3s, boot=2s, stop=2s, reboot=2s, rebuild=4s, resize=3s,
    /// release=2s, recycle=2s; disk-create=2s, disk-attach=1s, disk-detach=1s,
    /// disk-resize=2s, disk-release=2s, snapshot-create=2s, snapshot-delete=1s,
    /// eip-create=1s, eip-release=1s, nic-create=1s, nic-attach=1s).
    #[arg(long, env = "ZECD_TRANSITION", default_value = "", value_parser = Timings::parse)]
    pub transition: Timings,

    /// The lifecycle clock: `system`, or `manual`, which stands still until the admin API's
    /// AdvanceClock moves it (and resumes where it was after a restart).
    #[arg(long, env = "ZECD_CLOCK", value_enum, default_value_t = ClockMode::System)]
    pub clock: ClockMode,

    /// A fault file (TOML): phases that fail and actions that answer with errors.
    #[arg(long, env = "ZECD_FAULTS")]
    pub faults: Option<PathBuf>,

    /// What an instance is: `none` (the simulated lifecycle) or `qemu` (a real QEMU/KVM
    /// virtual machine; needs /dev/kvm, QEMU and the image of scripts/guest-image).
    #[arg(long, env = "ZECD_GUESTS", value_enum, default_value_t = GuestMode::None)]
    pub guests: GuestMode,

    /// With --guests qemu: the most instances (outside the recycle bin) this zecd holds;
    /// beyond, OPERATION_DENIED_INSTANCE_QUOTA_EXCEED.
    #[arg(long, env = "ZECD_GUESTS_MAX", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub guests_max: u32,

    /// With --guests qemu: the memory all guests may take together (e.g. 8GiB); beyond,
    /// STOCK_INSUFFICIENT.
    #[arg(long, env = "ZECD_GUESTS_MEMORY", default_value = "8GiB",
          value_parser = zec_guest::budget::parse_size_mib)]
    pub guests_memory: u64,

    /// With --guests qemu: a machine gets its instance type's memory divided by this (at
    /// least 128 MiB), so that large types fit a small host.
    #[arg(long, env = "ZECD_GUESTS_MEMORY_SCALE", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub guests_memory_scale: u32,

    /// With --guests qemu: where the guest image is (default DATA_DIR/guests/images, where
    /// `scripts/guest-image --data-dir DATA_DIR` builds it).
    #[arg(long, env = "ZECD_GUESTS_IMAGES")]
    pub guests_images: Option<PathBuf>,

    /// With --guests qemu: how guests' CPUs run: `kvm`, `tcg` (QEMU's emulation: no KVM
    /// needed, slower), or `auto`: KVM, unless this host's KVM is PVM (which runs no stock
    /// kernel), then TCG. Without /dev/kvm, only `tcg` starts.
    #[arg(long, env = "ZECD_GUESTS_ACCEL", value_enum, default_value_t = GuestAccel::Auto)]
    pub guests_accel: GuestAccel,

    /// With --guests qemu: the QEMU to run.
    #[arg(long, env = "ZECD_GUESTS_QEMU", default_value = "qemu-system-x86_64")]
    pub guests_qemu: PathBuf,

    /// With --guests qemu: how long a guest may take to boot before it is given up
    /// (CREATE_FAILED, or STOPPED).
    #[arg(long, env = "ZECD_GUESTS_BOOT_TIMEOUT", default_value = "120s", value_parser = parse_timeout)]
    pub guests_boot_timeout: Duration,

    /// An access key id the default account must have, as a root key (with the password).
    #[arg(long, env = "ZECD_ACCESS_KEY_ID", requires = "access_key_password")]
    pub access_key_id: Option<String>,

    /// The password of `--access-key-id`.
    #[arg(
        long,
        env = "ZECD_ACCESS_KEY_PASSWORD",
        hide_env_values = true,
        requires = "access_key_id"
    )]
    pub access_key_password: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ZECD_MAX_BODY_BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,

    /// How long a client may take to send a request's header (from the connection's first
    /// byte, or the end of the previous answer); then the connection is closed.
    #[arg(long, env = "ZECD_HEADER_TIMEOUT", default_value = "60s", value_parser = parse_timeout)]
    pub header_timeout: Duration,

    /// How long a client may pause between two reads of a request's body; then it is answered
    /// REQUEST_TIMED_OUT and the connection is closed.
    #[arg(long, env = "ZECD_BODY_TIMEOUT", default_value = "60s", value_parser = parse_timeout)]
    pub body_timeout: Duration,

    /// How long an idle keep-alive connection stays open.
    #[arg(long, env = "ZECD_KEEPALIVE_TIMEOUT", default_value = "75s", value_parser = parse_timeout)]
    pub keepalive_timeout: Duration,

    /// How long a client may leave an answer unread; then the connection is closed.
    #[arg(long, env = "ZECD_SEND_TIMEOUT", default_value = "60s", value_parser = parse_timeout)]
    pub send_timeout: Duration,

    /// Largest request header (request line and header fields), in bytes.
    #[arg(long, env = "ZECD_MAX_HEADER_BYTES", default_value_t = 32 * 1024,
          value_parser = clap::value_parser!(u32).range(8192..=1 << 20))]
    pub max_header_bytes: u32,

    /// Most connections open at once (default: what the open-files limit leaves room for,
    /// after zecd raises it to the hard limit). When full, a new connection replaces the one
    /// that has waited longest with no request in flight.
    #[arg(long, env = "ZECD_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,

    /// On SIGINT or SIGTERM, how long zecd keeps serving while /_zecd/ready answers 503, so
    /// that load balancers stop sending before it stops accepting (e.g. 5s behind one).
    #[arg(long, env = "ZECD_SHUTDOWN_DELAY", default_value = "0s", value_parser = humantime::parse_duration)]
    pub shutdown_delay: Duration,

    /// On SIGINT or SIGTERM, how long requests in flight may take to finish before their
    /// connections are closed.
    #[arg(long, env = "ZECD_SHUTDOWN_TIMEOUT", default_value = "30s", value_parser = parse_timeout)]
    pub shutdown_timeout: Duration,

    /// PostgreSQL: a session idle this long inside a transaction (a replica paused or cut off
    /// mid-write) is ended by the database, releasing the fleet's write lock.
    #[arg(long, env = "ZECD_PG_IDLE_TIMEOUT", default_value = "1s", value_parser = parse_timeout)]
    pub pg_idle_timeout: Duration,

    /// PostgreSQL: the longest a replica may hold the fleet's write lock; a replica that has
    /// waited this long ends the session of a holder stuck for longer.
    #[arg(long, env = "ZECD_PG_LOCK_TIMEOUT", default_value = "2s", value_parser = parse_timeout)]
    pub pg_lock_timeout: Duration,

    /// Log filter, e.g. `info`, `warn,zecd::access=off`.
    #[arg(long, env = "ZECD_LOG", default_value = "info")]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "ZECD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsMode {
    SelfSigned,
}

impl ServeArgs {
    /// Where the HTTPS certificate comes from, if HTTPS is configured.
    pub fn tls_source(&self) -> Option<crate::tls::TlsSource> {
        match (&self.tls, &self.tls_cert, &self.tls_key) {
            (Some(TlsMode::SelfSigned), _, _) => Some(crate::tls::TlsSource::SelfSigned {
                dir: self.data.data_dir.join("tls"),
                names: self.tls_names.clone(),
            }),
            (None, Some(cert), Some(key)) => Some(crate::tls::TlsSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockMode {
    System,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GuestAccel {
    Auto,
    Kvm,
    Tcg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GuestMode {
    None,
    Qemu,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Create an account (with its default resource group).
    Create {
        name: String,
        #[command(flatten)]
        data: DataDir,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Create one; its secret is printed once and never again.
    Create {
        #[arg(long, env = "ZECD_ACCOUNT")]
        account: String,
        /// A label (tokens only).
        #[arg(long, default_value = "")]
        name: String,
        /// Allow Describe* actions only.
        #[arg(long)]
        read_only: bool,
        /// Allow only instances in this resource group of the account (repeat for more).
        #[arg(long = "resource-group", value_name = "ID")]
        resource_groups: Vec<String>,
        #[command(flatten)]
        data: DataDir,
    },
    /// List them (without secrets).
    List {
        #[arg(long, env = "ZECD_ACCOUNT")]
        account: String,
        #[command(flatten)]
        data: DataDir,
    },
    /// Delete one by id; a running zecd stops accepting it within a second.
    Delete {
        id: String,
        #[arg(long, env = "ZECD_ACCOUNT")]
        account: String,
        #[command(flatten)]
        data: DataDir,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let cli = Cli::try_parse_from(["zecd", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.listen, "127.0.0.1:8080");
        assert_eq!(args.data.data_dir, PathBuf::from("./zecd-data"));
        assert_eq!(args.transition, Timings::default());
        assert_eq!(args.max_body_bytes, 1 << 20);
        assert_eq!(args.header_timeout, Duration::from_secs(60));
        assert_eq!(args.body_timeout, Duration::from_secs(60));
        assert_eq!(args.keepalive_timeout, Duration::from_secs(75));
        assert_eq!(args.send_timeout, Duration::from_secs(60));
        assert_eq!(args.max_header_bytes, 32 * 1024);
        assert_eq!(args.max_connections, None);
        assert!(Cli::try_parse_from(["zecd", "serve", "--header-timeout", "0s"]).is_err());
        assert!(Cli::try_parse_from(["zecd", "serve", "--body-timeout", "9999years"]).is_err());
        assert!(Cli::try_parse_from(["zecd", "serve", "--max-header-bytes", "100"]).is_err());
        assert!(Cli::try_parse_from(["zecd", "serve", "--transition", "warp=1s"]).is_err());
        assert!(Cli::try_parse_from(["zecd", "serve", "--access-key-id", "A"]).is_err());
    }
}

//! The command line. Every flag can also be set by an environment variable `ZECD_<FLAG>`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use zec_core::Timings;

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

    #[command(flatten)]
    pub data: DataDir,

    /// A catalog file (TOML) to use instead of the built-in one.
    #[arg(long, env = "ZECD_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// How long each lifecycle phase lasts, e.g. `deploy=3s,boot=2s`; unnamed phases keep
    /// their defaults (deploy=3s, boot=2s, stop=2s, reboot=2s, rebuild=4s, resize=3s,
    /// release=2s, recycle=2s).
    #[arg(long, env = "ZECD_TRANSITION", default_value = "", value_parser = Timings::parse)]
    pub transition: Timings,

    /// The lifecycle clock: `system`, or `manual`, which stands still until the admin API's
    /// AdvanceClock moves it (and resumes where it was after a restart).
    #[arg(long, env = "ZECD_CLOCK", value_enum, default_value_t = ClockMode::System)]
    pub clock: ClockMode,

    /// A fault file (TOML): phases that fail and actions that answer with errors.
    #[arg(long, env = "ZECD_FAULTS")]
    pub faults: Option<PathBuf>,

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

    /// Log filter, e.g. `info`, `warn,zecd::access=off`.
    #[arg(long, env = "ZECD_LOG", default_value = "info")]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "ZECD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockMode {
    System,
    Manual,
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
        assert!(Cli::try_parse_from(["zecd", "serve", "--transition", "warp=1s"]).is_err());
        assert!(Cli::try_parse_from(["zecd", "serve", "--access-key-id", "A"]).is_err());
    }
}

//! `zec`: the Zenlayer Cloud API 2.0 elastic compute service from the command line, shaped like
//! the official `zeno` CLI (`zec <service> <kebab-case-action> --kebab-case-flags`), for the real
//! cloud or a zecd (`--endpoint http://127.0.0.1:8080`).
//!
//! Exit codes: 0 done; 1 the API answered with an error; 2 the command line (or the
//! configuration) is wrong; 3 timed out; 4 no answer (network, unreadable reply); 5 a waited-for
//! instance failed or vanished.

mod output;
mod params;
mod profile;
mod spec;
mod ssh;
mod wait;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use profile::{Flags, Output};
use serde_json::{Map, Value};
use spec::{ActionSpec, Field, Kind, actions, services};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use zec_sdk::{Client, Error, JsonRequest};

/// Why a command failed, and the exit code that says so.
pub enum Failure {
    Api(String),
    Usage(String),
    Timeout(String),
    Network(String),
    WaitFailed(String),
    /// Standard output was closed by its reader (`zec ... | head`): end quietly.
    BrokenPipe,
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::Api(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Timeout(_) => 3,
            Failure::Network(_) => 4,
            Failure::WaitFailed(_) => 5,
            // What a Unix tool killed by SIGPIPE reports (128 + 13).
            Failure::BrokenPipe => 141,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Api(m)
            | Failure::Usage(m)
            | Failure::Timeout(m)
            | Failure::Network(m)
            | Failure::WaitFailed(m) => m,
            Failure::BrokenPipe => "",
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Api {
                code,
                message,
                request_id,
                ..
            } => Failure::Api(format!(
                "[ZenlayerCloudSdkError] Code={code}, Message={message}, RequestId={request_id}"
            )),
            Error::Timeout(_) => Failure::Timeout(e.to_string()),
            Error::Config(m) => Failure::Usage(m),
            Error::Network(_) | Error::Decode { .. } => Failure::Network(format!(
                "[ZenlayerCloudSdkError] Code={}, Message={e}",
                e.code()
            )),
        }
    }
}

fn global(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id).long(id).global(true).help(help)
}

fn cli() -> Command {
    let mut root = Command::new("zec")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Zenlayer Cloud API 2.0 elastic compute service from the command line")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            global(
                "profile",
                "Profile of ~/.zenlayer to use [env: ZENLAYER_PROFILE]",
            )
            .short('p'),
        )
        .arg(
            global(
                "output",
                "json or table (default: table on a terminal) [env: ZENLAYER_OUTPUT]",
            )
            .short('o')
            .value_parser(["json", "table"]),
        )
        .arg(global(
            "access-key-id",
            "Access key id [env: ZENLAYER_ACCESS_KEY_ID]",
        ))
        .arg(global(
            "access-key-secret",
            "Access key password [env: ZENLAYER_ACCESS_KEY_SECRET]",
        ))
        .arg(global(
            "token",
            "Bearer token, instead of an access key [env: ZENLAYER_TOKEN]",
        ))
        .arg(global(
            "endpoint",
            "host[:port] (HTTPS) or http(s)://host[:port], e.g. http://127.0.0.1:8080 for a zecd \
             [env: ZENLAYER_ENDPOINT; default console.zenlayer.com]",
        ))
        .arg(global(
            "ca-bundle",
            "Trust the certificate authorities of this PEM file over HTTPS (e.g. the CA of \
             `zecd serve --tls self-signed`) [env: ZENLAYER_CA_BUNDLE]",
        ))
        .arg(
            global("dry-run", "Print the signed request instead of sending it")
                .action(ArgAction::SetTrue),
        );
    for (service, about) in services() {
        let about = if service == "zec" {
            format!("{about} (and `wait-instances`)")
        } else {
            about.to_owned()
        };
        let mut svc = Command::new(service)
            .about(about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        for a in actions().iter().filter(|a| a.service == service) {
            svc = svc.subcommand(action_command(a));
        }
        if service == "zec" {
            svc = svc.subcommand(wait::command());
        }
        root = root.subcommand(svc);
    }
    root.subcommand(
        Command::new("completion")
            .about("Print a shell completion script")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(value_parser!(clap_complete::Shell)),
            ),
    )
    .subcommand(Command::new("version").about("Print the version"))
    .subcommand(ssh::command())
}

fn action_command(a: &ActionSpec) -> Command {
    let mut c = Command::new(a.command).about(a.about);
    for f in a.fields {
        c = c.arg(field_arg(f));
    }
    if a.paged() {
        c = c.arg(
            Arg::new("page-all")
                .long("page-all")
                .action(ArgAction::SetTrue)
                .help("Fetch every page (100 per request unless --page-size) and merge them"),
        );
    }
    c
}

fn field_arg(f: &Field) -> Arg {
    let a = Arg::new(f.flag).long(f.flag).required(f.required);
    match f.kind {
        Kind::Str => a.value_name("STRING"),
        Kind::Int => a.value_name("INTEGER").value_parser(value_parser!(i64)),
        Kind::Float => a.value_name("NUMBER").value_parser(value_parser!(f64)),
        Kind::Bool => a
            .value_name("BOOL")
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_parser(value_parser!(bool)),
        Kind::List => a
            .value_name("VALUE")
            .num_args(1..)
            .action(ArgAction::Append),
        Kind::Obj(_) => a.value_name("k=v,...|JSON"),
        Kind::ObjList(_) | Kind::Wrapped(..) => {
            a.value_name("k=v,...|JSON").action(ArgAction::Append)
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let matches = cli().get_matches();
    match run(&matches).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::from(Failure::BrokenPipe.code()),
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "Error: {}", f.message());
            ExitCode::from(f.code())
        }
    }
}

async fn run(m: &ArgMatches) -> Result<(), Failure> {
    let (service, sm) = m.subcommand().expect("a subcommand is required");
    match service {
        "version" => {
            return emit(&format!("{}\n", env!("CARGO_PKG_VERSION")));
        }
        "completion" => {
            let shell = *sm
                .get_one::<clap_complete::Shell>("shell")
                .expect("required");
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli(), "zec", &mut script);
            return emit(&String::from_utf8_lossy(&script));
        }
        ssh::COMMAND => {
            let settings = profile::resolve(&flags(sm), |k| std::env::var(k).ok(), home())
                .map_err(Failure::Usage)?;
            let client = client(settings.config, settings.credential)?;
            return ssh::run(&client, sm).await;
        }
        _ => {}
    }
    let (command, am) = sm.subcommand().expect("an action is required");
    let settings =
        profile::resolve(&flags(am), |k| std::env::var(k).ok(), home()).map_err(Failure::Usage)?;
    let output = settings
        .output
        .unwrap_or(if std::io::stdout().is_terminal() {
            Output::Table
        } else {
            Output::Json
        });
    if service == "zec" && command == wait::COMMAND {
        if am.get_flag("dry-run") {
            // What each poll would send.
            return dry_run(
                crate::spec::describe_instances_status(),
                &wait::poll_body(am),
                settings.config,
                settings.credential,
            );
        }
        let client = client(settings.config, settings.credential)?;
        let value = wait::run(&client, am).await?;
        return emit(&output::render(&value, output));
    }
    let a = actions()
        .iter()
        .find(|a| a.service == service && a.command == command)
        .expect("commands come from ACTIONS");
    let body = params::body(a, am).map_err(Failure::Usage)?;
    if am.get_flag("dry-run") {
        return dry_run(a, &body, settings.config, settings.credential);
    }
    let client = client(settings.config, settings.credential)?;
    let value = if a.paged() && am.get_flag("page-all") {
        page_all(&client, a, body).await?
    } else if a.service == "admin" {
        client.call_admin::<_, Value>(a.action, &body).await?.data
    } else {
        client
            .call::<_, Value>(a.service, a.version, a.action, &body)
            .await?
            .data
    };
    emit(&output::render(&value, output))
}

/// Writes to standard output; a reader that went away (`| head`) ends the command quietly,
/// as it ends any Unix tool.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::BrokenPipe),
        Err(e) => Err(Failure::Usage(format!("cannot write the output: {e}"))),
    }
}

fn flags(m: &ArgMatches) -> Flags {
    let get = |id: &str| m.get_one::<String>(id).cloned();
    Flags {
        profile: get("profile"),
        output: get("output"),
        access_key_id: get("access-key-id"),
        access_key_secret: get("access-key-secret"),
        token: get("token"),
        endpoint: get("endpoint"),
        ca_bundle: get("ca-bundle"),
    }
}

fn home() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(Into::into)
}

fn client(
    config: zec_sdk::Config,
    credential: Option<zec_sdk::Credential>,
) -> Result<Client, Failure> {
    let credential = credential.ok_or_else(|| {
        Failure::Usage(
            "no credentials: give --access-key-id and --access-key-secret, or --token; or set \
             ZENLAYER_ACCESS_KEY_ID and ZENLAYER_ACCESS_KEY_SECRET; or run `zeno configure`"
                .into(),
        )
    })?;
    Ok(Client::new(config, credential))
}

/// Every page, merged into the first page's answer (zeno's `--page-all`).
async fn page_all(
    client: &Client,
    a: &ActionSpec,
    body: Map<String, Value>,
) -> Result<Value, Failure> {
    use futures_util::StreamExt;
    let request = JsonRequest {
        service: a.service.into(),
        version: a.version.into(),
        action: a.action.into(),
        body,
    };
    let mut pages = std::pin::pin!(client.pages(request));
    let mut merged: Option<(Map<String, Value>, String)> = None;
    let mut n = 0;
    while let Some(page) = pages.next().await {
        n += 1;
        let mut page = page
            .map_err(Failure::from)
            .map_err(|f| match f {
                Failure::Api(m) => Failure::Api(format!("page {n}: {m}")),
                other => other,
            })?
            .data;
        match &mut merged {
            None => {
                let key = JsonRequest::items_key(&page)
                    .unwrap_or("dataSet")
                    .to_owned();
                merged = Some((page, key));
            }
            Some((first, key)) => {
                if let (Some(Value::Array(more)), Some(Value::Array(all))) =
                    (page.remove(key.as_str()), first.get_mut(key.as_str()))
                {
                    all.extend(more);
                }
            }
        }
    }
    Ok(Value::Object(merged.map(|(m, _)| m).unwrap_or_default()))
}

/// Prints the request that would be sent, signed; nothing is sent.
fn dry_run(
    a: &ActionSpec,
    body: &Map<String, Value>,
    config: zec_sdk::Config,
    credential: Option<zec_sdk::Credential>,
) -> Result<(), Failure> {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let Some(credential) = credential else {
        return emit(&format!(
            "# not signed: no credentials\nPOST {}://{}/api/v2/{}\nx-zc-action: {}\nx-zc-version: {}\n\n{}\n",
            config.scheme.as_str(),
            config.domain,
            a.service,
            a.action,
            a.version,
            String::from_utf8_lossy(&bytes)
        ));
    };
    let bearer = matches!(credential, zec_sdk::Credential::Bearer(_));
    let client = Client::new(config, credential);
    let request = if a.service == "admin" {
        client.build_admin_request(a.action, bytes.clone().into())
    } else {
        client.build_request(a.service, a.version, a.action, bytes.clone().into())
    }?;
    let mut text = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let value = value.to_str().unwrap_or("");
        // A bearer token is a secret; a signature is good for five minutes only.
        let shown = if bearer && name == "authorization" {
            format!("Bearer {}…", &value.get(7..15).unwrap_or(""))
        } else {
            value.to_owned()
        };
        text.push_str(&format!("{name}: {shown}\n"));
    }
    text.push_str(&format!("\n{}\n", String::from_utf8_lossy(&bytes)));
    emit(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        cli().debug_assert();
    }

    #[test]
    fn every_action_zecd_serves_has_a_command() {
        for action in zec_types::Action::ALL {
            assert!(
                actions().iter().any(|a| a.action == action.name()),
                "no command for {action}"
            );
        }
    }

    #[test]
    fn flags_parse_into_the_request_body() {
        let m = cli()
            .try_get_matches_from([
                "zec",
                "zec",
                "create-zec-instances",
                "--zone-id",
                "asia-east-1a",
                "--image-id",
                "ubuntu2404_20240712",
                "--instance-type",
                "z2a.cpu.1",
                "--subnet-id",
                "1",
                "--instance-count",
                "2",
                "--enable-agent=false",
                "--system-disk",
                "diskSize=40",
                "--tags",
                "key=env,value=prod",
                "--tags",
                "key=team,value=ops",
            ])
            .unwrap();
        let (_, sm) = m.subcommand().unwrap();
        let (_, am) = sm.subcommand().unwrap();
        let a = actions()
            .iter()
            .find(|a| a.command == "create-zec-instances")
            .unwrap();
        let body = params::body(a, am).unwrap();
        assert_eq!(
            Value::Object(body),
            serde_json::json!({
                "zoneId": "asia-east-1a",
                "imageId": "ubuntu2404_20240712",
                "instanceType": "z2a.cpu.1",
                "subnetId": "1",
                "instanceCount": 2,
                "enableAgent": false,
                "systemDisk": {"diskSize": 40},
                "tags": {"tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "ops"}]}
            })
        );
        let m = cli()
            .try_get_matches_from([
                "zec",
                "zec",
                "stop-instances",
                "--instance-ids",
                "1",
                "2",
                "--instance-ids",
                "3",
            ])
            .unwrap();
        let (_, sm) = m.subcommand().unwrap();
        let (_, am) = sm.subcommand().unwrap();
        let a = actions()
            .iter()
            .find(|a| a.command == "stop-instances")
            .unwrap();
        assert_eq!(
            Value::Object(params::body(a, am).unwrap()),
            serde_json::json!({"instanceIds": ["1", "2", "3"]})
        );
    }

    #[test]
    fn usage_errors_are_refused_before_anything_is_sent() {
        for args in [
            vec!["zec", "zec", "create-zec-instances", "--zone-id", "x"],
            vec!["zec", "zec", "describe-instances", "--page-size", "ten"],
            vec![
                "zec",
                "zec",
                "stop-instances",
                "--instance-ids",
                "1",
                "--force-shutdown",
                "true",
            ],
            vec!["zec", "nope", "describe-instances"],
        ] {
            assert!(cli().try_get_matches_from(&args).is_err(), "{args:?}");
        }
    }
}

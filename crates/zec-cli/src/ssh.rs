//! `zec ssh INSTANCE_ID [-- COMMAND]`: SSH as root into the real guest behind an instance
//! (`zecd serve --guests qemu`), through the localhost port zecd forwards to it (found with
//! the admin action DescribeGuests, so the credential must be a root one).

use crate::Failure;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Value, json};
use zec_sdk::Client;

pub const COMMAND: &str = "ssh";

pub fn command() -> Command {
    Command::new(COMMAND)
        .about("SSH as root into an instance's real guest (zecd --guests qemu)")
        .arg(
            Arg::new("instance-id")
                .required(true)
                .value_name("INSTANCE_ID"),
        )
        .arg(
            Arg::new("identity")
                .short('i')
                .long("identity")
                .value_name("FILE")
                .help("The private key of the instance's key pair (default: ssh's own)"),
        )
        .arg(
            Arg::new("print")
                .long("print")
                .action(ArgAction::SetTrue)
                .help("Print the ssh command line instead of running it"),
        )
        .arg(
            Arg::new("command")
                .num_args(1..)
                .last(true)
                .value_name("COMMAND")
                .help("A command to run instead of a shell (after --)"),
        )
}

/// The ssh command line for a guest. Every guest has host keys of its own, and ports are
/// reused, so its key is neither checked nor remembered.
pub fn ssh_args(host: &str, port: u64, identity: Option<&str>, command: &[String]) -> Vec<String> {
    let mut args: Vec<String> = [
        "-p",
        &port.to_string(),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(key) = identity {
        args.extend(["-i".to_string(), key.to_string()]);
    }
    args.push(format!("root@{host}"));
    args.extend(command.iter().cloned());
    args
}

pub async fn run(client: &Client, m: &ArgMatches) -> Result<(), Failure> {
    let id = m.get_one::<String>("instance-id").expect("required");
    let answer = client
        .call_admin::<_, Value>("DescribeGuests", &json!({ "instanceIds": [id] }))
        .await?
        .data;
    let guest = answer["guestSet"].get(0).ok_or_else(|| {
        let why = if answer["driver"] == "none" {
            "zecd runs without real guests (start it with --guests qemu)"
        } else {
            "it has no machine (yet)"
        };
        Failure::Api(format!("instance {id} cannot be reached over SSH: {why}"))
    })?;
    if guest["state"] != "running" {
        return Err(Failure::Api(format!(
            "instance {id}'s guest is {} (wait for RUNNING)",
            guest["state"].as_str().unwrap_or("unknown")
        )));
    }
    let host = guest["sshHost"].as_str().unwrap_or("127.0.0.1");
    let port = guest["sshPort"].as_u64().unwrap_or(22);
    let command: Vec<String> = m
        .get_many::<String>("command")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let args = ssh_args(
        host,
        port,
        m.get_one::<String>("identity").map(String::as_str),
        &command,
    );
    if m.get_flag("print") {
        return crate::emit(&format!("ssh {}\n", args.join(" ")));
    }
    use std::os::unix::process::CommandExt;
    // Replaces this process: the terminal, the exit code and signals are ssh's.
    let e = std::process::Command::new("ssh").args(&args).exec();
    Err(Failure::Usage(format!("cannot run ssh: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_points_at_the_forwarded_port_as_root() {
        let args = ssh_args(
            "127.0.0.1",
            40022,
            Some("k"),
            &["uname".into(), "-a".into()],
        );
        let line = args.join(" ");
        assert!(line.starts_with("-p 40022 "), "{line}");
        assert!(line.contains("-i k root@127.0.0.1 uname -a"), "{line}");
        assert!(line.contains("UserKnownHostsFile=/dev/null"));
    }
}

//! A zecd under measurement.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Zecd {
    child: Option<Child>,
    pub addr: String,
    bin: PathBuf,
    data: PathBuf,
    args: Vec<String>,
    key: (String, String),
}

impl Zecd {
    pub fn start(
        bin: &Path,
        data: &Path,
        args: &[String],
        id: &str,
        password: &str,
    ) -> Result<Self> {
        let mut z = Zecd {
            child: None,
            addr: String::new(),
            bin: bin.to_owned(),
            data: data.to_owned(),
            args: args.to_vec(),
            key: (id.to_owned(), password.to_owned()),
        };
        z.spawn()?;
        Ok(z)
    }

    fn spawn(&mut self) -> Result<Duration> {
        let started = Instant::now();
        // Deployments of a second, unless the run sets the phases itself.
        let transitions: &[&str] = if self.args.iter().any(|a| a.starts_with("--transition")) {
            &[]
        } else {
            &["--transition", "deploy=1s"]
        };
        let mut child = crate::pinned(&self.bin, true)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(transitions)
            .arg("--data-dir")
            .arg(&self.data)
            .args(&self.args)
            .env("ZECD_ACCESS_KEY_ID", &self.key.0)
            .env("ZECD_ACCESS_KEY_PASSWORD", &self.key.1)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting zecd")?;
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on http://") {
                    let addr = line[at + 20..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_owned();
                    let _ = tx.send(addr);
                } else if line.contains("ERROR") {
                    eprintln!("zecd: {line}");
                }
            }
        });
        self.addr = rx
            .recv_timeout(Duration::from_secs(300))
            .context("zecd did not start listening")?;
        self.child = Some(child);
        Ok(started.elapsed())
    }

    /// The process id of the running zecd.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    /// Resident set size, KiB.
    pub fn rss_kib(&self) -> Result<u64> {
        let pid = self.child.as_ref().context("not running")?.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")
    }

    /// Stops gracefully (SIGTERM) and waits.
    pub fn stop(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let ok = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()?
            .success();
        if !ok {
            bail!("could not signal zecd");
        }
        child.wait()?;
        Ok(())
    }

    /// Another zecd with the same settings (on a shared database: another replica); returns
    /// it and the time from start to listening.
    pub fn another(&self) -> Result<(Self, Duration)> {
        let mut z = Zecd {
            child: None,
            addr: String::new(),
            bin: self.bin.clone(),
            data: self.data.clone(),
            args: self.args.clone(),
            key: self.key.clone(),
        };
        let took = z.spawn()?;
        Ok((z, took))
    }

    /// Stops and starts again; returns the time from start to listening.
    pub fn restart(&mut self) -> Result<Duration> {
        self.stop()?;
        self.spawn()
    }
}

impl Drop for Zecd {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

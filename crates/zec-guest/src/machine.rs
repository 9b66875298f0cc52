//! One QEMU process: how it is started, told to power down or reset, found again after zecd
//! restarts, and ended. QEMU daemonizes (`-daemonize`), so a guest outlives a zecd that is
//! killed and is adopted again from its pid file; its QMP monitor listens on a Unix socket in
//! a directory only zecd's user may enter.

use serde_json::Value;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The readiness line the guest image prints on its serial console once SSH listens
/// (scripts/guest-image).
pub const READY_LINE: &str = "ZECD-GUEST-READY";

/// How QEMU runs the guest's CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accel {
    /// KVM: the host's CPU, near native speed.
    Kvm,
    /// TCG: QEMU's own emulation, several times slower to boot; for hosts whose /dev/kvm
    /// cannot run a stock kernel (PVM) or that have none.
    Tcg,
}

impl Accel {
    pub const fn name(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        }
    }
}

/// Everything a machine is started with.
#[derive(Debug, Clone)]
pub struct Spec {
    pub accel: Accel,
    pub vcpus: u32,
    pub memory_mib: u32,
    pub kernel: PathBuf,
    pub initrd: PathBuf,
    pub disk: PathBuf,
    pub console: PathBuf,
    pub pidfile: PathBuf,
    /// The QMP monitor's socket.
    pub qmp: PathBuf,
    pub ssh_port: u16,
    pub hostname: String,
    pub authorized_keys: Option<PathBuf>,
    pub password: Option<PathBuf>,
}

impl Spec {
    /// The command line after the program name.
    pub fn args(&self) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let mut push = |s: &str| a.push(s.into());
        let accel: &[&str] = match self.accel {
            Accel::Kvm => &["-enable-kvm", "-machine", "q35,accel=kvm", "-cpu", "host"],
            // A 64 MiB translation cache instead of the default gigabyte.
            Accel::Tcg => &["-machine", "q35", "-accel", "tcg,tb-size=64", "-cpu", "max"],
        };
        for s in accel {
            push(s);
        }
        for s in [
            "-nodefaults",
            "-no-user-config",
            "-display",
            "none",
            "-vga",
            "none",
            "-daemonize",
        ] {
            push(s);
        }
        push("-smp");
        push(&self.vcpus.to_string());
        push("-m");
        push(&self.memory_mib.to_string());
        push("-kernel");
        push(&self.kernel.to_string_lossy());
        push("-initrd");
        push(&self.initrd.to_string_lossy());
        push("-append");
        push(&format!(
            "console=ttyS0 root=/dev/vda rw panic=-1 quiet zecd.hostname={}",
            self.hostname
        ));
        push("-drive");
        push(&format!(
            "file={},if=virtio,format=qcow2",
            escape(&self.disk)
        ));
        push("-netdev");
        push(&format!(
            "user,id=n0,hostfwd=tcp:127.0.0.1:{}-:22",
            self.ssh_port
        ));
        push("-device");
        push("virtio-net-pci,netdev=n0");
        if let Some(keys) = &self.authorized_keys {
            push("-fw_cfg");
            push(&format!(
                "name=opt/zecd/authorized_keys,file={}",
                escape(keys)
            ));
        }
        if let Some(password) = &self.password {
            push("-fw_cfg");
            push(&format!("name=opt/zecd/password,file={}", escape(password)));
        }
        push("-chardev");
        push(&format!(
            "file,id=ser0,path={},append=on",
            escape(&self.console)
        ));
        push("-serial");
        push("chardev:ser0");
        push("-chardev");
        push(&format!(
            "socket,id=qmp,path={},server=on,wait=off",
            escape(&self.qmp)
        ));
        push("-mon");
        push("chardev=qmp,mode=control");
        push("-pidfile");
        push(&self.pidfile.to_string_lossy());
        a
    }
}

/// A path inside a QEMU option value: commas are doubled.
fn escape(p: &Path) -> String {
    p.to_string_lossy().replace(',', ",,")
}

/// Starts the machine and returns its process id once QEMU has daemonized (its devices made,
/// the guest starting).
pub async fn launch(qemu: &Path, spec: &Spec) -> Result<u32, String> {
    let _ = std::fs::remove_file(&spec.pidfile);
    let out = tokio::process::Command::new(qemu)
        .args(spec.args())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", qemu.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{} exited with {}: {}",
            qemu.display(),
            out.status,
            stderr.trim()
        ));
    }
    read_pid(&spec.pidfile)
        .ok_or_else(|| format!("QEMU wrote no pid to {}", spec.pidfile.display()))
}

/// The pid a pid file names.
pub fn read_pid(pidfile: &Path) -> Option<u32> {
    std::fs::read_to_string(pidfile).ok()?.trim().parse().ok()
}

/// Whether `pid` is a live QEMU running this disk (a reused pid is not).
pub fn alive(pid: u32, disk: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    // A zombie has an empty command line. The disk is named as on the command line.
    let needle = format!("file={},", escape(disk));
    let state_ok = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, r)| r.trim_start().starts_with('Z'))
        })
        .is_some_and(|zombie| !zombie);
    state_ok
        && cmdline
            .split(|b| *b == 0)
            .any(|arg| String::from_utf8_lossy(arg).contains(&needle))
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Sends a signal to a machine's process (gone already: fine).
pub fn signal(pid: u32, sig: rustix::process::Signal) {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return;
    };
    let _ = rustix::process::kill_process(pid, sig);
}

/// Runs one QMP command on a machine's monitor (blocking; a few milliseconds). Returns the
/// command's `return` value.
pub fn qmp(socket: &Path, command: &str) -> Result<Value, String> {
    let stream =
        UnixStream::connect(socket).map_err(|e| format!("QMP {}: {e}", socket.display()))?;
    let socket = socket.display();
    let timeout = Some(Duration::from_secs(5));
    stream
        .set_read_timeout(timeout)
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(timeout)
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // The greeting, then capabilities negotiation, then the command; events in between are
    // skipped.
    read_message(&mut reader, &mut line)?;
    for execute in ["qmp_capabilities", command] {
        writeln!(writer, "{}", serde_json::json!({ "execute": execute }))
            .map_err(|e| format!("QMP {socket}: {e}"))?;
        loop {
            let msg = read_message(&mut reader, &mut line)?;
            if let Some(ret) = msg.get("return") {
                if execute == command {
                    return Ok(ret.clone());
                }
                break;
            }
            if let Some(err) = msg.get("error") {
                return Err(format!("QMP {execute}: {err}"));
            }
        }
    }
    Err("QMP: no answer".into())
}

fn read_message(reader: &mut impl BufRead, line: &mut String) -> Result<Value, String> {
    line.clear();
    match reader.read_line(line) {
        Ok(0) => Err("QMP: the monitor closed".into()),
        Ok(_) => serde_json::from_str(line).map_err(|e| format!("QMP: {e}")),
        Err(e) => Err(format!("QMP: {e}")),
    }
}

/// Makes a disk for a machine: a qcow2 overlay over the image's root filesystem, `size_gib`
/// large (the guest's filesystem keeps the image's size).
pub async fn make_disk(
    qemu_img: &Path,
    base: &Path,
    disk: &Path,
    size_gib: u32,
) -> Result<(), String> {
    let _ = std::fs::remove_file(disk);
    let out = tokio::process::Command::new(qemu_img)
        .arg("create")
        .args(["-q", "-f", "qcow2", "-F", "qcow2", "-b"])
        .arg(base)
        .arg(disk)
        .arg(format!("{size_gib}G"))
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", qemu_img.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "qemu-img create {}: {}",
            disk.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Whether the console log, from byte `from` on, holds the readiness line.
pub fn ready_since(console: &Path, from: u64) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(console) else {
        return false;
    };
    if f.seek(SeekFrom::Start(from)).is_err() {
        return false;
    }
    let mut text = Vec::new();
    if f.read_to_end(&mut text).is_err() {
        return false;
    }
    String::from_utf8_lossy(&text)
        .lines()
        .any(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\0') == READY_LINE)
}

/// The size of a file (0 if absent).
pub fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            accel: Accel::Kvm,
            vcpus: 2,
            memory_mib: 256,
            kernel: "/img/vmlinuz".into(),
            initrd: "/img/initrd.img".into(),
            disk: "/d/a,b/disk.qcow2".into(),
            console: "/d/console.log".into(),
            pidfile: "/d/qemu.pid".into(),
            qmp: "/run/q/1.qmp".into(),
            ssh_port: 40022,
            hostname: "web-1".into(),
            authorized_keys: Some("/d/authorized_keys".into()),
            password: None,
        }
    }

    #[test]
    fn the_command_line_names_the_machine_and_escapes_commas() {
        let args: Vec<String> = spec()
            .args()
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        let after = |flag: &str| {
            let i = args.iter().position(|a| a == flag).unwrap();
            args[i + 1].clone()
        };
        assert_eq!(after("-smp"), "2");
        assert_eq!(after("-m"), "256");
        assert_eq!(
            after("-drive"),
            "file=/d/a,,b/disk.qcow2,if=virtio,format=qcow2"
        );
        assert_eq!(
            after("-netdev"),
            "user,id=n0,hostfwd=tcp:127.0.0.1:40022-:22"
        );
        assert!(after("-append").contains("zecd.hostname=web-1"));
        assert_eq!(
            after("-fw_cfg"),
            "name=opt/zecd/authorized_keys,file=/d/authorized_keys"
        );
        assert!(!args.iter().any(|a| a.contains("opt/zecd/password")));
        assert!(args.contains(&"-daemonize".to_string()));
        assert_eq!(after("-cpu"), "host");
        let tcg: Vec<String> = Spec {
            accel: Accel::Tcg,
            ..spec()
        }
        .args()
        .into_iter()
        .map(|a| a.into_string().unwrap())
        .collect();
        assert!(!tcg.contains(&"-enable-kvm".to_string()));
        assert!(tcg.contains(&"tcg,tb-size=64".to_string()));
    }

    #[test]
    fn readiness_is_a_whole_line_after_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("console.log");
        std::fs::write(&log, "boot\r\nZECD-GUEST-READY\r\nlogin: ").unwrap();
        assert!(ready_since(&log, 0));
        let after_first = file_len(&log);
        assert!(!ready_since(&log, after_first));
        std::fs::write(&log, "echo ZECD-GUEST-READY-not\n").unwrap();
        assert!(!ready_since(&log, 0));
        assert!(!ready_since(&dir.path().join("absent"), 0));
    }

    #[test]
    fn a_process_that_is_not_the_machine_is_not_alive() {
        // Our own process runs no such disk.
        assert!(!alive(std::process::id(), Path::new("/nowhere/disk.qcow2")));
        assert!(!alive(u32::MAX, Path::new("/nowhere/disk.qcow2")));
        assert!(rss_kib(std::process::id()).is_some_and(|k| k > 0));
    }
}

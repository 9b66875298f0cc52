//! The reconciler: each instance against its machine, whenever the store changes and a few
//! times a second (to see readiness lines and machines that went off).

use crate::machine::{self, Spec};
use crate::{Inner, lock};
use rustix::process::Signal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zec_core::guest::GuestEvent;
use zec_core::{Instance, Millis, Phase};
use zec_store::Store;
use zec_types::InstanceStatus as S;
use zec_types::model::GuestInfo;

/// How often machines are looked at when nothing in the store changes.
const TICK: Duration = Duration::from_millis(250);

/// How long a new instance created with a password waits for the create to hand it over.
const PASSWORD_WAIT: Duration = Duration::from_secs(5);

/// What the driver does to a machine for an instance, from its status and phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// DEPLOYING, BOOTING: on, and report when it has booted (or went off).
    Boot,
    /// REBUILDING: once, a fresh disk from the image; then as [`Want::Boot`].
    Rebuild,
    /// REBOOT: once, a reset (or a start, if off); then as [`Want::Boot`].
    Reset,
    /// STOPPING: once, the power button (or the plug, if forced); report when off.
    PowerDown,
    /// RUNNING: stays on; if it goes off, report it.
    KeepOn,
    /// Every other status: off.
    Off,
}

/// The table of what each status wants of its machine.
pub(crate) fn want(status: S, pending: Option<Phase>) -> Want {
    match pending {
        Some(Phase::Deploy | Phase::Boot) => Want::Boot,
        Some(Phase::Rebuild) => Want::Rebuild,
        Some(Phase::Reboot) => Want::Reset,
        Some(Phase::Stop) => Want::PowerDown,
        Some(Phase::Resize | Phase::Release | Phase::Recycle) => Want::Off,
        None if status == S::Running => Want::KeepOn,
        None => Want::Off,
    }
}

/// Whether a machine may start.
enum Start {
    Go,
    /// Not yet (its password is on the way).
    Wait,
    /// No: the boot fails, for this reason.
    Refuse(String),
}

/// A machine, as the driver keeps it.
struct Machine {
    id: u64,
    dir: PathBuf,
    /// Its QMP monitor's socket.
    qmp: PathBuf,
    pid: Option<u32>,
    ssh_port: u16,
    vcpus: u32,
    memory_mib: u32,
    /// The console log's length when the current boot began: readiness before it is old.
    console_from: u64,
    /// The phase (`Pending::key`) whose one-time action is done.
    acted: Option<(Phase, Millis)>,
    /// The phase the machine was started (or reset) for.
    started: Option<(Phase, Millis)>,
    /// The phase seen last, and since when (a new instance waits a moment for its password).
    seen: Option<((Phase, Millis), Instant)>,
    /// When the current boot or power-down began, for the timeouts.
    since: Instant,
    /// Seen on since this zecd started (if it then goes off, the guest did it).
    seen_on: bool,
    /// Said it booted, since the current boot began.
    ready: bool,
    /// Told to power off.
    stopping: bool,
}

impl Machine {
    fn disk(&self) -> PathBuf {
        self.dir.join("disk.qcow2")
    }
    fn console(&self) -> PathBuf {
        self.dir.join("console.log")
    }
    fn pidfile(&self) -> PathBuf {
        self.dir.join("qemu.pid")
    }
    fn boot_offset(&self) -> PathBuf {
        self.dir.join("boot-offset")
    }
    /// Where the current boot's console output begins, kept on disk for an adopting zecd.
    fn new_boot(&mut self) {
        self.console_from = machine::file_len(&self.console());
        self.ready = false;
        self.stopping = false;
        self.since = Instant::now();
        let _ = std::fs::write(self.boot_offset(), self.console_from.to_string());
    }
    fn on(&self) -> bool {
        self.pid.is_some()
    }
    fn info(&self) -> GuestInfo {
        GuestInfo {
            instance_id: self.id.to_string(),
            state: match (self.on(), self.stopping, self.ready) {
                (false, _, _) => "off",
                (true, true, _) => "stopping",
                (true, false, true) => "running",
                (true, false, false) => "booting",
            }
            .into(),
            pid: self.pid,
            ssh_host: "127.0.0.1".into(),
            ssh_port: self.ssh_port,
            vcpus: self.vcpus,
            memory_mib: self.memory_mib,
            rss_mib: None,
            disk: self.disk().display().to_string(),
            console: self.console().display().to_string(),
        }
    }
}

pub(crate) struct Driver {
    inner: Arc<Inner>,
    store: Store,
    machines: HashMap<u64, Machine>,
}

impl Driver {
    pub(crate) fn new(inner: Arc<Inner>, store: Store) -> Driver {
        Driver {
            inner,
            store,
            machines: HashMap::new(),
        }
    }

    pub(crate) async fn run(mut self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut changed = self.store.watch();
        loop {
            self.reconcile().await;
            tokio::select! {
                _ = changed.changed() => {}
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
        self.power_off_all().await;
    }

    /// Machines left running by an earlier zecd (killed, not stopped) are taken over.
    pub(crate) fn adopt(&mut self) {
        let Ok(entries) = std::fs::read_dir(self.inner.config.vm_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let Some(id) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            let mut m = self.machine(id, entry.path());
            m.pid = machine::read_pid(&m.pidfile()).filter(|p| machine::alive(*p, &m.disk()));
            if let Some(pid) = m.pid {
                tracing::info!(instance = id, pid, "adopted a running guest");
                m.seen_on = true;
                // The boot under way began where the last zecd wrote down.
                m.console_from = std::fs::read_to_string(m.boot_offset())
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0);
                m.ready = machine::ready_since(&m.console(), m.console_from);
            }
            self.machines.insert(id, m);
        }
    }

    fn machine(&self, id: u64, dir: PathBuf) -> Machine {
        let ssh_port = std::fs::read_to_string(dir.join("ssh-port"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Machine {
            id,
            qmp: self.inner.sockets.join(format!("{id}.qmp")),
            dir,
            pid: None,
            ssh_port,
            vcpus: 0,
            memory_mib: 0,
            console_from: 0,
            acted: None,
            started: None,
            seen: None,
            since: Instant::now(),
            seen_on: false,
            ready: false,
            stopping: false,
        }
    }

    pub(crate) async fn reconcile(&mut self) {
        let instances = self.store.all_instances();
        let mut present = std::collections::HashSet::with_capacity(instances.len());
        for i in &instances {
            present.insert(i.id);
            if !self.machines.contains_key(&i.id) {
                let dir = self.inner.config.vm_dir().join(i.id.to_string());
                let m = self.machine(i.id, dir);
                self.machines.insert(i.id, m);
            }
            if let Err(e) = self.one(i).await {
                tracing::warn!(instance = i.id, error = %e, "guest");
            }
        }
        // Purged instances: the machine ends and its disk goes.
        let gone: Vec<u64> = self
            .machines
            .keys()
            .filter(|id| !present.contains(id))
            .copied()
            .collect();
        for id in gone {
            lock(&self.inner.passwords).remove(&id);
            lock(&self.inner.forced).remove(&id);
            if let Some(mut m) = self.machines.remove(&id) {
                kill(&mut m).await;
                if let Err(e) = std::fs::remove_dir_all(&m.dir)
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!(instance = id, error = %e, "cannot delete the guest's files");
                }
                tracing::info!(instance = id, "guest deleted");
            }
        }
        let mut shown = lock(&self.inner.shown);
        shown.clear();
        shown.extend(self.machines.values().map(|m| (m.id, m.info())));
    }

    /// One instance against its machine.
    async fn one(&mut self, i: &Instance) -> Result<(), String> {
        let key = i.pending.map(|p| p.key());
        let want = want(i.status, i.pending.map(|p| p.phase));
        let may_start = self.may_start(i, key);
        let inner = self.inner.clone();
        let config = &inner.config;
        let Some(m) = self.machines.get_mut(&i.id) else {
            return Ok(());
        };
        // Is it (still) on?
        if let Some(pid) = m.pid
            && !machine::alive(pid, &m.disk())
        {
            m.pid = None;
            m.stopping = false;
            m.ready = false;
        }
        if m.on() {
            m.seen_on = true;
            if !m.ready && machine::ready_since(&m.console(), m.console_from) {
                m.ready = true;
            }
        }
        let first_time = key.is_some() && m.acted != key;
        let mut event = None;
        match want {
            Want::Boot | Want::Rebuild | Want::Reset => {
                if first_time {
                    m.acted = key;
                    match want {
                        Want::Rebuild => {
                            kill(m).await;
                            new_disk(&inner, m, i).await?;
                        }
                        Want::Reset if m.on() => {
                            m.new_boot();
                            m.started = key;
                            let socket = m.qmp.clone();
                            if let Err(e) =
                                blocking(move || machine::qmp(&socket, "system_reset")).await
                            {
                                tracing::warn!(instance = i.id, error = %e, "reset");
                                kill(m).await;
                            }
                        }
                        _ => {}
                    }
                }
                if !m.on() {
                    if m.started == key {
                        // It was on for this phase and went off (or could not start).
                        event = Some(GuestEvent::Off);
                    } else {
                        match may_start {
                            Start::Wait => {}
                            Start::Refuse(why) => {
                                tracing::warn!(instance = i.id, "{why}");
                                m.started = key;
                                event = Some(GuestEvent::Off);
                            }
                            Start::Go => {
                                m.started = key;
                                if let Err(e) = start(&inner, &self.store, m, i).await {
                                    tracing::warn!(instance = i.id, error = %e, "the guest cannot start");
                                    event = Some(GuestEvent::Off);
                                }
                            }
                        }
                    }
                } else if m.ready {
                    event = Some(GuestEvent::Booted);
                } else if m.since.elapsed() > config.boot_timeout {
                    tracing::warn!(
                        instance = i.id,
                        "the guest did not boot in time; powered off"
                    );
                    kill(m).await;
                    event = Some(GuestEvent::Off);
                }
            }
            Want::PowerDown => {
                let forced = lock(&inner.forced).remove(&i.id);
                if !m.on() {
                    event = Some(GuestEvent::Off);
                } else if forced {
                    // forceShutdown: the plug, whether or not the button was pressed.
                    kill(m).await;
                    m.acted = key;
                    event = Some(GuestEvent::Off);
                } else if first_time {
                    m.acted = key;
                    m.stopping = true;
                    m.since = Instant::now();
                    let socket = m.qmp.clone();
                    if let Err(e) =
                        blocking(move || machine::qmp(&socket, "system_powerdown")).await
                    {
                        tracing::warn!(instance = i.id, error = %e, "power button");
                        kill(m).await;
                    }
                } else if m.since.elapsed() > config.stop_timeout {
                    tracing::info!(
                        instance = i.id,
                        "the guest ignored the power button; powered off"
                    );
                    kill(m).await;
                }
            }
            Want::KeepOn => {
                m.acted = None;
                if !m.on() {
                    event = Some(if m.seen_on {
                        GuestEvent::Off
                    } else {
                        GuestEvent::Missing
                    });
                }
            }
            Want::Off => {
                m.acted = None;
                // A forced stop of an instance that was not running (nothing to stop).
                lock(&inner.forced).remove(&i.id);
                if m.on() {
                    kill(m).await;
                }
            }
        }
        if let Some(event) = event {
            tracing::debug!(instance = i.id, ?event, "guest event");
            // Carries the phase it is about: if that phase is over by the time the store
            // applies it (an API call in between), it changes nothing.
            self.store
                .guest_event(i.id, event, key)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Whether the instance's machine may start now: within the guest count (else its boot
    /// fails), and, for an instance just created or rebuilt with a password, once the action
    /// has handed the password over (a few seconds at most).
    fn may_start(&mut self, i: &Instance, key: Option<(Phase, Millis)>) -> Start {
        let on = self.machines.values().filter(|m| m.on()).count();
        let Some(m) = self.machines.get_mut(&i.id) else {
            return Start::Wait;
        };
        if m.seen.is_none_or(|(k, _)| Some(k) != key)
            && let Some(k) = key
        {
            m.seen = Some((k, Instant::now()));
        }
        if on >= self.inner.config.budget.max_guests {
            return Start::Refuse(format!(
                "{on} guests are on, as many as --guests-max allows; this one stays off"
            ));
        }
        let fresh_disk = matches!(i.status, S::Deploying | S::Rebuilding);
        let waiting = fresh_disk
            && i.key_id.is_none()
            && !lock(&self.inner.passwords).contains_key(&i.id)
            && m.seen.is_some_and(|(_, at)| at.elapsed() < PASSWORD_WAIT);
        if waiting { Start::Wait } else { Start::Go }
    }

    async fn power_off_all(&mut self) {
        let on: Vec<u64> = self
            .machines
            .values()
            .filter(|m| m.on())
            .map(|m| m.id)
            .collect();
        if on.is_empty() {
            return;
        }
        tracing::info!(guests = on.len(), "powering the guests off");
        for id in &on {
            let m = self.machines.get_mut(id).expect("listed");
            if !m.ready {
                // Still booting: no one to hear the power button yet.
                kill(m).await;
                continue;
            }
            let socket = m.qmp.clone();
            let _ = blocking(move || machine::qmp(&socket, "system_powerdown")).await;
        }
        let deadline = Instant::now() + self.inner.config.stop_timeout.min(Duration::from_secs(10));
        while Instant::now() < deadline
            && self
                .machines
                .values()
                .any(|m| m.pid.is_some_and(|p| machine::alive(p, &m.disk())))
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for m in self.machines.values_mut() {
            kill(m).await;
        }
    }
}

/// Starts an instance's machine: its disk made if it has none, its keys and password handed
/// in through fw_cfg, a free localhost port forwarded to its SSH.
async fn start(inner: &Inner, store: &Store, m: &mut Machine, i: &Instance) -> Result<(), String> {
    let config = &inner.config;
    std::fs::create_dir_all(&m.dir).map_err(|e| format!("{}: {e}", m.dir.display()))?;
    if !m.disk().is_file() {
        new_disk(inner, m, i).await?;
    }
    let keys = i
        .key_id
        .as_deref()
        .and_then(|k| store.key_pair(i.account, k))
        .map(|k| k.public_key);
    let authorized_keys = match keys {
        Some(keys) => {
            let path = m.dir.join("authorized_keys");
            std::fs::write(&path, format!("{}\n", keys.trim_end()))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(path)
        }
        None => None,
    };
    let password = match lock(&inner.passwords).remove(&i.id) {
        Some(pw) => {
            let path = m.dir.join("password");
            write_private(&path, pw.as_bytes())?;
            Some(path)
        }
        None => None,
    };
    m.vcpus = crate::budget::vcpus(i.cpu, inner.host_cpus);
    m.memory_mib = crate::budget::memory_mib(i.memory, config.memory_scale);
    let mut spec = Spec {
        accel: inner.accel,
        vcpus: m.vcpus,
        memory_mib: m.memory_mib,
        kernel: inner.image.kernel.clone(),
        initrd: inner.image.initrd.clone(),
        disk: m.disk(),
        console: m.console(),
        pidfile: m.pidfile(),
        qmp: m.qmp.clone(),
        ssh_port: free_port(m.ssh_port)?,
        hostname: hostname(&i.name),
        authorized_keys,
        password: password.clone(),
    };
    m.new_boot();
    let mut launched = machine::launch(&config.qemu, &spec).await;
    if launched
        .as_ref()
        .is_err_and(|e| e.contains("hostfwd") || e.contains("forwarding"))
    {
        // The port was free when picked and taken before QEMU bound it: another one.
        spec.ssh_port = free_port(0)?;
        launched = machine::launch(&config.qemu, &spec).await;
    }
    // QEMU has read the password; it is not kept on disk.
    if let Some(p) = password {
        let _ = std::fs::remove_file(p);
    }
    m.ssh_port = spec.ssh_port;
    std::fs::write(m.dir.join("ssh-port"), m.ssh_port.to_string())
        .map_err(|e| format!("ssh-port: {e}"))?;
    let pid = launched?;
    tracing::info!(instance = i.id, pid, ssh_port = m.ssh_port, "guest started");
    m.pid = Some(pid);
    m.seen_on = true;
    Ok(())
}

/// A name the guest can take as its hostname: letters, digits and dashes.
fn hostname(name: &str) -> String {
    let h: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(63)
        .collect();
    let h = h.trim_matches('-');
    if h.is_empty() { "zec".into() } else { h.into() }
}

/// A disk fresh from the image, of the instance's system disk size.
async fn new_disk(inner: &Inner, m: &Machine, i: &Instance) -> Result<(), String> {
    let image = &inner.image.rootfs;
    machine::make_disk(&inner.config.qemu_img, image, &m.disk(), i.system_disk.size).await
}

/// A new file only its owner may read (one left over is removed first, whatever its mode).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The port this machine had, if it is still free, else any free one.
fn free_port(previous: u16) -> Result<u16, String> {
    if previous != 0 && std::net::TcpListener::bind(("127.0.0.1", previous)).is_ok() {
        return Ok(previous);
    }
    let l =
        std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Ends a machine at once.
async fn kill(m: &mut Machine) {
    if let Some(pid) = m.pid.take()
        && machine::alive(pid, &m.disk())
    {
        machine::signal(pid, Signal::KILL);
        // Gone within milliseconds; wait so that its disk is free for what comes next.
        let deadline = Instant::now() + Duration::from_secs(2);
        while machine::alive(pid, &m.disk()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    m.ready = false;
    m.stopping = false;
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| e.to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_status_wants_of_its_machine() {
        assert_eq!(want(S::Deploying, Some(Phase::Deploy)), Want::Boot);
        assert_eq!(want(S::Booting, Some(Phase::Boot)), Want::Boot);
        assert_eq!(want(S::Rebuilding, Some(Phase::Rebuild)), Want::Rebuild);
        assert_eq!(want(S::Reboot, Some(Phase::Reboot)), Want::Reset);
        assert_eq!(want(S::Stopping, Some(Phase::Stop)), Want::PowerDown);
        assert_eq!(want(S::Running, None), Want::KeepOn);
        for s in [S::Stopped, S::CreateFailed, S::ReinstallFailed, S::Recycle] {
            assert_eq!(want(s, None), Want::Off, "{s}");
        }
        for p in [Phase::Resize, Phase::Release, Phase::Recycle] {
            assert_eq!(want(p.status(), Some(p)), Want::Off, "{p:?}");
        }
    }

    #[test]
    fn hostnames_are_made_safe() {
        assert_eq!(hostname("web 1"), "web-1");
        assert_eq!(hostname("--"), "zec");
        assert_eq!(hostname("db_01.prod"), "db-01-prod");
    }
}

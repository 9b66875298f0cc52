//! zecd's guest driver (`--guests qemu`): every instance a real QEMU/KVM virtual machine.
//!
//! The lifecycle table, the store and the API stay as they are; what changes is what ends a
//! phase. With real guests the phases a machine drives (deploying, booting, stopping,
//! rebooting, rebuilding) are *held*: they have no deadline, and the driver ends them when
//! the machine has done what they stand for (`zec_core::guest`). The driver is a reconciler:
//! it watches the store, compares each instance with its machine, acts (start, ACPI power
//! button, reset, kill, rebuild the disk) and reports what the machine did.
//!
//! Files, under `DATA_DIR/guests/`: `images/linux/` (built by `scripts/guest-image`; or
//! elsewhere, `--guests-images`) and `vm/<instance id>/` (the disk overlay, the serial console
//! log, the pid file, the SSH port).

#![forbid(unsafe_code)]

pub mod budget;
mod driver;
pub mod machine;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zec_store::Store;
use zec_types::model::GuestInfo;
use zec_types::{ApiError, ErrorCode};

pub use budget::{Budget, Load};
pub use machine::Accel;

/// How the driver runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATA_DIR/guests`: the machines' files.
    pub dir: PathBuf,
    /// Where the images are (`DATA_DIR/guests/images` unless `--guests-images`).
    pub images: PathBuf,
    pub qemu: PathBuf,
    pub qemu_img: PathBuf,
    pub budget: Budget,
    /// An instance type's memory is divided by this for its machine.
    pub memory_scale: u32,
    /// A machine that has not said it booted by then is given up (CREATE_FAILED, STOPPED).
    pub boot_timeout: Duration,
    /// A machine still on this long after the ACPI power button is powered off.
    pub stop_timeout: Duration,
    /// `None`: KVM if this host's KVM can run a stock kernel, else TCG.
    pub accel: Option<machine::Accel>,
}

impl Config {
    pub fn image_dir(&self) -> PathBuf {
        self.images.join("linux")
    }

    pub fn vm_dir(&self) -> PathBuf {
        self.dir.join("vm")
    }
}

/// The files of the one guest image (see scripts/guest-image).
#[derive(Debug, Clone)]
pub struct Image {
    pub kernel: PathBuf,
    pub initrd: PathBuf,
    pub rootfs: PathBuf,
}

impl Image {
    fn find(dir: &Path) -> Result<Image, String> {
        let image = Image {
            kernel: dir.join("vmlinuz"),
            initrd: dir.join("initrd.img"),
            rootfs: dir.join("rootfs.qcow2"),
        };
        for f in [
            &image.kernel,
            &image.initrd,
            &image.rootfs,
            &dir.join("manifest"),
        ] {
            if !f.is_file() {
                return Err(format!(
                    "the guest image is not built ({} is missing): run scripts/guest-image --data-dir DATA_DIR",
                    f.display()
                ));
            }
        }
        Ok(image)
    }
}

/// The driver's handle; cheap to clone.
#[derive(Clone)]
pub struct Guests {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    accel: machine::Accel,
    /// A private directory (0700) of QMP sockets.
    sockets: PathBuf,
    image: Image,
    host_cpus: u32,
    /// What the reconciler knows of each machine, for DescribeGuests.
    shown: Mutex<HashMap<u64, GuestInfo>>,
    /// Passwords of instances just created, until their machine is started.
    passwords: Mutex<HashMap<u64, String>>,
    /// Instances whose stop is forced (`forceShutdown`): powered off, not asked to.
    forced: Mutex<HashSet<u64>>,
    /// Creates are admitted one at a time, so that two cannot both take the last place.
    admission: tokio::sync::Mutex<()>,
    stop: tokio::sync::watch::Sender<bool>,
    done: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Guests {
    /// Checks that this machine can run guests: KVM, QEMU, the image.
    pub fn open(mut config: Config) -> Result<Guests, String> {
        let accel = choose_accel(config.accel)?;
        for (tool, package) in [
            (&config.qemu, "qemu-system-x86"),
            (&config.qemu_img, "qemu-utils"),
        ] {
            let version = std::process::Command::new(tool)
                .arg("--version")
                .output()
                .map_err(|e| {
                    format!(
                        "--guests qemu needs {} ({e}); install Debian's {package}",
                        tool.display()
                    )
                })?;
            if !version.status.success() {
                return Err(format!("{} --version failed", tool.display()));
            }
        }
        // Absolute: QEMU resolves a disk's backing file from the disk's own directory.
        for path in [&mut config.dir, &mut config.images] {
            *path = std::path::absolute(&*path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let image = Image::find(&config.image_dir())?;
        let sockets = socket_dir(&config.dir)?;
        std::fs::create_dir_all(config.vm_dir())
            .map_err(|e| format!("cannot make {}: {e}", config.vm_dir().display()))?;
        let host_cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        Ok(Guests {
            inner: Arc::new(Inner {
                config,
                accel,
                sockets,
                image,
                host_cpus,
                shown: Mutex::default(),
                passwords: Mutex::default(),
                forced: Mutex::default(),
                admission: tokio::sync::Mutex::new(()),
                stop: tokio::sync::watch::Sender::new(false),
                done: Mutex::new(None),
            }),
        })
    }

    /// Starts the reconciler. Returns once machines left by an earlier run are adopted and
    /// every instance has been brought to its machine's truth once (a RUNNING instance whose
    /// machine is gone is BOOTING), so that the first request already sees the truth.
    pub async fn start(&self, store: Store) {
        let mut driver = driver::Driver::new(self.inner.clone(), store);
        driver.adopt();
        driver.reconcile().await;
        let handle = tokio::spawn(driver.run(self.inner.stop.subscribe()));
        *lock(&self.inner.done) = Some(handle);
    }

    /// Stops the reconciler and powers every machine off (the ACPI power button, then, after
    /// a few seconds, the plug). Instances keep their status; at the next start, those
    /// RUNNING boot again (BOOTING, then RUNNING).
    pub async fn shutdown(&self) {
        self.inner.stop.send_replace(true);
        let handle = lock(&self.inner.done).take();
        if let Some(handle) = handle {
            let _ = handle.await;
        }
    }

    /// Admits a create of `count` instances of `type_memory_gib` each on an image of
    /// `os_type`; hold the guard until the store has created them.
    pub async fn admit(
        &self,
        store: &Store,
        count: usize,
        type_memory_gib: u32,
        os_type: &str,
    ) -> Result<tokio::sync::MutexGuard<'_, ()>, ApiError> {
        self.check_image(os_type)?;
        let guard = self.inner.admission.lock().await;
        let load = self.load(store);
        let each = budget::memory_mib(type_memory_gib, self.inner.config.memory_scale);
        budget::admit(self.inner.config.budget, load, count, each)?;
        Ok(guard)
    }

    /// How the guests' CPUs run: `kvm` or `tcg`.
    pub fn accel(&self) -> &'static str {
        self.inner.accel.name()
    }

    /// Admits a change of an instance's type from `old_gib` to `new_gib` of memory: the
    /// budget's memory must hold the larger machine. Hold the guard until the store has
    /// made the change.
    pub async fn admit_resize(
        &self,
        store: &Store,
        old_gib: u32,
        new_gib: u32,
    ) -> Result<tokio::sync::MutexGuard<'_, ()>, ApiError> {
        let guard = self.inner.admission.lock().await;
        let scale = self.inner.config.memory_scale;
        let (old, new) = (
            budget::memory_mib(old_gib, scale),
            budget::memory_mib(new_gib, scale),
        );
        let mut load = self.load(store);
        // The instance's own place, less its machine's present size.
        load.guests = load.guests.saturating_sub(1);
        load.memory_mib = load.memory_mib.saturating_sub(u64::from(old));
        budget::admit(self.inner.config.budget, load, 1, new)?;
        Ok(guard)
    }

    /// Whether an image of `os_type` can boot as a real guest here (Linux only).
    pub fn check_image(&self, os_type: &str) -> Result<(), ApiError> {
        if os_type == "linux" {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::StockInsufficient,
            format!("Real guests run Linux images only; this zecd has no {os_type} guest image."),
        ))
    }

    /// What the instances that hold machines take now.
    pub fn load(&self, store: &Store) -> Load {
        let scale = self.inner.config.memory_scale;
        store
            .all_instances()
            .iter()
            .filter(|i| !i.status.is_recycled())
            .fold(Load::default(), |l, i| Load {
                guests: l.guests + 1,
                memory_mib: l.memory_mib + u64::from(budget::memory_mib(i.memory, scale)),
            })
    }

    /// The password an instance was created with, for its first boot.
    pub fn remember_password(&self, id: u64, password: String) {
        lock(&self.inner.passwords).insert(id, password);
    }

    /// The next stop of these instances powers them off at once.
    pub fn force_stop(&self, ids: &[u64]) {
        lock(&self.inner.forced).extend(ids.iter().copied());
    }

    /// Takes [`Guests::force_stop`] back (the stop was refused).
    pub fn unforce_stop(&self, ids: &[u64]) {
        let mut forced = lock(&self.inner.forced);
        for id in ids {
            forced.remove(id);
        }
    }

    /// The machines of these instances (all, if none are named), by instance id.
    pub fn describe(&self, ids: &[u64]) -> Vec<GuestInfo> {
        let shown = lock(&self.inner.shown);
        let mut out: Vec<GuestInfo> = if ids.is_empty() {
            shown.values().cloned().collect()
        } else {
            ids.iter().filter_map(|id| shown.get(id).cloned()).collect()
        };
        for g in &mut out {
            g.rss_mib = g.pid.and_then(machine::rss_kib).map(|k| k / 1024);
        }
        out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        out
    }

    /// The last `max_bytes` of an instance's serial console (`None`: it has no machine).
    pub fn console(&self, id: u64, max_bytes: u64) -> Option<String> {
        use std::io::{Read, Seek, SeekFrom};
        let path = self
            .inner
            .config
            .vm_dir()
            .join(id.to_string())
            .join("console.log");
        let mut f = std::fs::File::open(path).ok()?;
        let len = f.metadata().ok()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(max_bytes)))
            .ok()?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).ok()?;
        Some(String::from_utf8_lossy(&bytes).replace('\0', ""))
    }
}

/// A directory of this user's alone for the machines' QMP sockets (a socket's path is at most
/// 107 bytes, so not under the data directory): `$TMPDIR/zecd-qmp-UID-HASH`, HASH of the data
/// directory. Refused if it exists and is not this user's, or others may enter it.
fn socket_dir(data: &Path) -> Result<PathBuf, String> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let uid = rustix::process::getuid().as_raw();
    let dir = std::env::temp_dir().join(format!("zecd-qmp-{uid}-{:08x}", path_hash(data)));
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    }
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "{} must be a directory of this user's that others cannot enter",
            dir.display()
        ));
    }
    Ok(dir)
}

/// FNV-1a of a path: a short, stable name.
fn path_hash(p: &Path) -> u32 {
    p.to_string_lossy().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// How guests run here: [`accel_for`] this host.
fn choose_accel(asked: Option<machine::Accel>) -> Result<machine::Accel, String> {
    let kvm = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .map(drop)
        .map_err(|e| e.to_string());
    let pvm = Path::new("/sys/module/kvm_pvm").exists();
    let (accel, warning) = accel_for(asked, kvm, pvm)?;
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    Ok(accel)
}

const PVM: &str = "this host's KVM is PVM (kvm_pvm), which runs only kernels built for PVM";

/// The acceleration asked for (`None`: auto) on a host whose /dev/kvm opens (or why not) and
/// whose KVM is PVM or not; with a warning to log. KVM needs /dev/kvm; a PVM host runs stock
/// Debian kernels only under TCG, which auto then chooses.
fn accel_for(
    asked: Option<machine::Accel>,
    kvm: Result<(), String>,
    pvm: bool,
) -> Result<(machine::Accel, Option<String>), String> {
    use machine::Accel;
    if asked == Some(Accel::Tcg) {
        return Ok((Accel::Tcg, None));
    }
    kvm.map_err(|e| {
        format!(
            "--guests qemu needs KVM, and /dev/kvm cannot be opened ({e}); use --guests none \
             (or --guests-accel tcg for slower, emulated guests)"
        )
    })?;
    Ok(match (asked, pvm) {
        (Some(Accel::Kvm), true) => (
            Accel::Kvm,
            Some(format!(
                "{PVM}: the guest image's kernel will not boot under --guests-accel kvm"
            )),
        ),
        (_, true) => (
            Accel::Tcg,
            Some(format!(
                "{PVM}: guests run under TCG emulation (slower to boot)"
            )),
        ),
        _ => (Accel::Kvm, None),
    })
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use machine::Accel;

    #[test]
    fn auto_is_kvm_unless_the_host_kvm_is_pvm_and_nothing_starts_without_kvm_but_tcg() {
        let ok = || Ok(());
        let none = || Err("No such file or directory".to_string());
        assert_eq!(accel_for(None, ok(), false), Ok((Accel::Kvm, None)));
        let (accel, warning) = accel_for(None, ok(), true).unwrap();
        assert_eq!(accel, Accel::Tcg);
        assert!(warning.unwrap().contains("PVM"));
        assert_eq!(
            accel_for(Some(Accel::Kvm), ok(), true).unwrap().0,
            Accel::Kvm
        );
        let e = accel_for(None, none(), false).unwrap_err();
        assert!(e.contains("/dev/kvm") && e.contains("--guests none"), "{e}");
        assert!(accel_for(Some(Accel::Kvm), none(), false).is_err());
        assert_eq!(
            accel_for(Some(Accel::Tcg), none(), false),
            Ok((Accel::Tcg, None))
        );
    }

    #[test]
    fn each_data_directory_has_a_private_socket_directory() {
        use std::os::unix::fs::PermissionsExt;
        assert_ne!(
            path_hash(Path::new("/a/data")),
            path_hash(Path::new("/b/data"))
        );
        let data = tempfile::tempdir().unwrap();
        let dir = socket_dir(data.path()).unwrap();
        assert_eq!(dir, socket_dir(data.path()).unwrap());
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            socket_dir(data.path())
                .unwrap_err()
                .contains("others cannot enter")
        );
        std::fs::remove_dir(&dir).unwrap();
    }
}

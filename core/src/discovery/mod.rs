//! Finding CXL components to open.
//!
//! Memory devices with a kernel mailbox appear as character devices under
//! `/dev/cxl` (the `cxl_mem` driver's `memN` nodes, and switch CCIs).
//! MCTP endpoints are announced by mctpd over D-Bus ([`mctpd`], built with
//! the `dbus` feature, meson's `-Dlibdbus=enabled`).

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::log::{LOG_DEBUG, LOG_ERR, Logger};
use crate::log_at;

#[cfg(feature = "dbus")]
pub mod mctpd;

/// Where the kernel puts CXL mailbox device nodes.
pub const DEV_CXL: &str = "/dev/cxl";

/// The path of device `devname` under `dir`, refusing names that are not a
/// single file name (empty, `.`, `..`, or with a `/`).
pub fn device_path(dir: &Path, devname: &OsStr) -> Result<PathBuf> {
    let b = devname.as_bytes();
    if b.is_empty() || b == b"." || b == b".." || b.contains(&b'/') {
        return Err(Error::InvalidArgument("a device name is one file name under /dev/cxl"));
    }
    Ok(dir.join(devname))
}

/// The names of the character devices in `dir`, in name order, skipping
/// names that begin with a dot as upstream does. Symbolic links count as
/// what they point to. A missing directory has none.
pub fn char_devices(dir: &Path, log: &Logger) -> io::Result<Vec<OsString>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            log_at!(log, LOG_DEBUG, "{} directory not found", dir.display());
            return Ok(Vec::new());
        }
        Err(e) => {
            log_at!(log, LOG_ERR, "failed to open {} directory: {e}", dir.display());
            return Err(e);
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.inspect_err(|e| log_at!(log, LOG_ERR, "failed to read {}: {e}", dir.display()))?;
        let name = entry.file_name();
        if name.as_bytes().first() == Some(&b'.') {
            continue;
        }
        let path = entry.path();
        match std::fs::metadata(&path) {
            Err(e) => log_at!(log, LOG_DEBUG, "failed to stat {}: {e}", path.display()),
            Ok(m) if !m.file_type().is_char_device() => {
                log_at!(log, LOG_DEBUG, "skipping {}: not a character device", path.display())
            }
            Ok(_) => names.push(name),
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_single_file_names() {
        let dir = Path::new(DEV_CXL);
        assert_eq!(device_path(dir, OsStr::new("mem0")).unwrap(), Path::new("/dev/cxl/mem0"));
        assert_eq!(device_path(dir, OsStr::new(".mem")).unwrap(), Path::new("/dev/cxl/.mem"));
        for bad in ["", ".", "..", "../null", "a/b", "/dev/null", "mem0/"] {
            assert!(matches!(device_path(dir, OsStr::new(bad)), Err(Error::InvalidArgument(_))), "{bad:?}");
        }
    }

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("cxlmi-{tag}-{}-{n}", std::process::id()));
            std::fs::create_dir(&p).unwrap();
            TempDir(p)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Makes `path` a character device like /dev/null (1, 3); false when
    /// not allowed (not root).
    fn mknod_null(path: &Path) -> bool {
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated path.
        unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o600, libc::makedev(1, 3)) == 0 }
    }

    #[test]
    fn scan_opens_character_devices_only() {
        let d = TempDir::new("scan");
        std::fs::write(d.0.join("regular"), b"").unwrap();
        std::fs::create_dir(d.0.join("subdir")).unwrap();
        std::os::unix::fs::symlink("/nonexistent", d.0.join("dangling")).unwrap();
        let chr = mknod_null(&d.0.join("mem1")) && mknod_null(&d.0.join("mem0")) && mknod_null(&d.0.join(".hidden"));
        std::os::unix::fs::symlink("/dev/null", d.0.join("link")).unwrap();
        let log = Logger::stderr(-1);
        let mut want: Vec<&str> = if chr { vec!["link", "mem0", "mem1"] } else { vec!["link"] };
        assert_eq!(char_devices(&d.0, &log).unwrap(), want);

        let ctx = crate::Context::new(Logger::stderr(-1));
        ctx.set_probe_enabled(true);
        let mem0 = d.0.join("mem0").to_string_lossy().into_owned();
        let eps = ctx.scan_dir(&d.0, |name| name == mem0).unwrap();
        if chr {
            want.retain(|n| *n != "mem0");
        }
        let names: Vec<String> = eps.iter().map(|e| e.describe()).collect();
        let want: Vec<String> = want.iter().map(|n| d.0.join(n).to_string_lossy().into_owned()).collect();
        assert_eq!(names, want);
        assert!(eps.iter().all(|e| e.has_fmapi()), "probing a mailbox enables FM-API");

        // Not a CXL device: the mailbox ioctl is refused, and the error reaches the caller.
        let mut ep = eps.into_iter().next().unwrap();
        let e = ep.execute::<crate::commands::generic::Identify>(crate::Tunnel::None, &()).unwrap_err();
        assert!(matches!(&e, Error::Io(io) if io.raw_os_error() == Some(libc::ENOTTY)), "{e}");
    }

    #[test]
    fn scan_of_a_missing_directory_opens_nothing() {
        let ctx = crate::Context::new(Logger::stderr(-1));
        assert!(ctx.scan_dir(Path::new("/nonexistent/cxl"), |_| false).unwrap().is_empty());
        assert!(ctx.scan_dir(Path::new("/dev/null"), |_| false).is_err());
    }

    #[test]
    fn open_by_name_refuses_bad_and_unknown_names() {
        let ctx = crate::Context::new(Logger::stderr(-1));
        for bad in ["", ".", "..", "../null"] {
            assert!(matches!(ctx.open_ioctl(bad), Err(Error::InvalidArgument(_))), "{bad:?}");
        }
        if !Path::new(DEV_CXL).join("cxlmi-no-such-device").exists() {
            let e = ctx.open_ioctl("cxlmi-no-such-device").err();
            assert!(matches!(&e, Some(Error::Io(io)) if io.kind() == std::io::ErrorKind::NotFound), "{e:?}");
        }
    }

    #[test]
    fn missing_directory_has_no_devices() {
        let log = Logger::stderr(-1);
        assert!(char_devices(Path::new("/nonexistent/cxl"), &log).unwrap().is_empty());
        let e = char_devices(Path::new("/dev/null"), &log).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOTDIR));
    }
}

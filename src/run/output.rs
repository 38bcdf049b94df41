//! Output files that never clobber: a regular file is written to a short,
//! unique temporary name beside it and renamed into place when complete; a
//! device, FIFO or socket (or a symlink to one) is written in place, never
//! replaced; a symlink to a regular file keeps the link and replaces the
//! file it points to. Also the checks a plan makes before any work: `-o` and
//! `--report` naming one file, an output that is also an input, two inputs
//! with one `--out-dir` output.

use super::Input;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Temporary files being written, removed if the process is interrupted.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Makes temporary names unique within the process (the pid makes them
/// unique between processes).
static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// The longest file name most file systems accept, in bytes.
const NAME_MAX: usize = 255;

/// Removes every temporary output (called on Ctrl-C / SIGTERM).
pub fn remove_partial_outputs() {
    if let Ok(list) = IN_PROGRESS.lock() {
        for p in list.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

/// Follows symbolic links from `path` to the path they finally name (which
/// may not exist yet). Stops after 40 links, as the kernel does.
pub fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&p) {
                Ok(target) if target.is_absolute() => p = target,
                Ok(target) => {
                    let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                    p = dir.join(target);
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

/// An output written to a hidden temporary name beside its destination and
/// renamed into place when complete: a failed or interrupted run leaves no
/// partial file under the destination's name. A destination that is not a
/// regular file (`-o /dev/null`, a FIFO) is written directly instead.
pub struct AtomicFile {
    /// None when writing in place.
    tmp: Option<PathBuf>,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<(AtomicFile, fs::File)> {
        let real = resolve_links(dest);
        if let Ok(m) = fs::metadata(&real) {
            if !m.is_file() && !m.is_dir() {
                // A device or FIFO: replacing it by rename would destroy it
                // (`-o /dev/null` as root). Opened without truncation.
                let f = fs::OpenOptions::new().write(true).open(&real)?;
                return Ok((
                    AtomicFile {
                        tmp: None,
                        dest: real,
                    },
                    f,
                ));
            }
        }
        let dir = real
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // create_new: never follows a link planted at the temporary name,
        // never shares one with another output of this run.
        let mut tries = 0;
        loop {
            let tmp = dir.join(temp_name(&name, std::process::id(), next_tmp()));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    if let Ok(mut list) = IN_PROGRESS.lock() {
                        list.push(tmp.clone());
                    }
                    return Ok((
                        AtomicFile {
                            tmp: Some(tmp),
                            dest: real,
                        },
                        f,
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn commit(self) -> io::Result<()> {
        match &self.tmp {
            Some(tmp) => fs::rename(tmp, &self.dest),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(tmp) = &self.tmp {
            // After a successful rename there is nothing left to remove.
            let _ = fs::remove_file(tmp);
            if let Ok(mut list) = IN_PROGRESS.lock() {
                list.retain(|p| p != tmp);
            }
        }
    }
}

fn next_tmp() -> u64 {
    NEXT_TMP.fetch_add(1, Ordering::Relaxed)
}

/// `.NAME.jixiao-PID-K.tmp`, or `.jixiao-PID-K.tmp` when that would pass
/// the file-system limit on a name (a valid 250-byte name must still work).
pub fn temp_name(name: &str, pid: u32, k: u64) -> String {
    let long = format!(".{name}.jixiao-{pid}-{k}.tmp");
    if long.len() <= NAME_MAX {
        long
    } else {
        format!(".jixiao-{pid}-{k}.tmp")
    }
}

/// What identifies a file: its device and inode when it exists (hard
/// links, symlinks and spellings all agree), else its absolute path with
/// links followed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    /// Device and inode (Unix only: elsewhere the path is what identifies).
    #[cfg(unix)]
    Node(u64, u64),
    Path(PathBuf),
}

fn identity(path: &Path) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = fs::metadata(path) {
            return Identity::Node(m.dev(), m.ino());
        }
    }
    let real = resolve_links(path);
    if let Ok(c) = fs::canonicalize(&real) {
        return Identity::Path(c);
    }
    // Not there yet: the folder's canonical path and the name.
    let parent = real
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    Identity::Path(match real.file_name() {
        Some(n) => dir.join(n),
        None => dir,
    })
}

/// True when `a` and `b` name the same file, however spelt.
pub fn same_file(a: &Path, b: &Path) -> bool {
    identity(a) == identity(b)
}

/// Where one input's own output goes under `--out-dir`: the path under the
/// folder it was found in, plus `.EXT`.
pub fn per_file_dest(dir: &Path, input: &Input, extension: &str) -> PathBuf {
    let mut dest = dir.join(&input.rel).into_os_string();
    dest.push(".");
    dest.push(extension);
    PathBuf::from(dest)
}

/// How many colliding names a usage error lists before “and N more”.
const LIST_AT_MOST: usize = 10;

/// Checks a conversion's outputs against each other and against its inputs
/// before anything is read or written; the message is a usage error.
/// `out_dir` is the folder and the extension of per-file outputs.
pub fn check_outputs(
    output: Option<&Path>,
    report: Option<&Path>,
    out_dir: Option<(&Path, &str)>,
    files: &[Input],
) -> Result<(), String> {
    if let (Some(o), Some(r)) = (output, report) {
        if same_file(o, r) {
            return Err(format!(
                "-o 与 --report 是同一个文件 {}，请为报告另取一个名字 \
                 (-o and --report name the same file: give the report another name, e.g. --report 报告.json)",
                r.display()
            ));
        }
    }
    let needs_inputs = output.is_some() || report.is_some() || out_dir.is_some();
    if !needs_inputs {
        return Ok(());
    }
    let inputs: HashMap<Identity, &Input> = files.iter().map(|f| (identity(&f.path), f)).collect();
    for out in output.iter().chain(report.iter()) {
        if inputs.contains_key(&identity(out)) {
            return Err(format!(
                "输出文件 {} 也是输入文件，请换一个输出路径 (the output is also an input: choose another path)",
                out.display()
            ));
        }
    }
    let Some((dir, ext)) = out_dir else {
        return Ok(());
    };
    let report_id = report.map(identity);
    let mut by_dest: HashMap<Identity, Vec<&Input>> = HashMap::new();
    let mut order: Vec<Identity> = Vec::new();
    for f in files {
        let dest = per_file_dest(dir, f, ext);
        let id = identity(&dest);
        if let Some(input) = inputs.get(&id) {
            return Err(format!(
                "--out-dir 会用 {} 的结果覆盖输入文件 {}，请换一个输出文件夹 \
                 (the output for {} would overwrite the input {}: choose another --out-dir)",
                f.label, input.label, f.label, input.label
            ));
        }
        if report_id.as_ref() == Some(&id) {
            return Err(format!(
                "--report 与 {} 的输出是同一个文件 {}，请为报告另取一个名字 \
                 (--report names the output of {}: give the report another name)",
                f.label,
                dest.display(),
                f.label
            ));
        }
        let group = by_dest.entry(id.clone()).or_default();
        if group.is_empty() {
            order.push(id);
        }
        group.push(f);
    }
    let clashes: Vec<&Vec<&Input>> = order
        .iter()
        .filter_map(|id| by_dest.get(id))
        .filter(|g| g.len() > 1)
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    let mut msg = format!(
        "--out-dir 中有 {} 组输入会写到同一个输出文件，请分开转换或给出它们所在的上级文件夹 \
         ({} of inputs would write the same output: convert them separately, or give their parent folder so the tree is mirrored):",
        clashes.len(),
        crate::write::count(clashes.len(), "group", "groups")
    );
    for g in clashes.iter().take(LIST_AT_MOST) {
        let dest = per_file_dest(dir, g[0], ext);
        let names: Vec<&str> = g.iter().map(|f| f.label.as_str()).collect();
        msg.push_str(&format!("\n  {} ← {}", dest.display(), names.join("、")));
    }
    if clashes.len() > LIST_AT_MOST {
        msg.push_str(&format!(
            "\n  …另有 {} 组 (and {} more)",
            clashes.len() - LIST_AT_MOST,
            clashes.len() - LIST_AT_MOST
        ));
    }
    Err(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_stay_within_the_name_limit() {
        assert_eq!(temp_name("a.json", 7, 0), ".a.json.jixiao-7-0.tmp");
        let long = "长".repeat(83) + ".json"; // 254 bytes: valid
        let t = temp_name(&long, u32::MAX, u64::MAX);
        assert!(t.len() <= NAME_MAX, "{}", t.len());
        assert!(t.starts_with(".jixiao-"));
        assert_ne!(temp_name("a", 1, 1), temp_name("a", 1, 2));
    }
}

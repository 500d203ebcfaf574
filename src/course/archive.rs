//! Course posts uploaded as one `.zip`: unpacked in memory with hard limits checked while
//! reading, never trusting the sizes the archive declares, so a zip bomb is refused after
//! reading at most the limit. Only markdown and text entries are taken, in name order;
//! folders, hidden files and macOS metadata are left out.

use std::io::Read;

/// Entries read from one archive, at most.
pub const MAX_ENTRIES: usize = 200;
/// Bytes of one unpacked post, at most.
pub const MAX_ENTRY_BYTES: u64 = 2 * 1024 * 1024;
/// Bytes unpacked from one archive in all, at most.
pub const MAX_TOTAL_BYTES: u64 = 20 * 1024 * 1024;

/// Whether `bytes` is a zip archive (its local-file-header signature).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The course posts in a zip archive as `(archive/entry, bytes)`, or why it was refused.
pub fn unpack(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{name}: not a readable zip archive ({e})"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "{name}: {} entries; at most {MAX_ENTRIES} course posts per archive",
            zip.len()
        ));
    }
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("{name}: entry {i} cannot be read ({e})"))?;
        let path = entry
            .name()
            .map_err(|e| format!("{name}: entry {i} has an unreadable name ({e})"))?
            .to_string();
        let base = path.rsplit('/').next().unwrap_or(&path);
        let wanted = [".md", ".markdown", ".txt"]
            .iter()
            .any(|ext| base.to_ascii_lowercase().ends_with(ext));
        if entry.is_dir() || !wanted || base.starts_with('.') || path.starts_with("__MACOSX") {
            continue;
        }
        let mut content = Vec::new();
        // Read one byte past the limit: the declared size may lie.
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name}: {path} cannot be unpacked ({e})"))?;
        if content.len() as u64 > MAX_ENTRY_BYTES {
            return Err(format!(
                "{name}: {path} unpacks to more than {} MB; refused",
                MAX_ENTRY_BYTES / (1024 * 1024)
            ));
        }
        total += content.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "{name}: unpacks to more than {} MB in all; refused",
                MAX_TOTAL_BYTES / (1024 * 1024)
            ));
        }
        out.push((format!("{name}/{path}"), content));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn archive(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn posts_in_name_order_without_folders_or_metadata() {
        let zip = archive(&[
            ("posts/2026-03-10-b.md", b"b"),
            ("posts/2026-03-03-a.md", b"a"),
            ("__MACOSX/posts/._a.md", b"x"),
            ("posts/image.png", b"png"),
        ]);
        assert!(is_zip(&zip));
        let got = unpack("term.zip", &zip).unwrap();
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "term.zip/posts/2026-03-03-a.md",
                "term.zip/posts/2026-03-10-b.md"
            ]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_after_reading_at_most_the_limit() {
        // 3 MB of zeros compresses to a few kilobytes.
        let zeros = vec![0u8; 3 * 1024 * 1024];
        let zip = archive(&[("bomb.md", &zeros)]);
        assert!(zip.len() < 64 * 1024);
        let err = unpack("bomb.zip", &zip).unwrap_err();
        assert!(err.contains("more than 2 MB"), "{err}");
        assert!(unpack("x.zip", b"PK\x03\x04 not really").is_err());
    }
}
